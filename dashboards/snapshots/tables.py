"""The tables of the snapshot review: their columns, a page of each for the page, all rows for a download
(``dashboards.tables``: one definition for the HTML, the CSV and the Excel file)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from adoption.models import Snapshot
from dashboards.tables import Column, Table

from . import comparison, selectors
from .paging import Fetch, Page, paged

QUARTER_LABELS = [f"Q{n}" for n in selectors.QUARTERS]
CUSTOMER = [Column("code", "Customer"), Column("name", "Name"), Column("geo", "Geo")]
AVERAGES = [
    Column("customers", "Customers", "number"),
    Column("baseline", "Average baseline", "score"),
    *(
        Column(f"q{n}", f"Average target {q}", "score")
        for n, q in zip(selectors.QUARTERS, QUARTER_LABELS, strict=True)
    ),
]


def _side(side: str, label: str) -> list[Column]:
    return [
        Column(f"baseline_{side}", f"Baseline {label}", "score"),
        *(
            Column(f"q{n}_{side}", f"{q} target {label}", "score")
            for n, q in zip(selectors.QUARTERS, QUARTER_LABELS, strict=True)
        ),
    ]


def _interleaved() -> list[Column]:
    """Then and now side by side: baseline then, baseline now, Q1 target then, Q1 target now, …"""
    then, now = _side("then", "then"), _side("now", "now")
    return [column for pair in zip(then, now, strict=True) for column in pair]


@dataclass
class ReviewTable:
    """A table of the review: paged on the page (``?page-<name>=N``), whole in a download."""

    name: str
    title: str
    columns: list[Column]
    fetch: Fetch
    every_row: Callable[[], Iterable[dict[str, Any]]]
    note: str = ""
    page: Page | None = None
    links: dict[str, str] = field(default_factory=dict)  # "previous"/"next" page URLs, set by the view

    @property
    def param(self) -> str:
        return f"page-{self.name}"

    def load(self, number: int) -> ReviewTable:
        self.page = paged(self.fetch, number)
        return self

    @property
    def table(self) -> Table:
        """The page's rows as a ``Table`` (for ``body_html``)."""
        return Table(self.name, self.title, self.columns, self.page.rows if self.page else [])

    def download(self) -> Table:
        """Every row, read as the file is written."""
        return Table(self.name, self.title, self.columns, self.every_row())  # type: ignore[arg-type]


def summary_tables(snapshot: Snapshot, *, owners_on: date) -> list[ReviewTable]:
    geo, csm = selectors.geo_summary(snapshot), selectors.csm_summary(snapshot, on=owners_on)
    return [
        ReviewTable(
            "by-geo",
            "Summary per geo",
            [Column("geo", "Geo"), *AVERAGES],
            geo,
            lambda: selectors.all_rows(geo),
        ),
        ReviewTable(
            "by-csm",
            "Summary per CSM",
            [Column("name", "CSM"), Column("employee_id", "Employee"), Column("geo", "CSM's geo"), *AVERAGES],
            csm,
            lambda: selectors.all_rows(csm),
            note=(
                f"A customer's CSM is its owner on {owners_on.isoformat()}: the day of this review or the"
                f" last day of {snapshot.fiscal_year}, whichever is earlier."
            ),
        ),
    ]


def changes_table(snapshot: Snapshot) -> ReviewTable:
    columns = [
        *CUSTOMER,
        Column("period", "Quarter"),
        Column("action", "Change"),
        Column("old_baseline_score", "Baseline before", "score"),
        Column("new_baseline_score", "Baseline now", "score"),
        Column("old_target_score", "Target before", "score"),
        Column("new_target_score", "Target now", "score"),
    ]
    return ReviewTable(
        "last-draft",
        f"Changed by revision {snapshot.revision}",
        columns,
        selectors.changes_fetch(snapshot),
        lambda: selectors.changes(snapshot).iterator(chunk_size=2000),
    )


COMPARISON_NAMES = ("both-years", "new-customers", "dropped-customers")


def comparison_tables(now: Snapshot, then: Snapshot) -> list[ReviewTable]:
    kinds = [
        (
            comparison.BOTH,
            "both-years",
            f"Customers in {then.fiscal_year} and {now.fiscal_year}",
            [*CUSTOMER, *_interleaved(), Column("changed", "Changed")],
        ),
        (
            comparison.NEW,
            "new-customers",
            f"New in {now.fiscal_year}",
            [*CUSTOMER, *_side("now", now.fiscal_year)],
        ),
        (
            comparison.DROPPED,
            "dropped-customers",
            f"Dropped since {then.fiscal_year}",
            [*CUSTOMER, *_side("then", then.fiscal_year)],
        ),
    ]
    return [
        ReviewTable(
            name,
            title,
            columns,
            comparison.comparison_fetch(which, now=now, then=then),
            lambda which=which: comparison.comparison_rows(which, now=now, then=then),
        )
        for which, name, title, columns in kinds
    ]


def totals_table(snapshot: Snapshot) -> Table:
    columns = [
        Column("quarter", "Quarter"),
        Column("customers", "Customers", "number"),
        Column("lines", "Lines", "number"),
        Column("with_target", "With a target", "number"),
        Column("without_target", "Without a target", "number"),
    ]
    return Table("totals", f"Totals of {snapshot.fiscal_year}", columns, selectors.totals(snapshot))
