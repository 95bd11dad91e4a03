"""Counted nouns as the handbook writes them (``core.words.counted``, as every message counts): the noun
agrees with its number (``1 day``, ``2 days``, ``0 days``), so a plan's option of 1 never reads "1 days".
Pure."""

from __future__ import annotations

from core.words import counted

__all__ = ["counted", "days", "days_after"]


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
