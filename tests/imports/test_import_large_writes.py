"""Large imports on PostgreSQL: checked row by row as they are written (linear, not quadratic), and the
table's planner statistics refreshed at once, so the next pages are planned for the new rows."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection

from adoption.models import ScoreObservation
from commissions.bulk import ANALYZE_AFTER_ROWS
from commissions.services.imports import import_file
from tests.builders import make_customer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
]


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def scores_file(csv_file, customers: int, days: int):
    start = date(2021, 5, 1)
    rows = [
        f"C{c},{(start + timedelta(days=d)).isoformat()},{50 + (c + d) % 40}"
        for c in range(customers)
        for d in range(days)
    ]
    return csv_file("customer_id,as_of,score\n" + "\n".join(rows) + "\n")


def test_an_import_of_many_rows_refreshes_the_tables_statistics(csv_file):
    for c in range(100):
        make_customer(f"C{c}")
    table = ScoreObservation._meta.db_table
    before = estimated_rows(table)
    result = import_file(kind="scores", path=scores_file(csv_file, 100, ANALYZE_AFTER_ROWS // 100))
    assert result.created == ANALYZE_AFTER_ROWS
    assert before < 1 and estimated_rows(table) == ANALYZE_AFTER_ROWS


def test_a_small_import_leaves_the_statistics_to_autovacuum(csv_file):
    for c in range(10):
        make_customer(f"C{c}")
    table = ScoreObservation._meta.db_table
    before = estimated_rows(table)
    import_file(kind="scores", path=scores_file(csv_file, 10, 10))
    assert estimated_rows(table) == before


def test_foreign_keys_are_deferred_again_after_an_import(csv_file):
    """The import checks its rows at once; the rest of the caller's transaction is as Django made it."""
    make_customer("C0")
    import_file(kind="scores", path=scores_file(csv_file, 1, 3))
    with connection.cursor() as cursor:
        # A row pointing at no customer is accepted until the end of the transaction (deferred)…
        cursor.execute("SAVEPOINT deferred_check")
        cursor.execute(
            f"INSERT INTO {ScoreObservation._meta.db_table} (customer_id, as_of, score) "
            "VALUES (987654321, '2021-05-01', 50)"
        )
        # …and refused when the checks run.
        with pytest.raises(Exception, match="foreign key"):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ROLLBACK TO SAVEPOINT deferred_check")
