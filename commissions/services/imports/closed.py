"""Rows a closed quarter read cannot change (DESIGN §3 "Frozen and closed data…").

A row that would be created, changed or moved in what a closed quarter read refuses the file; a row
already stored exactly as the file says is left alone, so re-importing a full extract still works.
The rule itself, for every kind, is ``commissions.closed.closed_quarter_read``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commissions.closed import closed_message, closed_quarter_read, closed_quarters, reads_of

from .base import ParsedFile, RowError

CHUNK = 5000


def check_closed(parsed: ParsedFile) -> list[RowError]:
    """Every row of the file that would change what a closed quarter read (DESIGN §3)."""
    spec = parsed.spec
    reads = reads_of(spec.model) if spec.model is not None else None
    closed = closed_quarters() if reads is not None else []
    if not closed:
        return []
    meta = spec.model._meta
    fields = [(meta.get_field(name).attname, column) for name, column in spec.fields]
    size = len(spec.key)
    rows = []
    for row in parsed.rows:
        values, new = parsed.values(row), {}
        for attname, column in fields:
            value, mapping = values[column], parsed.refs.get(column)
            if mapping is not None and value is not None:
                value = mapping.get(value)
            new[attname] = value
        rows.append((row[0], values, new))
    stored = _stored(spec.model, [a for a, _ in fields], size, [new for _, _, new in rows])
    columns = dict(fields)
    errors = []
    for line, values, new in rows:
        key = tuple(new[a] for a, _ in fields[:size])
        hit = closed_quarter_read(reads, stored.get(key), new, closed)
        if hit is not None:
            column = columns.get(hit[1], hit[1])
            value = values.get(column)
            shown = "" if value is None else str(value)
            errors.append(RowError(line, column, shown, closed_message(reads, hit[0])))
    return errors


def _stored(model, attnames: list[str], size: int, rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """The stored rows of the file's natural keys, as mappings of ``attnames``."""
    first = attnames[0]
    wanted = sorted({row[first] for row in rows if row[first] is not None}, key=str)
    found: dict[tuple, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = model._default_manager.filter(**{f"{first}__in": wanted[start : start + CHUNK]})
        for stored in chunk.values(*attnames).iterator(chunk_size=CHUNK):
            found[tuple(stored[a] for a in attnames[:size])] = stored
    return found


def together(*checks: Callable[[ParsedFile], list[RowError]]) -> Callable[[ParsedFile], list[RowError]]:
    """One ``check_file`` running several checks, their errors in order."""

    def check(parsed: ParsedFile) -> list[RowError]:
        return [error for each in checks for error in each(parsed)]

    return check
