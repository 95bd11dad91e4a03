"""Large files are read a chunk and a column at a time and written with COPY in pieces (docs/performance.md
"Imports"): small chunks, small caches and small COPY pieces give exactly the rows and the errors of a
file read and written whole (DESIGN §3: every bad row with its line, column, value and reason)."""

import gc
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from adoption.models import ScoreObservation
from commissions import bulk
from commissions.services.imports import ImportRefused, import_file
from commissions.services.imports import base as engine
from tests.builders import make_customer

from .conftest import lines

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
)

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on"
# Every kind of bad row, spread so that chunks of two rows cut between a row and its duplicate.
BAD_DEALS = (
    HEADER
    + "\n"
    + "\n".join(
        [
            "D1,C1,expansion,100,USD,2021-06-01,2021-06-01",  # 2: good
            "D2,C1,expansion,abc,USD,2021-06-01,2021-06-01",  # 3: not a number
            "",  # 4: blank
            "D3,C1,churn,100,USD,2021-06-01,2021-06-01",  # 5: sign
            "D4,C9,renewal,5,USD,2021-06-01,2021-06-01",  # 6: unknown customer
            "D1,C1,renewal,5,USD,2021-06-01,2021-06-01",  # 7: duplicate of line 2
            "D5,C1,renewal,5,USD",  # 8: too few fields
            "D6,,renewal,5,EUR,2021-13-01,2021-06-01",  # 9: required customer, bad date
            'D7,C1,renewal,"5\n0",USD,2021-06-01,2021-06-01',  # 10-11: a quoted cell over two lines
            "D8,C1,renewal,5,US\x07D,2021-06-01,2021-06-01",  # 12: control character
            "D9,C1,renewal,7,USD,2021-06-01,2021-06-01",  # 13: good
            "D9,C1,renewal,7,USD,2021-06-01,2021-06-01",  # 14: duplicate of line 13
            'D10,C1,renewal,"7"x,USD,2021-06-01,2021-06-01',  # 15: not CSV
            "D11,C1,renewal,abc,USD,2021-06-01,2021-06-01",  # 16: the same bad number again
        ]
    )
    + "\n"
)


def refusal_of(csv_file, text: str) -> list[tuple]:
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="deals", path=csv_file(text))
    return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]


def test_a_file_read_in_small_chunks_reports_the_same_errors_as_read_whole(csv_file, monkeypatch):
    make_customer("C1")
    whole = refusal_of(csv_file, BAD_DEALS)
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "CACHED_CELLS", 1)
    assert refusal_of(csv_file, BAD_DEALS) == whole
    assert whole == [
        (3, "arr_delta", "abc", "not a number"),
        (5, "arr_delta", "100", "a churn must have a negative arr_delta"),
        (6, "customer_id", "C9", "unknown customer 'C9': not in the database"),
        (7, "deal_id", "D1", "duplicate deal_id D1: already on line 2"),
        (8, "", "D5,C1,renewal,5,USD", "the row has 5 fields, the header has 7"),
        (9, "customer_id", "", "required"),
        (9, "booked_on", "2021-13-01", "not a valid date (month must be in 1..12)"),
        (10, "arr_delta", "5\n0", "not a number"),
        (12, "currency", "US\\x07D", "holds the control character U+0007: remove it"),
        (14, "deal_id", "D9", "duplicate deal_id D9: already on line 13"),
        (15, "", "", "the row cannot be read as CSV (',' expected after '\"')"),
        (16, "arr_delta", "abc", "not a number"),
    ]


def test_a_good_file_read_in_small_chunks_imports_the_same_rows(csv_file, monkeypatch):
    for customer in ("C1", "C2", "C3"):
        make_customer(customer)
    rows = [f"C{1 + n % 3},2021-{5 + n // 28:02d}-{1 + n % 28:02d},{n % 100}.5" for n in range(40)]
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    monkeypatch.setattr(engine, "CACHED_CELLS", 2)
    monkeypatch.setattr(bulk, "COPY_ROWS", 7)
    result = import_file(kind="scores", path=csv_file(lines("customer_id,as_of,score", *rows)))
    assert (result.rows, result.created) == (40, 40)
    stored = ScoreObservation.objects.values_list("customer__customer_id", "as_of", "score")
    expected = {
        (f"C{1 + n % 3}", date(2021, 5 + n // 28, 1 + n % 28), Decimal(f"{n % 100}.5")) for n in range(40)
    }
    assert set(stored) == expected


def test_reading_a_file_leaves_the_garbage_collector_as_it_was(csv_file):
    make_customer("C1")
    assert gc.isenabled()
    refusal_of(csv_file, BAD_DEALS)
    assert gc.isenabled()
    gc.disable()
    try:
        refusal_of(csv_file, BAD_DEALS)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_copy_text_of_a_column_is_each_values_own_text():
    shared = Decimal("7.50")
    values = [Decimal("1.0"), Decimal("1.00"), True, 1, None, "a\tb\\c", date(2021, 6, 1), {"k": [1]}]
    values += [shared, shared, "", 0, False]
    assert bulk._copy_column(values) == [bulk._copy_value(value) for value in values]


@on_postgresql
def test_rows_copied_in_pieces_arrive_whole(monkeypatch):
    monkeypatch.setattr(bulk, "COPY_ROWS", 2)
    rows = [(n, f"line {n}\twith a tab" if n % 2 else None, Decimal(f"{n}.25")) for n in range(5)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (n integer, note text, amount numeric(6, 2))")
        bulk.insert_rows("copied", ["n", "note", "amount"], rows)
        bulk.insert_rows("copied", ["n", "note", "amount"], bulk.Columns(list(zip(*rows, strict=True))))
        cursor.execute("SELECT n, note, amount FROM copied ORDER BY n")
        copied = cursor.fetchall()
        cursor.execute("DROP TABLE copied")
    assert copied == sorted(rows + rows)


@on_postgresql
def test_a_reimport_with_one_change_rewrites_only_that_row(run_import):
    """Rows left as they are stored are not even locked: their row version (xmin) stays."""
    for customer in ("C1", "C2"):
        make_customer(customer)
    scores = [f"C{1 + n % 2},2021-05-{1 + n // 2:02d},{50 + n}" for n in range(20)]
    run_import("scores", lines("customer_id,as_of,score", *scores))

    def versions() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, xmin::text FROM {ScoreObservation._meta.db_table}")  # noqa: S608
            return dict(cursor.fetchall())

    before = versions()
    scores[3] = "C2,2021-05-02,99"
    result = run_import("scores", lines("customer_id,as_of,score", *scores))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 19)
    changed = ScoreObservation.objects.get(customer__customer_id="C2", as_of=date(2021, 5, 2)).pk
    after = versions()
    assert [pk for pk in before if before[pk] != after[pk]] == [changed]
