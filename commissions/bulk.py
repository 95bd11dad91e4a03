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


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dict | list):
        return _json(value).translate(_COPY_ESCAPES)
    return str(_plain_value(value))


def _copy_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """Rows in PostgreSQL's COPY text format."""
    for row in rows:
        yield "\t".join(_copy_value(value) for value in row) + "\n"
