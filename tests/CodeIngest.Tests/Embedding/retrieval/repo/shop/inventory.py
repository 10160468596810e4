"""Stock levels in the warehouse."""


class Inventory:
    def __init__(self, levels):
        self.levels = dict(levels)

    def reserve(self, sku, quantity):
        """Hold units for an order; fail when not enough are on the shelf."""
        if self.levels.get(sku, 0) < quantity:
            raise ValueError(f"out of stock: {sku}")
        self.levels[sku] -= quantity

    def restock(self, sku, quantity):
        """Receive a delivery from a supplier."""
        self.levels[sku] = self.levels.get(sku, 0) + quantity

    def low_stock_report(self, threshold=5):
        """List products that are about to run out."""
        return sorted(sku for sku, level in self.levels.items() if level < threshold)
