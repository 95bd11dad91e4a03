"""Counted nouns as the handbook writes them: the noun agrees with its number (``1 day``, ``2 days``,
``0 days``), so a plan's option of 1 never reads "1 days". Pure."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "day")`` → ``"1 day"``; ``counted(60, "day")`` → ``"60 days"``; ``plural`` for a noun
    whose plural is not ``noun + "s"``."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def days(number: int) -> str:
    """``"1 day"``, ``"60 days"``."""
    return counted(number, "day")


def days_after(number: int) -> str:
    """The tail of a window that starts on a day and runs ``number`` days after it, both ends included:
    ``"and the 60 days after it"``, ``"and the day after it"``, and "" for none (the first day only)."""
    if number <= 0:
        return ""
    if number == 1:
        return "and the day after it"
    return f"and the {days(number)} after it"
