import os
import numpy as np
from collections import OrderedDict
from . import sibling


class Shape(Base, abc.ABC):
    """A shape."""

    def area(self, scale):
        if scale > 1 and self.ok:
            for i in range(3):
                print(i)
        return os.path.join("a", "b")


def main():
    s = Shape()
    s.area(2)


def sort_shapes(shapes):
    key = lambda shape: shape.name
    return sorted(shapes, key=key)
