"""The near match of a misspelled name: a file's key, a choice's value (DESIGN §3 "Plans": a misspelled
key or value is named with the one it most likely meant — plans, segments, plays and scorecards alike)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from typing import Any


def close_match(word: Any, choices: Iterable[Any]) -> str | None:
    """The one of ``choices`` the text ``word`` most likely misspells (``difflib.get_close_matches``, its
    default cutoff of 0.6: a letter missing, doubled or swapped, a case changed), or None."""
    if not isinstance(word, str):
        return None
    # Compared in lower case, so that a case changed (PAY_NEGATIVE, Currency) is as close as can be.
    named = {c.lower(): c for c in reversed([c for c in choices if isinstance(c, str) and c != word])}
    close = get_close_matches(word.lower(), list(named), n=1)
    return named[close[0]] if close else None


def did_you_mean(word: Any, choices: Iterable[Any], *, prefix: str = "") -> str:
    """``" (did you mean credit_date_by_type?)"`` when ``word`` is close to one of ``choices``
    (``close_match``), else "". ``prefix``: a prefix the choices are written with and compared without
    (``attainment.``, ``kpi.``), so that a shared prefix alone never makes two names close."""
    if prefix and isinstance(word, str) and word.startswith(prefix):
        match = close_match(word[len(prefix) :], choices)
    else:
        match = close_match(word, choices)
    return f" (did you mean {prefix if prefix and match else ''}{match}?)" if match else ""


def with_near_matches(words: Iterable[Any], choices: Iterable[Any]) -> str:
    """``"colr (did you mean color?), extra"``: each of ``words``, followed by its near match in
    ``choices`` when it has one, joined with commas."""
    choices = list(choices)
    return ", ".join(f"{word}{did_you_mean(word, choices)}" for word in words)
