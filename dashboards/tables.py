"""Tables of the dashboards: one definition renders as HTML (sortable, filterable in the browser)
and downloads as CSV or Excel with the same columns and values (issue "dashboards" §5)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from commissions.engine import to_cents, to_ratio
from core.downloads import csv_writer, xlsx_bytes

KINDS = ("text", "number", "money", "ratio", "percent", "date")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # one of KINDS: decides alignment, formatting and how the browser sorts

    def show(self, value: Any) -> str:
        """The value as shown on the page and written to CSV."""
        if value is None or value == "":
            return ""
        if self.kind == "money" and isinstance(value, Decimal):
            return f"{to_cents(value):,.2f}"
        if self.kind == "ratio" and isinstance(value, Decimal):
            return str(to_ratio(value))
        if self.kind == "percent" and isinstance(value, Decimal):
            return f"{to_ratio(value * 100).quantize(Decimal('0.1'))}%"
        if isinstance(value, date | datetime):
            return value.isoformat()[:10]
        return str(value)

    def sort_key(self, value: Any) -> str:
        """A machine-sortable form for the browser (``data-sort``)."""
        if value is None or value == "":
            return ""
        if isinstance(value, Decimal | int | float):
            return format(Decimal(value), "f")
        if isinstance(value, date | datetime):
            return value.isoformat()
        return str(value).lower()


@dataclass
class Table:
    """A titled table of rows (dicts keyed by column key). ``name`` is its id on the page and in URLs."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # column key -> row key holding the cell's URL
    # Rows shown on the page (None: all). Downloads always hold every row; a geo's at-risk list can hold
    # tens of thousands, which no one reads on a page and which would cost the page its time budget.
    limit: int | None = None

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def truncated(self) -> bool:
        return self.limit is not None and len(self.rows) > self.limit

    def cells(self) -> list[list[dict[str, Any]]]:
        """Rows of cells for the template: text, sort key, kind and link."""
        return [
            [
                {
                    "text": column.show(row.get(column.key)),
                    "sort": column.sort_key(row.get(column.key)),
                    "kind": column.kind,
                    "href": row.get(self.links[column.key]) if column.key in self.links else None,
                }
                for column in self.columns
            ]
            for row in self.shown_rows
        ]

    def body_html(self) -> str:
        """The table's rows as HTML, built here rather than in the template: a geo's table can hold
        thousands of cells, and Django templates render each cell far slower than a string join."""
        if not self.rows:
            empty = '<tr><td colspan="{}" class="muted">Nothing to show.</td></tr>'
            return format_html(empty, len(self.columns))
        links = [self.links.get(column.key) for column in self.columns]
        parts = []
        for row in self.shown_rows:
            parts.append("<tr>")
            for column, link in zip(self.columns, links, strict=True):
                value = row.get(column.key)
                text = html.escape(column.show(value))
                if link and row.get(link):
                    text = f'<a href="{html.escape(row[link])}">{text}</a>'
                parts.append(
                    f'<td class="{column.kind}" data-sort="{html.escape(column.sort_key(value))}">{text}</td>'
                )
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _export_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "money" and isinstance(value, Decimal):
        return to_cents(value)
    if column.kind in ("ratio", "percent") and isinstance(value, Decimal):
        return to_ratio(value)
    return value


def as_csv(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(table.name)}.csv"'
    writer = csv_writer(response)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        values = [_export_value(column, row.get(column.key)) for column in table.columns]
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in values])
    return response


def as_xlsx(table: Table) -> HttpResponse:
    rows = ([_export_value(column, row.get(column.key)) for column in table.columns] for row in table.rows)
    content = xlsx_bytes(table.title, [column.label for column in table.columns], rows)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(table.name)}.xlsx"'
    return response


def download(request, tables: list[Table]) -> HttpResponse | None:
    """The download asked for by ``?download=<table name>&format=csv|xlsx``, or None for the page."""
    name = request.GET.get("download")
    if not name:
        return None
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        return HttpResponse("No such table.", status=404, content_type="text/plain")
    return as_xlsx(table) if request.GET.get("format") == "xlsx" else as_csv(table)
