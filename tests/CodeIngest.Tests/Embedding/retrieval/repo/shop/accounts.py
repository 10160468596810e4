"""User accounts, passwords and sessions."""

import hashlib
import hmac
import os
import re
import secrets
import time

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password, salt=None):
    """Derive a slow salted hash for storing a secret."""
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000)
    return salt, digest


def verify_password(password, salt, expected):
    """Check a login attempt against the stored hash in constant time."""
    _, digest = hash_password(password, salt)
    return hmac.compare_digest(digest, expected)


def is_valid_email(address):
    """Tell whether an address looks like name@domain.tld."""
    return bool(EMAIL.match(address))


def create_session_token():
    """Random opaque token that identifies a signed-in browser."""
    return secrets.token_urlsafe(32)


def session_expired(created_at, lifetime_seconds=3600):
    """True when a login is older than its allowed lifetime."""
    return time.time() - created_at > lifetime_seconds


def lock_account_after_failures(failures, limit=5):
    """Block sign-in after too many wrong passwords in a row."""
    return failures >= limit
