"""The rules of contests and nudges as pure functions (docs/design.md §11.5; RULES "Contests",
"Bottom 5%"): no Django, no database, exact decimals.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def competition_ranks(scores: Mapping[Hashable, Decimal], *, highest_first: bool = True) -> dict:
    """Standard competition ranking ("1, 1, 3"): a person's rank is 1 + the number of people strictly
    better. ``scores`` maps a key (e.g. a person's pk) to a Decimal; better is higher when
    ``highest_first``, else lower. Returns {key: rank ≥ 1}."""
    ordered = sorted(scores.values(), reverse=highest_first)
    first_at: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
    ranks = {key: first_at[value] for key, value in scores.items()}
    return ranks


def split_prize(prize: Decimal, winners: Sequence[Hashable]) -> dict:
    """The prize (money, 2 decimals) shared equally by ``winners``, given in employee-id order.

    Each gets prize ÷ k rounded down to the cent; the cents left over (fewer than k) go one each to the
    first winners in the order given. The shares sum to the prize exactly (docs/design.md §11.5). Raises
    ``ValueError`` without winners or for a prize below 0 or with more than 2 decimals.
    """
    if not winners:
        raise ValueError("A prize is shared among at least one winner.")
    if prize < 0 or prize != prize.quantize(CENT):
        raise ValueError(f"A prize is an amount of money ≥ 0 with at most 2 decimals, not {prize}.")
    k = len(winners)
    base = (prize / k).quantize(CENT, rounding=ROUND_DOWN)
    left = int((prize - base * k) / CENT)
    return {winner: base + (CENT if i < left else 0) for i, winner in enumerate(winners)}


def bottom_count(n: int) -> int:
    """How many people make the bottom 5% of ``n`` people with a value: ceil(5% × n), which is at least
    1 when n ≥ 1 (RULES "Bottom 5%"): 1 → 1, 19 → 1, 20 → 1, 21 → 2, 40 → 2, 41 → 3; 0 → 0."""
    if n < 0:
        raise ValueError(f"A count of people is ≥ 0, not {n}.")
    return (n * 5 + 99) // 100


def bottom_five_percent(values: Mapping[Hashable, Decimal | None]) -> tuple[dict, list]:
    """The bottom 5% of ``values`` (key → value, None for no value), lowest first (RULES "Bottom 5%").

    Returns ({key: rank from the bottom (1 = lowest, competition ranking)} of everyone picked, [keys
    without a value]). ceil(5% × n) people are picked, n counting only people with a value; everyone tied
    with the last one picked is picked too. People without a value are listed apart and never picked.
    """
    with_value = {key: value for key, value in values.items() if value is not None}
    without = [key for key, value in values.items() if value is None]
    k = bottom_count(len(with_value))
    if k == 0:
        return {}, without
    cutoff = sorted(with_value.values())[k - 1]
    ranks = competition_ranks(with_value, highest_first=False)
    return {key: ranks[key] for key, value in with_value.items() if value <= cutoff}, without
