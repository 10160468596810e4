"""Prices, discounts and taxes for the shop."""

from decimal import Decimal, ROUND_HALF_UP


def apply_discount(price, percent):
    """Reduce a price by a percentage, never below zero."""
    reduced = price - price * Decimal(percent) / 100
    return max(reduced, Decimal(0))


def add_sales_tax(amount, rate):
    """Add value added tax to a net amount."""
    return amount * (1 + Decimal(rate))


def round_to_cents(value):
    """Round money to two decimal places, halves away from zero."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def convert_currency(amount, rate_table, source, target):
    """Convert an amount between currencies using exchange rates."""
    if source == target:
        return amount
    return amount / rate_table[source] * rate_table[target]


def bulk_price_tiers(quantity):
    """Unit price multiplier for large orders: more items, cheaper each."""
    if quantity >= 100:
        return Decimal("0.8")
    if quantity >= 10:
        return Decimal("0.9")
    return Decimal(1)
