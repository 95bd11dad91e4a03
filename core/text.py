"""Free text people type (reasons, comments): the checks every such field shares."""

from __future__ import annotations

import re

from .errors import AttainError

# Control characters other than tab, line feed and carriage return: no data value or reason holds one,
# and a NUL cannot even be stored by PostgreSQL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MIN_REASON = 10
MAX_REASON = 2000


def checked_reason(text: str | None, *, what: str, minimum: int = MIN_REASON) -> str:
    """``text`` stripped, or ``AttainError`` naming ``what`` ("A hold") when it is shorter than ``minimum``
    characters, longer than ``MAX_REASON``, or holds a control character."""
    text = (text or "").strip()
    if len(text) < minimum:
        raise AttainError(f"{what} needs a reason of at least {minimum} characters.")
    if len(text) > MAX_REASON:
        raise AttainError(f"{what}'s reason is {len(text):,} characters long: at most {MAX_REASON:,}.")
    found = CONTROL_CHARACTERS.search(text)
    if found:
        raise AttainError(
            f"{what}'s reason holds the control character U+{ord(found.group()):04X}: remove it."
        )
    return text
