"""One colour per meaning in every figure of the course: class (digit) k is matplotlib's "Ck",
same pairs are green and different pairs red, so a reader never has to re-learn a legend."""
from __future__ import annotations

import numbers

SAME_PAIRS = "C2"       # green
DIFFERENT_PAIRS = "C3"  # red


def class_color(label: object, position: int = 0) -> str:
    """The colour of a class: "C<label>" for an integer label (digit 7 is always "C7"), otherwise
    "C<position>" (its place among the classes shown)."""
    whole = isinstance(label, numbers.Real) and not isinstance(label, bool) and float(label).is_integer()
    return f"C{int(label) % 10}" if whole and label >= 0 else f"C{position % 10}"
