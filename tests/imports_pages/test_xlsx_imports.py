"""An Excel workbook's first sheet imports exactly as the CSV of the same rows (docs/imports.md "Excel
workbooks"): same values, same validation, line numbers that are sheet rows, one clear error for a file
that is not what its name says."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adoption.models import Customer, TargetLine
from commissions.models import Deal, ImportRecord
from commissions.services.imports import ImportRefused, import_file

from .conftest import csv_text, in_sheet, shared_strings, with_cached_value, xlsx

pytestmark = pytest.mark.django_db

CUSTOMERS = [
    ["customer_id", "name", "geo", "start_date", "segment"],
    ["C1", "Acme", "AMER", date(2019, 3, 1), "enterprise"],
    ["C2", "Globex", "EMEA", datetime(2020, 1, 10), None],
    ["C3", "Initech", "AMER", date(2021, 6, 15), "mid"],
]
TARGETS = [
    ["fiscal_year", "customer_id", "baseline_score", "period", "target_score"],
    ["FY22", "C1", 40, "FY22-Q2", 60.5],
    ["FY22", "C2", 70.25, "FY22-Q2", None],
    ["FY22", "C3", 30.0, "FY22-Q3", 50],
]
DEALS = [
    ["deal_id", "customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on"],
    ["D1", "C2", "expansion", 7500.0, "USD", date(2021, 6, 1), date(2021, 6, 1)],
    ["D2", "C1", "contraction", -1234.56, "EUR", date(2021, 7, 2), datetime(2021, 8, 1)],
    ["D3", "C3", "renewal", 0.1, "USD", date(2021, 5, 3), date(2021, 5, 3)],
]


def _import(kind: str, content: bytes | str, name: str, tmp_path, **options):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return import_file(kind=kind, path=path, **options)


def _refused(kind: str, content: bytes | str, name: str, tmp_path) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        _import(kind, content, name, tmp_path)
    return caught.value


def _as_csv(rows):
    """The CSV a person would save from the same sheet: dates as YYYY-MM-DD, numbers as typed."""
    shown = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, datetime):
                cell = cell.date()
            if isinstance(cell, float) and cell.is_integer():
                cell = int(cell)
            cells.append(cell.isoformat() if isinstance(cell, date) else cell)
        shown.append(cells)
    return csv_text(shown)


@pytest.mark.parametrize("strings", ["inline", "shared"], ids=["inline-strings", "shared-strings"])
def test_a_workbook_imports_the_same_rows_as_its_csv(tmp_path, strings):
    kinds = [("customers", CUSTOMERS), ("targets", TARGETS), ("deals", DEALS)]
    for kind, rows in kinds:
        book = xlsx(rows)
        book = shared_strings(book) if strings == "shared" else book
        from_book = _import(kind, book, f"{kind}.xlsx", tmp_path)
        assert (from_book.rows, from_book.created, from_book.updated) == (3, 3, 0)
        # The CSV of the same rows finds every row already as it says: the workbook wrote the same values.
        from_csv = _import(kind, _as_csv(rows), f"{kind}.csv", tmp_path)
        assert (from_csv.rows, from_csv.created, from_csv.updated, from_csv.unchanged) == (3, 0, 0, 3)

    assert Customer.objects.get(customer_id="C2").start_date == date(2020, 1, 10)
    assert Customer.objects.get(customer_id="C2").segment == ""
    assert TargetLine.objects.get(customer__customer_id="C1").target_score == Decimal("60.5")
    assert TargetLine.objects.get(customer__customer_id="C2").target_score is None
    assert TargetLine.objects.get(customer__customer_id="C2").baseline_score == Decimal("70.25")
    deals = {deal.deal_id: deal for deal in Deal.objects.all()}
    assert deals["D1"].arr_delta == Decimal("7500")
    assert deals["D2"].arr_delta == Decimal("-1234.56")
    assert deals["D2"].effective_on == date(2021, 8, 1)
    assert deals["D3"].arr_delta == Decimal("0.1")


def test_a_workbook_dry_run_reports_what_the_csv_dry_run_reports(tmp_path):
    _import("customers", _as_csv(CUSTOMERS), "customers.csv", tmp_path)
    changed = [
        *CUSTOMERS[:2],
        ["C2", "Globex Corp", "EMEA", date(2020, 1, 10), None],
        ["C4", "Four", "APAC", date(2022, 1, 1), None],
    ]

    book = _import("customers", xlsx(changed), "c.xlsx", tmp_path, dry_run=True)
    text = _import("customers", _as_csv(changed), "c.csv", tmp_path, dry_run=True)

    assert (book.rows, book.created, book.updated, book.unchanged) == (3, 1, 1, 1)
    assert (text.rows, text.created, text.updated, text.unchanged) == (3, 1, 1, 1)
    assert ImportRecord.objects.filter(status="dry_run").count() == 2


def test_cells_become_the_text_a_csv_holds_without_binary_rounding():
    from commissions.services.imports.workbook import cell_text

    assert cell_text(7500.0) == ("7500", None)
    assert cell_text(0.1) == ("0.1", None)
    assert cell_text(-1234.56) == ("-1234.56", None)
    assert cell_text(1e-05) == ("0.00001", None)
    assert cell_text(1e20) == ("100000000000000000000", None)
    assert cell_text(-0.0) == ("0", None)
    assert cell_text(42) == ("42", None)
    assert cell_text(datetime(2021, 6, 1)) == ("2021-06-01", None)
    assert cell_text(None) == ("", None)


def test_a_number_excel_stores_with_more_decimals_is_refused_not_rounded(tmp_path):
    rows = [DEALS[0], ["D1", "C2", "expansion", 0.3, "USD", date(2021, 6, 1), date(2021, 6, 1)]]
    _import("customers", xlsx(CUSTOMERS), "customers.xlsx", tmp_path)
    # What Excel saves for =0.1+0.2: the double's 17 digits, which no import may round to 0.3.
    book = in_sheet(xlsx(rows), "<v>0.3</v>", "<v>0.30000000000000004</v>")

    refused = _refused("deals", book, "deals.xlsx", tmp_path)

    assert [(e.line, e.column, e.value) for e in refused.errors] == [(2, "arr_delta", "0.30000000000000004")]
    assert "decimal places" in refused.errors[0].reason


def test_bad_cells_are_reported_with_their_sheet_row_and_column(tmp_path):
    _import("customers", xlsx(CUSTOMERS), "customers.xlsx", tmp_path)
    rows = [
        DEALS[0],
        ["D1", "C2", "expansion", 7500, "USD", True, date(2021, 6, 1)],  # row 2: a TRUE/FALSE cell
        [None] * 7,  # row 3: empty, skipped as a blank CSV line is
        ["D2", "C2", "expansion", "=1+1", "USD", date(2021, 6, 1), date(2021, 6, 1)],  # row 4: no saved value
        ["D3", "C2", "expansion", 10, "USD", datetime(2021, 6, 1, 13, 45), date(2021, 6, 1)],  # row 5
        ["D4", "C2", "expansion", "#DIV/0!", "USD", date(2021, 6, 1), date(2021, 6, 1)],  # row 6
        ["D5", "C9", "expansion", 10, "USD", "2021-13-01", date(2021, 6, 1)],  # row 7: as a CSV would say
    ]

    refused = _refused("deals", xlsx(rows), "deals.xlsx", tmp_path)

    assert [(e.line, e.column, e.value) for e in refused.errors] == [
        (2, "booked_on", "TRUE"),
        (4, "arr_delta", "=1+1"),
        (5, "booked_on", "2021-06-01 13:45:00"),
        (6, "arr_delta", "#DIV/0!"),
        (7, "booked_on", "2021-13-01"),  # the engine's own check, as for a CSV
    ]
    reasons = {e.line: e.reason for e in refused.errors}
    assert "TRUE/FALSE" in reasons[2]
    assert "save it first" in reasons[4]
    assert "time of day" in reasons[5]
    assert "#DIV/0!" in reasons[6]
    assert refused.error_count == len(refused.errors)  # each bad cell once: not also "required"
    assert not Deal.objects.exists()


def test_a_formula_with_its_saved_value_imports_the_value(tmp_path):
    _import("customers", xlsx(CUSTOMERS), "customers.xlsx", tmp_path)
    rows = [DEALS[0], ["D1", "C2", "expansion", "=7000+500", "USD", date(2021, 6, 1), date(2021, 6, 1)]]

    result = _import("deals", with_cached_value(xlsx(rows), "7000+500", "7500"), "deals.xlsx", tmp_path)

    assert result.created == 1
    assert Deal.objects.get().arr_delta == Decimal("7500")


def test_a_bad_cell_of_an_optional_column_refuses_its_row(tmp_path):
    rows = [*CUSTOMERS[:2], ["C2", "Globex", "EMEA", date(2020, 1, 10), False]]

    refused = _refused("customers", xlsx(rows), "customers.xlsx", tmp_path)

    assert [(e.line, e.column, e.value) for e in refused.errors] == [(3, "segment", "FALSE")]
    assert refused.error_count == 1


def test_only_the_first_sheet_is_read_and_rows_past_the_header_width_count(tmp_path):
    rows = [CUSTOMERS[0], [*CUSTOMERS[1], None, None], [*CUSTOMERS[3], None, "extra"]]

    refused = _refused("customers", xlsx(rows, more_sheets=2), "customers.xlsx", tmp_path)

    assert [(e.line, e.reason) for e in refused.errors] == [(3, "the row has 7 fields, the header has 5")]


def test_the_header_must_hold_the_kinds_columns_as_in_a_csv(tmp_path):
    refused = _refused("customers", xlsx([["customer_id", "name"], ["C1", "Acme"]]), "c.xlsx", tmp_path)

    assert refused.errors[0].line == 1
    assert refused.errors[0].reason.startswith("the header must be customer_id,name,geo,start_date,segment")


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"PK\x03\x04 not really a zip archive", "customers.xlsx", "cannot be read as an Excel workbook"),
        ("customer_id,name,geo,start_date,segment\n", "customers.xlsx", "is not an Excel workbook"),
        (xlsx(CUSTOMERS), "customers.csv", "is an Excel workbook, not a .csv text file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "customers.xls", "Excel 97-2003 workbook (.xls)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "customers.csv", "Excel 97-2003 workbook (.xls)"),
        (xlsx([]), "customers.xlsx", "the first sheet (Data) is empty"),
        (xlsx([[None, None], [None, None]]), "customers.xlsx", "the first sheet (Data) is empty"),
        (
            xlsx([[None], ["customer_id", "name"]]),
            "customers.xlsx",
            "row 1 of the first sheet (Data) is empty",
        ),
    ],
    ids=[
        "corrupt",
        "csv-named-xlsx",
        "xlsx-named-csv",
        "xls",
        "xls-named-csv",
        "empty",
        "blank",
        "header-late",
    ],
)
def test_a_file_that_is_not_what_it_says_gets_one_clear_error(tmp_path, content, name, says):
    refused = _refused("customers", content, name, tmp_path)

    assert len(refused.errors) == 1 and refused.error_count == 1
    assert says in refused.errors[0].reason
    record = ImportRecord.objects.get()
    assert record.status == "refused" and record.file_name == name


def test_a_workbook_without_a_name_is_told_by_its_content(tmp_path):
    import io

    result = import_file(kind="customers", file=io.BytesIO(xlsx(CUSTOMERS)), dry_run=True)

    assert result.created == 3 and result.file_name == "upload.xlsx"


def test_the_import_csv_command_imports_a_workbook(tmp_path, capsys):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(xlsx(CUSTOMERS))

    call_command("import_csv", "customers", str(path))

    assert "customers: 3 rows — 3 created" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([*CUSTOMERS[:1], ["C9", "Nine", "AMER", True, None]]))
    with pytest.raises(CommandError, match="refused with 1 error"):
        call_command("import_csv", "customers", str(bad))
    assert "line 2, column start_date, value 'TRUE'" in capsys.readouterr().err


def test_the_api_imports_a_workbook(client, tmp_path):
    from rest_framework.test import APIClient

    from accounts.models import Role
    from tests.api.imports import import_through_api
    from tests.builders import make_user

    api = APIClient()
    api.force_authenticate(make_user(Role.OPS))
    upload = tmp_path / "customers.xlsx"
    upload.write_bytes(xlsx(CUSTOMERS))
    with upload.open("rb") as handle:
        response, job = import_through_api(api, "customers", handle)

    assert response.status_code == 202, response.content
    assert job["status"] == "applied" and job["created"] == 3
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([*CUSTOMERS[:1], ["C9", "Nine", "AMER", "=NOW()", None]]))
    with bad.open("rb") as handle:
        _, refused = import_through_api(api, "customers", handle)
    assert refused["status"] == "refused"
    assert refused["errors"][0]["line"] == 2
    assert refused["errors"][0]["column"] == "start_date"
