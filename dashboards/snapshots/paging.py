"""Pages of the snapshot review's tables, cut in SQL (DESIGN §3 "Target snapshots": the review).

A table of the review can hold a row per customer — a hundred thousand of them. A page is fetched with
``LIMIT``/``OFFSET`` and its total with ``COUNT(*) OVER ()`` in the same statement, so a page costs one
query and never brings more than ``PAGE_SIZE`` rows into Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Window

PAGE_SIZE = 200
TOTAL = "page_total"  # the window column that carries the number of rows of the whole table

# fetch(limit, offset) -> (rows of the page, number of rows in all)
Fetch = Callable[[int, int], tuple[list[dict[str, Any]], int]]


@dataclass
class Page:
    """One page of a table: its rows (dicts), its number (from 1) and how many rows the table has."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    number: int = 1
    count: int = 0
    size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1 if self.rows else 0


def page_number(value: str | None) -> int:
    """A page asked for in the URL: a positive whole number, else the first page."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return max(1, number)


def paged(fetch: Fetch, number: int, size: int = PAGE_SIZE) -> Page:
    """The page ``number`` of what ``fetch`` reads; a number past the end gives the last page."""
    rows, total = fetch(size, (number - 1) * size)
    if not rows and number > 1:
        _, total = fetch(1, 0)
        number = max(1, -(-total // size))
        rows, total = fetch(size, (number - 1) * size) if total else ([], 0)
    return Page(rows=rows, number=number, count=total, size=size)


def queryset_fetch(queryset: QuerySet, *fields: str, **expressions: Any) -> Fetch:
    """``fetch`` over an ordered queryset's ``values(*fields, **expressions)``, with the window total."""
    rows = queryset.values(*fields, **expressions).annotate(**{TOTAL: Window(Count("pk"))})

    def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        page = list(rows[offset : offset + limit])
        return page, (page[0][TOTAL] if page else 0)

    return fetch


def sql_fetch(connection: Any, sql: str, params: list[Any], build: Callable[[dict], dict]) -> Fetch:
    """``fetch`` over a raw ``SELECT`` (without ORDER's LIMIT): rows become dicts through ``build``.

    ``sql`` must select ``COUNT(*) OVER () AS page_total`` and end with its ``ORDER BY``.
    """

    def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            names = [column[0] for column in cursor.description]
            page = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return [build(row) for row in page], (int(page[0][TOTAL]) if page else 0)

    return fetch
