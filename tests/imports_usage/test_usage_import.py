"""The usage import (DESIGN §3 ``usage``, docs/imports.md "Usage files"): every bad cell at its line, all
or nothing, an upsert that leaves unchanged rows alone, duplicate keys naming both lines."""

from datetime import date

import pytest

from adoption.models import UsageRecord
from commissions.models import ImportRecord
from commissions.services.imports import usage_reader

from .conftest import USAGE, lines

pytestmark = pytest.mark.django_db


def stored() -> set[tuple]:
    return set(UsageRecord.objects.values_list("customer__customer_id", "date", "metric", "value"))


def test_a_good_file_creates_every_row(customers, run_import):
    result = run_import(
        "usage",
        lines(
            USAGE,
            "C1,2026-02-01,licensed_seats,50",
            "C1,2026-02-01,active_users,31",
            "C2,2026-02-01,feature:reports,7",
            " C2 , 2026-02-01 , feature_users:reports , 3 ",
        ),
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    assert stored() == {
        ("C1", date(2026, 2, 1), "licensed_seats", 50),
        ("C1", date(2026, 2, 1), "active_users", 31),
        ("C2", date(2026, 2, 1), "feature:reports", 7),
        ("C2", date(2026, 2, 1), "feature_users:reports", 3),
    }
    record = ImportRecord.objects.get(kind="usage")
    assert record.status == ImportRecord.Status.APPLIED and (record.rows, record.created) == (4, 4)
    assert len(record.sha256) == 64


def test_each_bad_cell_is_refused_at_its_line_and_column(customers, refusal):
    errors = refusal(
        "usage",
        lines(
            USAGE,
            "C1,2026-02-01,active_users,31",
            "C9,2026-02-01,active_users,1",
            "C1,2026-02-30,active_users,1",
            "C1,01/02/2026,active_users,1",
            "C1,2026-02-02,Active_Users,1",
            "C1,2026-02-02,feature-x,1",
            "C1,2026-02-02,feature:Reports,1",
            "C1,2026-02-02,logins,-1",
            "C1,2026-02-02,logins,1.5",
            "C1,2026-02-02,logins,many",
            "C1,2026-02-02,logins,9223372036854775808",
            "C1,2026-02-02,logins,",
            ",2026-02-02,logins,1",
            "C1,2026-02-02,logins",
            "C1,2026-02-03,logins,1,2",
            "C1,2026-02-04,lo\x01gins,1",
        ),
    )
    metric_reason = (
        "a metric is lowercase letters, digits and _, optionally after feature: or feature_users:"
        " (active_users, licensed_seats, feature:reports)"
    )
    assert errors == [
        (3, "customer_id", "C9", "unknown customer 'C9': not in the database"),
        (4, "date", "2026-02-30", "not a valid date (day is out of range for month)"),
        (5, "date", "01/02/2026", "not a date: write it as YYYY-MM-DD"),
        (6, "metric", "Active_Users", metric_reason),
        (7, "metric", "feature-x", metric_reason),
        (8, "metric", "feature:Reports", metric_reason),
        (9, "value", "-1", "value must be a whole number ≥ 0 (a count)"),
        (10, "value", "1.5", "value must be a whole number ≥ 0 (a count)"),
        (11, "value", "many", "not a whole number"),
        (12, "value", "9223372036854775808", "too large: at most 9223372036854775807"),
        (13, "value", "", "required"),
        (14, "customer_id", "", "required"),
        (15, "", "C1,2026-02-02,logins", "the row has 3 fields, the header has 4"),
        (16, "", "C1,2026-02-03,logins,1,2", "the row has 5 fields, the header has 4"),
        (17, "metric", "lo\\x01gins", "holds the control character U+0001: remove it"),
    ]
    assert not UsageRecord.objects.exists()
    assert ImportRecord.objects.get(kind="usage").status == ImportRecord.Status.REFUSED


def test_the_largest_bigint_is_a_value(customers, run_import):
    run_import("usage", lines(USAGE, "C1,2026-02-01,logins,9223372036854775807"))
    assert UsageRecord.objects.get().value == 2**63 - 1


def test_a_bad_last_row_writes_nothing(customers, refusal):
    good = [f"C1,2026-01-{day:02d},active_users,{day}" for day in range(1, 29)]
    errors = refusal("usage", lines(USAGE, *good, "C2,2026-01-01,active_users,x"))
    assert errors == [(30, "value", "x", "not a whole number")]
    assert not UsageRecord.objects.exists()


def test_a_bad_row_in_a_later_block_writes_nothing_and_keeps_its_line(customers, refusal, monkeypatch):
    monkeypatch.setattr(usage_reader, "BLOCK_BYTES", 64)  # many blocks: rows are staged before the bad one
    good = [f"C{1 + n % 2},2026-01-{1 + n // 2:02d},logins,{n}" for n in range(40)]
    errors = refusal("usage", lines(USAGE, *good, "C3,2026-03-01,logins,1", "C1,2026-03-01,logins,2"))
    assert errors == [(42, "customer_id", "C3", "unknown customer 'C3': not in the database")]
    assert not UsageRecord.objects.exists()


def test_blank_lines_are_skipped_and_counted_as_lines(customers, refusal):
    errors = refusal("usage", lines(USAGE, "C1,2026-02-01,logins,1", "", "   ", "C1,2026-02-01,logins,x"))
    assert errors == [(5, "value", "x", "not a whole number")]


def test_a_line_of_empty_cells_is_a_row_with_every_cell_required(customers, refusal):
    errors = refusal("usage", lines(USAGE, "C1,2026-02-01,logins,1", ",,,"))
    assert [error[:2] for error in errors] == [
        (3, "customer_id"),
        (3, "date"),
        (3, "metric"),
        (3, "value"),
    ]


def test_columns_may_come_in_any_order(customers, run_import):
    run_import("usage", lines("value,metric,customer_id,date", "5,logins,C2,2026-02-01"))
    assert stored() == {("C2", date(2026, 2, 1), "logins", 5)}


def test_a_wrong_header_refuses_the_file(customers, refusal):
    errors = refusal("usage", lines("customer_id,day,metric,value", "C1,2026-02-01,logins,1"))
    assert errors == [
        (
            1,
            "",
            "customer_id,day,metric,value",
            "the header must be customer_id,date,metric,value (missing date; unknown 'day')",
        )
    ]


def test_an_empty_file_and_a_file_not_in_utf8_are_refused(customers, refusal):
    assert refusal("usage", b"")[0][3] == "the file is empty: it needs a header row and data rows"
    errors = refusal(
        "usage", lines(USAGE, "C1,2026-02-01,logins,1").encode() + b"C\xe9,2026-02-01,logins,1\n"
    )
    assert errors == [(3, "", "byte 0xe9", "the file is not UTF-8: save it as UTF-8 CSV")]


def test_duplicate_keys_name_both_lines(customers, refusal):
    errors = refusal(
        "usage",
        lines(
            USAGE,
            "C1,2026-02-01,logins,1",
            "C2,2026-02-01,logins,1",
            "C1,2026-02-01,active_users,1",
            " C1,2026-02-01,logins ,2",
            "C1,2026-02-01,logins,1",
        ),
    )
    reason = "duplicate customer_id/date/metric C1, 2026-02-01, logins: already on line 2"
    assert errors == [(5, "customer_id", "C1", reason), (6, "customer_id", "C1", reason)]
    assert not UsageRecord.objects.exists()


def test_duplicates_across_blocks_are_found(customers, refusal, monkeypatch):
    monkeypatch.setattr(usage_reader, "BLOCK_BYTES", 50)
    rows = [f"C1,2026-01-{day:02d},logins,{day}" for day in range(1, 21)]
    errors = refusal("usage", lines(USAGE, *rows, "C1,2026-01-03,logins,9"))
    assert errors == [
        (
            22,
            "customer_id",
            "C1",
            "duplicate customer_id/date/metric C1, 2026-01-03, logins: already on line 4",
        )
    ]


def test_reimporting_the_same_file_writes_nothing(customers, run_import):
    text = lines(USAGE, "C1,2026-02-01,logins,4", "C2,2026-02-01,logins,0")
    run_import("usage", text)
    again = run_import("usage", text)
    assert (again.rows, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)


def test_a_changed_value_updates_only_its_row(customers, run_import):
    run_import("usage", lines(USAGE, "C1,2026-02-01,logins,4", "C2,2026-02-01,logins,0"))
    result = run_import(
        "usage", lines(USAGE, "C1,2026-02-01,logins,4", "C2,2026-02-01,logins,6", "C2,2026-02-02,logins,1")
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert stored() == {
        ("C1", date(2026, 2, 1), "logins", 4),
        ("C2", date(2026, 2, 1), "logins", 6),
        ("C2", date(2026, 2, 2), "logins", 1),
    }


def test_a_dry_run_counts_and_writes_nothing(customers, run_import):
    run_import("usage", lines(USAGE, "C1,2026-02-01,logins,4"))
    result = run_import(
        "usage", lines(USAGE, "C1,2026-02-01,logins,5", "C2,2026-02-01,logins,1"), dry_run=True
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 1, 1, 0)
    assert stored() == {("C1", date(2026, 2, 1), "logins", 4)}


def test_a_refusal_lists_the_first_thousand_errors_and_counts_them_all(customers, refusal, monkeypatch):
    monkeypatch.setattr(usage_reader, "BLOCK_BYTES", 4096)
    bad = [f"C1,2026-01-01,logins,x{n}" for n in range(2500)]
    errors = refusal("usage", lines(USAGE, *bad))
    assert refusal.error_count == 2500
    assert len(errors) == 1000 and errors[0][0] == 2 and errors[-1][0] == 1001


def test_a_workbook_is_read_as_its_first_sheet(customers, run_import, refusal):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["customer_id", "date", "metric", "value"])
    sheet.append(["C1", date(2026, 2, 1), "logins", 3])
    sheet.append([])
    sheet.append(["C2", "2026-02-01", "logins", 4])
    data = io.BytesIO()
    book.save(data)
    result = run_import("usage", data.getvalue(), name="usage.xlsx")
    assert (result.rows, result.created) == (2, 2)
    sheet.append(["C2", "2026-02-02", "logins", True])
    data = io.BytesIO()
    book.save(data)
    assert refusal("usage", data.getvalue(), name="usage.xlsx") == [
        (5, "value", "TRUE", "a TRUE/FALSE cell: type the value itself")
    ]


def test_a_workbook_named_csv_is_refused(customers, refusal):
    import io

    from openpyxl import Workbook

    data = io.BytesIO()
    Workbook().save(data)
    errors = refusal("usage", data.getvalue(), name="usage.csv")
    assert errors[0][3].startswith("usage.csv is an Excel workbook, not a .csv text file")


def test_a_file_imports_after_a_refused_one(customers, refusal, run_import):
    refusal("usage", lines(USAGE, "C1,2026-02-01,logins,1", "C1,2026-02-01,logins,1"))
    result = run_import("usage", lines(USAGE, "C1,2026-02-01,logins,1"))
    assert (result.created, result.unchanged) == (1, 0)
