"""Tables and files of the Imports page: a refusal's bad rows (shown, and downloaded as CSV or Excel
through the safe writer) and the template file of each import kind (docs/imports.md)."""

from __future__ import annotations

import io
import re
from pathlib import PurePath

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from commissions.services.imports.specs import SPECS
from core.downloads import csv_writer, safe_text
from core.fiscal import calendar
from dashboards.tables import Column, Table

from .import_selectors import listed_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a cell of each column holds (design.md §3; the import's own messages say the rest).
HINTS = (
    (re.compile(r"(^date|_date|_on|as_of)$"), "a date, YYYY-MM-DD"),
    (
        re.compile(r"^metric$"),
        "a metric: active_users, licensed_seats, monthly_active_users, logins, feature:<name>…",
    ),
    (re.compile(r"^period$"), "a quarter, e.g. {quarter}"),
    (re.compile(r"^fiscal_year$"), "a fiscal year, e.g. {year}"),
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
    (re.compile(r"^criterion$"), "the milestone's code, as a scorecard names it, e.g. sso_integrated"),
    (re.compile(r"^email$"), "an e-mail address"),
)

# A column whose cells mean something else in one kind (checked before ``HINTS``).
KIND_HINTS = {
    "usage": ((re.compile(r"^value$"), "a whole number ≥ 0 (a count)"),),
    "activities": (
        (re.compile(r"^type$"), "qbr, onboarding_completed, key_user_left or nps"),
        (re.compile(r"^value$"), "the NPS, a whole number from -100 to 100: nps rows only, else empty"),
    ),
    "person_metrics": (
        (re.compile(r"^date$"), "a day, YYYY-MM-DD, or a month, YYYY-MM (stored on its first day)"),
        (re.compile(r"^metric$"), "a code of lower-case letters, digits and _, e.g. data_quality"),
        (re.compile(r"^value$"), "a number ≥ 0, at most 4 decimals"),
    ),
}

# The example file of each kind: two plausible rows per kind, by column (a kind's own values first). Ids
# follow the demo company's (CUST-0001, E1001, plan CS-FY27, KPIs prs and qbrs); the page says they are
# examples, to replace with real ones. ``example_rows`` builds the rows from the spec's columns, so the
# file always has the kind's header.
EXAMPLE_VALUES: dict[str, tuple[str, str]] = {
    "customer_id": ("CUST-0001", "CUST-0002"),
    "employee_id": ("E1001", "E1002"),
    "geo": ("AMER", "EMEA"),
    "start_date": ("2026-02-01", "2026-02-01"),
    "as_of": ("2026-04-30", "2026-04-30"),
    "currency": ("USD", "EUR"),
    "period": ("FY27-Q1", "FY27-Q1"),
    "fiscal_year": ("FY27", "FY27"),
}
KIND_EXAMPLE_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "employees": {
        "email": ("ana.lima@example.com", "ben.okafor@example.com"),
        "name": ("Ana Lima", "Ben Okafor"),
        "roles": ("csm", "csvp"),
        "manager_employee_id": ("E1002", ""),
    },
    "customers": {
        "name": ("Acme Analytics", "Globex Retail"),
        "start_date": ("2024-03-01", "2025-06-15"),
        "segment": ("enterprise", "mid-market"),
    },
    "arr": {"arr": ("120000.00", "85000.00")},
    "targets": {
        "customer_id": ("CUST-0001", "CUST-0001"),
        "baseline_score": ("42", "42"),
        "period": ("FY27-Q1", "FY27-Q2"),
        "target_score": ("50", "55"),
    },
    "scores": {"score": ("61.5", "48")},
    "deals": {
        "deal_id": ("D-1001", "D-1002"),
        "type": ("expansion", "contraction"),
        "arr_delta": ("12000.00", "-3000.00"),
        "currency": ("USD", "USD"),
        "booked_on": ("2026-03-16", "2026-04-02"),
        "effective_on": ("2026-04-01", "2026-05-01"),
    },
    "kpis": {"employee_id": ("E1001", "E1001"), "kpi": ("prs", "qbrs"), "value": ("12", "5")},
    "fx": {"currency": ("EUR", "GBP"), "rate": ("1.0825", "1.265")},
    "milestones": {
        "criterion": ("sso_integrated", "sso_integrated"),
        "achieved_on": ("2026-01-12", "2026-02-03"),
        "lost_on": ("", "2026-04-20"),
    },
    "activities": {
        "date": ("2026-04-14", "2026-05-20"),
        "type": ("qbr", "nps"),
        "value": ("", "42"),
    },
    "person_metrics": {
        "date": ("2026-04", "2026-04-30"),
        "metric": ("data_quality", "demerits"),
        "value": ("96.5", "2"),
    },
    "usage": {
        "date": ("2026-04-30", "2026-04-30"),
        "metric": ("licensed_seats", "active_users"),
        "value": ("250", "187"),
    },
    "assignments": {
        "plan": ("CS-FY27", "CS-FY27"),
        "end_date": ("", ""),
        "on_target_amount": ("40000.00", "45000.00"),
        "nrr_goal": ("1.05", ""),
        "kpi_goal": ("", "12"),
    },
}


def example_rows(kind: str) -> list[list[str]]:
    """The example file of ``kind``: its header and two rows (an optional column without an example
    value is left empty)."""
    columns = SPECS[kind].columns
    values = {**EXAMPLE_VALUES, **KIND_EXAMPLE_VALUES.get(kind, {})}
    return [[column.name for column in columns]] + [
        [values.get(column.name, ("", ""))[n] for column in columns] for n in (0, 1)
    ]


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


def errors_file_stem(kind: str, file_name: str) -> str:
    """The download name of a file's bad rows, after the file and its kind: ``scores-upload-errors``
    for an upload.csv of scores, ``scores-q2-errors`` for scores-q2.csv."""
    stem = slugify(PurePath(file_name).stem) or "file"
    return f"{stem if stem.startswith(kind) else f'{kind}-{stem}'}-errors"


def named(response: HttpResponse, stem: str) -> HttpResponse:
    """A table download (``dashboards.tables.download``) saved as ``stem``.csv or .xlsx."""
    if response.status_code == 200:
        ext = "xlsx" if response["Content-Type"] == XLSX else "csv"
        response["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return response


def errors_note(count: int, listed: int) -> str:
    """How many errors a refusal had and which are listed, following "refused": the first 1,000 when
    there were more (DESIGN §6: a refused import keeps its first 1,000 errors and their count)."""
    if count > listed:
        return (
            f"with {count:,} errors. The first {listed:,} of the {count:,} are listed below and in the CSV"
            f" and Excel downloads (an import keeps the first {listed:,}): fix them and upload the file again"
            " to see the rest."
        )
    many = "s" if count != 1 else ""
    return f"with {count:,} error{many}, all listed below and in the CSV and Excel downloads."


def column_notes(kind: str) -> list[list[str]]:
    """One row per column of ``kind``: name, required or optional, natural key, what a cell holds."""
    spec = SPECS[kind]
    quarter = calendar().period_of(timezone.localdate())  # examples in this year's codes
    today_codes = {"quarter": quarter.code, "year": quarter.fy.code}
    rows = []
    for column in spec.columns:
        hints = [*KIND_HINTS.get(kind, ()), *HINTS]
        hint = next((text for pattern, text in hints if pattern.search(column.name)), "text").format(
            **today_codes
        )
        rows.append(
            [
                column.name,
                "required" if column.required else "optional",
                "natural key" if column.name in spec.key else "",
                hint,
            ]
        )
    return rows


def example_file(kind: str) -> HttpResponse:
    """``<kind>-example.csv``: the header and two example rows (``example_rows``)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv_writer(response)
    for row in example_rows(kind):
        writer.writerow(row)
    response["Content-Disposition"] = f'attachment; filename="{kind}-example.csv"'
    return response


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
            [f"Only the first sheet ({kind}) is imported, row 1 its header. Dates: YYYY-MM-DD or date cells."]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv_writer(response).writerow(header)  # a second line would be imported as data: header only
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
