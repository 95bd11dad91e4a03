"""Tables of the dashboards: one definition renders as HTML (sortable, filterable in the browser)
and downloads as CSV or Excel with the same columns and values (issue "dashboards" §5)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from core import formatting as fmt
from core.downloads import csv_writer, xlsx_bytes
from dashboards import glossary

# What a column holds decides its alignment, how it is written (core.formatting, DESIGN §6 "Formats")
# and how the browser sorts it. "exact": money before rounding; "change": money with its sign always;
# "percent" and "ratio" alike show a percentage with one decimal on the page and 4 decimals in downloads;
# "score": an adoption score with two decimals, "score_change" a change of one with its sign; "points":
# extra-credit points (percentage points of r).
KINDS = (
    *("text", "number", "money", "change", "exact", "ratio", "percent", "points", "score", "score_change"),
    *("weight", "date", "datetime"),
)
PAGE_SIZE = 200  # rows per page of a table on a page; downloads always hold every row


def _local(value: Any) -> Any:
    """An aware datetime in the configured time zone (what a person reads); anything else as given."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def header_html(label: str, help: str = "") -> SafeString:
    """A column's label for a header cell: an abbreviation or symbol of the glossary (or ``help``) is
    explained on hover (``<abbr title>``) and to screen readers (visually hidden text)."""
    description = help or glossary.explanation(label)
    if not description:
        return format_html("{}", label)
    return format_html(
        '<abbr title="{}">{}</abbr><span class="visually-hidden"> ({})</span>',
        description,
        label,
        description,
    )


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # one of KINDS
    help: str = ""  # what the label means, when the glossary (dashboards.glossary) does not say it
    currency: str = "currency"  # money: the row key holding the currency code (else the table's)
    # the row key naming a cell's kind where it differs by row (a metric value: core.formatting.metric_kind)
    kind_from: str = ""

    @property
    def description(self) -> str:
        """What the header means (empty for a plain word): ``help`` or the glossary's words."""
        return self.help or glossary.explanation(self.label)

    @property
    def header_html(self) -> SafeString:
        return header_html(self.label, self.help)

    def kind_of(self, row: dict[str, Any]) -> str:
        """The kind of ``row``'s cell: the row's own (``kind_from``) where it has one, else the column's."""
        return str(row.get(self.kind_from) or self.kind) if self.kind_from else self.kind

    def show(self, value: Any, currency: str = "", kind: str = "") -> str:
        """The value as shown on the page (core.formatting; DESIGN §6 "Formats"); "" for none. Money is
        written with ``currency``; ``kind`` overrides the column's (a row's own kind)."""
        if value is None or value == "":
            return ""
        value = _local(value)
        kind = kind or self.kind
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            if kind in ("money", "change"):
                signed = kind == "change"
                return fmt.money(value, currency, signed) if currency else fmt.number(fmt.export_money(value))
            if kind == "exact":
                return fmt.money_exact(value, currency) if currency else fmt.number(value)
            if kind in ("ratio", "percent"):
                return fmt.percent(value)
            if kind == "points":
                return fmt.points_of_r(value)
            if kind in ("score", "score_change"):
                return fmt.score(value, signed=kind == "score_change")
            if kind == "weight":
                return fmt.weight(value)
            return fmt.number(value)
        if isinstance(value, datetime):
            return fmt.iso_datetime(value) if self.kind == "datetime" else fmt.iso_date(value)
        if isinstance(value, date):
            return fmt.iso_date(value)
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

    def order_key(self, value: Any) -> tuple:
        """How the server sorts a paged table by this column: empty cells last, numbers as numbers."""
        if value is None or value == "":
            return (1, 0, "")
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return (0, 0, Decimal(value))
        if isinstance(value, date | datetime):
            return (0, 1, value.isoformat())
        return (0, 2, str(value).lower())


# A request's value (DESIGN §5): an exception's granted r as a percentage, extra credit's points as the
# percentage points they add to r; the rows carry "value_kind" = core.formatting.request_kind(kind).
REQUEST_VALUE = Column("value", "Value", "ratio", kind_from="value_kind")


@dataclass
class TablePage:
    """One page of a table as a page shows it: its rows' HTML, Django's ``Page``, the links to the
    pages before and after it and to each column's order (``?<table>-page=``, ``?<table>-sort=``)."""

    body: SafeString
    page: Page
    previous_url: str
    next_url: str
    headers: list[dict[str, Any]]  # per column: column, url (its order), sort ("ascending", "descending", "")

    @property
    def paged(self) -> bool:
        return self.page.has_other_pages()


@dataclass
class Table:
    """A titled table of rows (dicts keyed by column key). ``name`` is its id on the page and in URLs."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # column key -> row key holding the cell's URL
    # Rows per page on the page (None: PAGE_SIZE). Downloads always hold every row; a geo's at-risk list can
    # hold tens of thousands, which no one reads at once and which would cost the page its time budget.
    limit: int | None = None
    currency: str = ""  # the money columns' currency where the rows carry none
    # column key -> the cell's URL made from its row (None: no link); the rows stay as the selectors gave them
    hrefs: dict[str, Callable[[dict[str, Any]], str | None]] = field(default_factory=dict)

    @property
    def page_size(self) -> int:
        return self.limit or PAGE_SIZE

    @property
    def page_param(self) -> str:
        return f"{self.name}-page"

    @property
    def sort_param(self) -> str:
        return f"{self.name}-sort"

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(label, what it means) of each header that needs explaining, for print (no hover on paper)."""
        return [(column.label, column.description) for column in self.columns if column.description]

    def currency_of(self, column: Column, row: dict[str, Any]) -> str:
        return str(row.get(column.currency) or self.currency)

    def cells(self) -> list[list[dict[str, Any]]]:
        """Rows of cells for the template: text, sort key, kind and link."""
        return [
            [
                {
                    "text": column.show(
                        row.get(column.key), self.currency_of(column, row), column.kind_of(row)
                    ),
                    "sort": column.sort_key(row.get(column.key)),
                    "kind": column.kind_of(row),
                    "href": self.href(column, row),
                }
                for column in self.columns
            ]
            for row in self.rows
        ]

    def href(self, column: Column, row: dict[str, Any]) -> str | None:
        """The URL of ``row``'s cell in ``column``, or None when it is no link."""
        if column.key in self.hrefs:
            return self.hrefs[column.key](row)
        return row.get(self.links[column.key]) if column.key in self.links else None

    def body_html(self) -> SafeString:
        """Every row as HTML (a printed statement shows them all; a page shows ``page_of``)."""
        return self.rows_html(self.rows)

    def rows_html(self, rows: list[dict[str, Any]]) -> SafeString:
        """``rows`` as HTML, built here rather than in the template: a geo's table can hold thousands of
        cells, and Django templates render each cell far slower than a string join."""
        if not rows:
            empty = '<tr><td colspan="{}" class="muted">Nothing to show.</td></tr>'
            return format_html(empty, len(self.columns))
        linked = [column.key in self.links or column.key in self.hrefs for column in self.columns]
        parts = []
        for row in rows:
            parts.append("<tr>")
            for column, link in zip(self.columns, linked, strict=True):
                value = row.get(column.key)
                kind = column.kind_of(row)
                text = html.escape(column.show(value, self.currency_of(column, row), kind))
                if link and (url := self.href(column, row)):
                    text = f'<a href="{html.escape(url)}">{text}</a>'
                parts.append(
                    f'<td class="{kind}" data-sort="{html.escape(column.sort_key(value))}">{text}</td>'
                )
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def page_of(self, query: QueryDict) -> TablePage:
        """The page ``?<name>-page=`` asks for (the last one past the end, the first one for nonsense),
        its rows in the order ``?<name>-sort=<column key>`` (``-<key>``: descending) asks for, else the
        table's own. Sorting a paged table is the server's: the browser sees one page only."""
        rows = self.rows
        sorted_by = query.get(self.sort_param, "")
        keys = {column.key: column for column in self.columns}
        column = keys.get(sorted_by.removeprefix("-"))
        if column is not None:
            descending = sorted_by.startswith("-")
            filled = [r for r in rows if r.get(column.key) not in (None, "")]
            empty = [r for r in rows if r.get(column.key) in (None, "")]
            filled.sort(key=lambda r: column.order_key(r.get(column.key)), reverse=descending)
            rows = filled + empty
        else:
            sorted_by = ""
        page = Paginator(rows, self.page_size).get_page(query.get(self.page_param))

        def url(**changes: Any) -> str:
            params = query.copy()
            for name in ("download", "format"):
                params.pop(name, None)
            for name, value in changes.items():
                params[name] = value
            return "?" + params.urlencode()

        headers = [
            {
                "column": c,
                "url": url(
                    **{self.sort_param: ("-" if sorted_by == c.key else "") + c.key, self.page_param: 1}
                ),
                "sort": {c.key: "ascending", f"-{c.key}": "descending"}.get(sorted_by, ""),
            }
            for c in self.columns
        ]
        return TablePage(
            body=self.rows_html(list(page.object_list)),
            page=page,
            previous_url=url(**{self.page_param: page.previous_page_number()}) if page.has_previous() else "",
            next_url=url(**{self.page_param: page.next_page_number()}) if page.has_next() else "",
            headers=headers,
        )


def _export_value(column: Column, value: Any, row: dict[str, Any] | None = None) -> Any:
    kind = column.kind_of(row) if row is not None else column.kind
    return fmt.export_value(_local(value), kind)  # "exact" money keeps every decimal


def as_csv(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(table.name)}.csv"'
    writer = csv_writer(response)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        values = [_export_value(column, row.get(column.key), row) for column in table.columns]
        writer.writerow([fmt.csv_text(v) for v in values])
    return response


def as_xlsx(table: Table) -> HttpResponse:
    rows = (
        [_export_value(column, row.get(column.key), row) for column in table.columns] for row in table.rows
    )
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
