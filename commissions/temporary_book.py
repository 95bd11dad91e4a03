"""PostgreSQL: a book computed once into a temporary table for one load (``book_scope``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models.expressions import RawSQL

from adoption.models import Customer

TABLE = "attain_load_book"


@contextmanager
def temporary_book(book) -> Iterator[tuple[RawSQL, dict[int, str]]]:
    """``book`` (a ``values("customer_id")`` subquery) written to a temporary table; yields a subquery of
    its customer ids and the map of customer key -> customer id. Runs inside a transaction (the table is
    ``ON COMMIT DROP``); dropped when the block ends, or rolled back with the transaction on an error."""
    sql, params = book.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TABLE} ON COMMIT DROP AS "  # noqa: S608 - SQL from the ORM
            f"SELECT c.id, c.customer_id AS code FROM {Customer._meta.db_table} c "
            f"WHERE c.id IN (SELECT customer_id FROM ({sql}) AS book)",
            params,
        )
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"SELECT id, code FROM {TABLE}")  # noqa: S608 - a constant
        codes = dict(cursor.fetchall())
    yield RawSQL(f"SELECT id FROM {TABLE}", ()), codes  # noqa: S608, S611 - a constant
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
