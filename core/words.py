"""Counted nouns: the noun agrees with its number (``1 CSM``, ``2 CSMs``, ``0 warnings``), so no page,
message or command output reads "1 CSMs" or "1 days". Pure."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "CSM")`` → ``"1 CSM"``; ``counted(60, "day")`` → ``"60 days"``; ``plural`` for a noun
    whose plural is not ``noun + "s"`` (``counted(2, "delivery", "deliveries")``). Numbers of 1,000 and more
    are grouped (``"1,234 rows"``)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
