"""The one CSV/XLSX writer (core.downloads): no text cell can start a formula; numbers stay numbers."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.downloads import FORMULA_STARTS, csv_writer, safe_cell, safe_text, xlsx_bytes

FORMULA = '=HYPERLINK("http://x","click")'


def _csv(rows) -> list[list[str]]:
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return list(csv.reader(io.StringIO(out.getvalue())))


def _xlsx(rows) -> list[list]:
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a", "b", "c"], rows))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def test_formula_text_is_quoted_in_csv_and_is_no_formula_in_xlsx():
    assert _csv([[FORMULA, "+1+2", "@SUM(A1)"]]) == [["'" + FORMULA, "'+1+2", "'@SUM(A1)"]]
    book = load_workbook(io.BytesIO(xlsx_bytes("t", ["a"], [[FORMULA]])))
    cell = book.active["A2"]
    # A text cell: shown exactly as written (no added quote), never evaluated as a formula.
    assert cell.data_type == "s"
    assert cell.value == FORMULA


def test_tab_and_carriage_return_starts_are_quoted():
    assert safe_text("\tx") == "'\tx"
    assert safe_text("\rx") == "'\rx"


def test_numbers_stay_numbers():
    assert _csv([[Decimal("-12.50"), -3, "-12.50"]]) == [["-12.50", "-3", "-12.50"]]
    assert _xlsx([[Decimal("-12.50"), -3, 0.5]]) == [[-12.5, -3, 0.5]]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a"], [[Decimal("-12.50")]]))).active
    assert sheet["A2"].data_type == "n"


def test_aware_datetimes_are_written_in_local_time_without_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"
    when = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert _xlsx([[when, date(2026, 1, 15), None]]) == [
        [datetime(2026, 1, 15, 10, 30), datetime(2026, 1, 15), None]
    ]


@given(st.text())
def test_no_text_cell_starts_a_formula(text):
    cell = safe_cell(text)
    assert cell.endswith(text)
    if cell.startswith(FORMULA_STARTS):
        Decimal(cell)  # only the text of a plain number may start so


@given(st.decimals(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_are_never_changed(number):
    assert safe_cell(number) is number
    assert safe_text(str(number)) == str(number) or "E" in str(number) or "e" in str(number)
