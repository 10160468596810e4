"""The shopping cart."""


class Cart:
    def __init__(self):
        self.lines = {}

    def add_item(self, sku, quantity=1):
        """Put a product in the basket or increase its count."""
        self.lines[sku] = self.lines.get(sku, 0) + quantity

    def remove_item(self, sku):
        """Take a product out of the basket entirely."""
        self.lines.pop(sku, None)

    def total_quantity(self):
        """How many units are in the basket altogether."""
        return sum(self.lines.values())

    def merge_carts(self, other):
        """Combine a guest basket into the signed-in user's basket."""
        for sku, quantity in other.lines.items():
            self.add_item(sku, quantity)


def checkout_order(cart, inventory, payment):
    """Turn the basket into an order: reserve stock, then charge the customer."""
    for sku, quantity in cart.lines.items():
        inventory.reserve(sku, quantity)
    return payment.charge(cart)
