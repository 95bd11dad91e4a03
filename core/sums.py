"""Exact sums of money columns.

The database's SUM is exact on PostgreSQL (numeric) but not on SQLite, which sums decimal columns as
floating-point numbers (2333.33 + 0.01 came back as 2333.3399999999997). Money is summed here, in
``Decimal``, on every database alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


def exact_sums(queryset, keys: Sequence[str], amount: str = "amount") -> dict[tuple, Decimal]:
    """``{(key values…): Σ amount}`` over ``queryset``'s rows, in the order each key first appears.

    ``keys`` and ``amount`` are field paths ``values_list`` accepts (``plan__code``). Shape: a dict of
    tuples (one value per key) to a ``Decimal`` in the column's currency.
    """
    totals: dict[tuple, Decimal] = {}
    for *key, value in queryset.values_list(*keys, amount):
        key = tuple(key)
        totals[key] = totals.get(key, Decimal(0)) + value
    return totals
