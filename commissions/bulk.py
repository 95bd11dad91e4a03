"""Fast inserts of many rows: PostgreSQL ``COPY``, batched ``executemany`` elsewhere (SQLite).

Rows are tuples of database values in ``columns`` order: str, int, bool, Decimal, date, None, or a
dict/list for JSON columns. Used by the imports' staging tables and by calculation results.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection

BATCH = 5000
COPY_BUFFER = 8 * 1024 * 1024


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


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` into ``table``; runs in the caller's transaction."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with tempfile.TemporaryFile("w+", encoding="utf-8", buffering=COPY_BUFFER) as buffer:
                buffer.writelines(_copy_lines(rows))
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {qn(table)} ({names}) FROM STDIN", buffer)
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


def _copy_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """Rows in PostgreSQL's COPY text format."""
    value = _copy_value
    for row in rows:
        yield "\t".join(map(value, row)) + "\n"
