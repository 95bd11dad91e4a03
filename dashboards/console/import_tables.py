"""Tables and files of the Imports page: a refusal's bad rows (shown, and downloaded as CSV or Excel
through the safe writer) and the template file of each import kind (docs/imports.md)."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse

from commissions.services.imports.specs import SPECS
from core.downloads import csv_writer, safe_text
from dashboards.tables import Column, Table

from .import_selectors import listed_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a cell of each column holds (design.md §3; the import's own messages say the rest).
HINTS = (
    (re.compile(r"(_date|_on|as_of)$"), "a date, YYYY-MM-DD"),
    (re.compile(r"^period$"), "a quarter, e.g. FY22-Q2"),
    (re.compile(r"^fiscal_year$"), "a fiscal year, e.g. FY22"),
    (re.compile(r"^currency$"), "an ISO 4217 code, e.g. USD"),
    (re.compile(r"^geo$"), "an upper-case geo code, e.g. AMER, EMEA, APAC, JAPAN"),
    (re.compile(r"score$"), "a number from 0 to 100, at most 2 decimals"),
    (re.compile(r"^roles$"), "roles separated by ';': csm, csvp, cco, finance, ops, admin"),
    (re.compile(r"^type$"), "renewal, expansion (> 0), contraction (< 0) or churn (< 0)"),
    (re.compile(r"^rate$"), "units of the base currency per unit, > 0, at most 10 decimals"),
    (
        re.compile(r"^(arr|arr_delta|on_target_amount|value|nrr_goal|kpi_goal)$"),
        "a number, at most 2 decimals",
    ),
    (re.compile(r"^email$"), "an e-mail address"),
)


def errors_table(errors: list[dict] | None, *, name: str = "errors", title: str = "Bad rows") -> Table:
    """Every listed error as line, column, value and reason (the count entry left out)."""
    columns = [
        Column("line", "Line", "number"),
        Column("column", "Column"),
        Column("value", "Value"),
        Column("reason", "Reason"),
    ]
    rows = [
        {key: error.get(key, "") for key in ("line", "column", "value", "reason")}
        for error in listed_errors(errors)
    ]
    return Table(name, title, columns, rows)


def column_notes(kind: str) -> list[list[str]]:
    """One row per column of ``kind``: name, required or optional, natural key, what a cell holds."""
    spec = SPECS[kind]
    rows = []
    for column in spec.columns:
        hint = next((text for pattern, text in HINTS if pattern.search(column.name)), "text")
        rows.append(
            [
                column.name,
                "required" if column.required else "optional",
                "natural key" if column.name in spec.key else "",
                hint,
            ]
        )
    return rows


def template_file(kind: str, fmt: str) -> HttpResponse:
    """The empty file of ``kind``: its header row (CSV), or the header on the first sheet and the column
    notes on a second one (Excel; imports read only the first sheet)."""
    header = [column.name for column in SPECS[kind].columns]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=kind)
        sheet.append(header)
        notes = book.create_sheet(title="Notes")
        notes.append(["column", "required", "key", "what a cell holds"])
        for row in column_notes(kind):
            notes.append([safe_text(cell) for cell in row])
        notes.append([])
        notes.append(
            [f"Only the first sheet ({kind}) is imported; row 1 is its header. See docs/imports.md."]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv_writer(response).writerow(header)  # a second line would be imported as data: header only
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
