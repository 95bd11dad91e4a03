"""Rows a closed quarter read cannot change (DESIGN §3 "Frozen and closed data…").

A row that would be created, changed or moved in what a closed quarter read refuses the file, naming
every closed quarter it would alter; a row already stored exactly as the file says is left alone, so
re-importing a full extract still works. The rule itself, for every kind, is
``commissions.closed.closed_quarters_altered``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from commissions.closed import closed_message, closed_quarters, closed_quarters_altered, reads_of

from .base import ParsedFile, RowError

CHUNK = 5000


def check_closed(parsed: ParsedFile) -> list[RowError]:
    """Every row of the file that would change what a closed quarter read (DESIGN §3).

    Rows are compared with the stored rows of their natural keys first: a row stored exactly as the file
    says is no change and needs no rule. The others, new or changed, are judged one by one by
    ``closed_quarters_altered`` with their stored row: a row is refused naming every closed quarter
    whose reading of it would change. Column by column and with stored rows streamed as
    tuples, so a large re-import holds neither a dictionary per row nor the stored table.
    """
    spec = parsed.spec
    reads = reads_of(spec.model) if spec.model is not None else None
    closed = closed_quarters(spec.model) if reads is not None else []
    if not closed:
        return []
    meta = spec.model._meta
    fields = parsed.fields  # a column the header left out changes nothing
    attnames = [meta.get_field(name).attname for name, _column in fields]
    columns = [_database_values(parsed, column) for _name, column in fields]
    same, olds = _stored(spec.model, attnames, len(spec.key), columns, reads.fields or attnames)
    file_column = {attname: column for attname, (_name, column) in zip(attnames, fields, strict=True)}
    errors = []
    for i, line in enumerate(parsed.column_of_lines()):
        if same[i]:
            continue  # stored as the file says: no change
        new = dict(zip(attnames, [column[i] for column in columns], strict=True))
        old = olds.get(i)
        stored = None if old is None else dict(zip(attnames, old, strict=True))
        hit = closed_quarters_altered(reads, stored, new, closed)
        if hit is not None:
            column = file_column.get(hit[1], hit[1])
            value = parsed.rows[i][parsed.index(column)] if column in spec.column_index else None
            shown = "" if value is None else str(value)
            message = closed_message(reads, hit[0], field=hit[1], old=stored, new=new, model=spec.model)
            errors.append(RowError(line, column, shown, message))
    return errors


def _database_values(parsed: ParsedFile, column: str) -> list[Any]:
    """The file's values of ``column`` as stored: a reference as its key (None if unknown)."""
    values, mapping = parsed.column(column), parsed.refs.get(column)
    if mapping is None:
        return values
    return list(map(mapping.get, values))


def _stored(
    model, attnames: list[str], size: int, columns: list[list[Any]], compared: tuple[str, ...] | list[str]
):
    """The stored rows of the file's natural keys, by file row: ``same[i]`` when row i is stored with the
    same ``compared`` fields, else ``olds[i]``, the stored row (a tuple in ``attnames`` order) if any."""
    keys = columns[0] if size == 1 else list(zip(*columns[:size], strict=True))
    position = {key: i for i, key in enumerate(keys)}
    key_of, compared_of = itemgetter(*range(size)), itemgetter(*[attnames.index(name) for name in compared])
    same, olds = bytearray(len(keys)), {}
    first = attnames[0]
    wanted = sorted({key if size == 1 else key[0] for key in position} - {None}, key=str)
    for start in range(0, len(wanted), CHUNK):
        chunk = model._default_manager.filter(**{f"{first}__in": wanted[start : start + CHUNK]})
        for stored in chunk.values_list(*attnames).iterator(chunk_size=CHUNK):
            i = position.get(key_of(stored))
            if i is None:
                continue  # a stored row the file does not name: the import leaves it alone
            if compared_of(stored) == compared_of([column[i] for column in columns]):
                same[i] = 1
            else:
                olds[i] = stored
    return same, olds


def together(*checks: Callable[[ParsedFile], list[RowError]]) -> Callable[[ParsedFile], list[RowError]]:
    """One ``check_file`` running several checks, their errors in order."""

    def check(parsed: ParsedFile) -> list[RowError]:
        return [error for each in checks for error in each(parsed)]

    return check
