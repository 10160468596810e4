"""Files, caches and retries around the database."""

import csv
import functools
import json
import time


def read_csv_rows(path):
    """Load a comma separated file as dictionaries keyed by header."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def write_json_atomically(path, data):
    """Save JSON to a temporary file and rename it so readers never see half a file."""
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(data, handle)
    import os
    os.replace(temporary, path)


def retry_with_backoff(action, attempts=5, delay=0.1):
    """Call an operation again after failures, waiting twice as long each time."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(delay * 2 ** attempt)


def memoize(function):
    """Remember results of an expensive call by its arguments."""
    return functools.lru_cache(maxsize=None)(function)


def paginate(items, page, per_page=20):
    """Return one page of a long list, counting pages from one."""
    start = (page - 1) * per_page
    return items[start:start + per_page]


def chunked(items, size):
    """Split a sequence into consecutive groups of a fixed size."""
    return [items[i:i + size] for i in range(0, len(items), size)]
