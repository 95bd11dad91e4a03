"""Fast inserts of many rows: PostgreSQL ``COPY``, batched ``executemany`` elsewhere (SQLite).

Rows are tuples of database values in ``columns`` order: str, int, bool, Decimal, date, None, or a
dict/list for JSON columns. Used by the imports' staging tables and by calculation results.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection

BATCH = 5000
COPY_BUFFER = 8 * 1024 * 1024


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
