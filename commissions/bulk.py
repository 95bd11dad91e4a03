"""Fast inserts of many rows: PostgreSQL ``COPY``, batched ``executemany`` elsewhere (SQLite).

Rows are tuples of database values in ``columns`` order: str, int, bool, Decimal, date, None, or a
dict/list for JSON columns — or a ``Columns``, the same values held column by column. Used by the
imports' staging tables and by calculation results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection

BATCH = 5000
# Rows per piece of COPY text: big enough that PostgreSQL parses one piece while the next is built,
# small enough that a piece (a few MB) never holds a large file's text at once.
COPY_ROWS = 50_000


class Columns:
    """Rows held column by column: ``columns[i]`` is the i-th value of every row (equal lengths).

    Iterates as row tuples, so whatever takes rows takes it; ``insert_rows`` formats it a column at a
    time, which is several times faster for a large import than a value at a time.
    """

    def __init__(self, columns: Sequence[Sequence[Any]]):
        self.columns = list(columns)

    def __iter__(self) -> Iterator[tuple]:
        return zip(*self.columns, strict=True)

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0


@contextmanager
def immediate_constraints() -> Iterator[None]:
    """Check foreign keys row by row inside the block (PostgreSQL), then defer them again as Django does.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED. A bulk write into a table with row triggers
    (the audit's, the frozen snapshot's) while the checks are deferred takes time growing with the
    square of the rows: 20,000 target lines took 12 s deferred and 2.5 s immediate, 80,000 took 180 s.
    Imports have validated every reference already, so checking at once changes no outcome.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield  # on an error (or a dry run's set_rollback) the transaction rolls back, and the setting with it
    if not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# A write of this many rows refreshes the table's planner statistics at once (PostgreSQL).
ANALYZE_AFTER_ROWS = 10_000


def refresh_statistics(model) -> None:
    """``ANALYZE`` the model's table, so the next queries are planned for the rows just written.

    Autovacuum gets there too, but only after a while: until then a query planned for the old, small
    table can take a hundred times longer (a CSM's targets after the year's snapshot import: 233 ms by
    a nested loop over every line, instead of 2 ms).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple] | Columns) -> None:
    """Insert ``rows`` (tuples, or a ``Columns``) into ``table``; runs in the caller's transaction.

    PostgreSQL: one ``COPY``, its text built a piece at a time while the server reads the previous one.
    """
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pieces = _copy_pieces(rows) if isinstance(rows, Columns) else _copy_batches(rows)
            cursor.cursor.copy_expert(f"COPY {qn(table)} ({names}) FROM STDIN", _CopySource(pieces))
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from models
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, [tuple(_plain_value(value) for value in row) for row in batch])


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _json(value)
    return value


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy_json(value: Any) -> str:
    return _json(value).translate(_COPY_ESCAPES)


# COPY text of a value by its exact type: one dict lookup per value instead of a chain of isinstance.
_COPY_FORMAT: dict[type, Any] = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    str: _copy_text,
    int: str,
    Decimal: lambda value: format(value, "f"),
    date: date.isoformat,
    dict: _copy_json,
    list: _copy_json,
}


def _copy_value(value: Any) -> str:
    formatter = _COPY_FORMAT.get(type(value))
    if formatter is not None:
        return formatter(value)
    if isinstance(value, dict | list):
        return _copy_json(value)
    if isinstance(value, str):
        return _copy_text(value)
    return str(_plain_value(value))


def _copy_column(values: Sequence[Any]) -> list[str]:
    """The COPY text of each value of a column.

    Each distinct object is formatted once: an import's parsers hand out one object per distinct cell
    (a score, a date, a customer's key), so a column of a million values has a few thousand to format.
    Keyed by identity, not equality, so the text is exactly ``_copy_value``'s (Decimal 1.0 and 1.00 are
    equal, their texts are not).
    """
    ids = list(map(id, values))
    distinct = dict(zip(ids, values, strict=True))
    text = {key: _copy_value(value) for key, value in distinct.items()}
    return list(map(text.__getitem__, ids))


def _copy_text_of(columns: Sequence[Sequence[Any]]) -> str:
    """Rows given column by column, as one piece of COPY text."""
    texts = [_copy_column(column) for column in columns]
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _copy_pieces(rows: Columns) -> Iterator[str]:
    for start in range(0, len(rows), COPY_ROWS):
        yield _copy_text_of([column[start : start + COPY_ROWS] for column in rows.columns])


def _copy_batches(rows: Iterable[tuple]) -> Iterator[str]:
    iterator = iter(rows)
    while batch := list(islice(iterator, COPY_ROWS)):
        yield _copy_text_of(list(zip(*batch, strict=True)))


class _CopySource:
    """What psycopg2's ``copy_expert`` reads from: the pieces of COPY text as they are built, with no
    file in between (``read`` may return more or less than asked; an empty string ends the data)."""

    def __init__(self, pieces: Iterator[str]):
        self._pieces = pieces

    def read(self, size: int = -1) -> str:
        return next(self._pieces, "")

    readline = read
