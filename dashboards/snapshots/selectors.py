"""Read paths of the target snapshot review (DESIGN §3 "Target snapshots").

Everything is counted and averaged in the database and paged there (``paging``): a review costs the same
number of queries for ten lines or 396,000, and a page never brings more than its rows into Python.
Averages of scores are for reading only (no payout is computed from them): they are rounded to the
hundredth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from adoption.models import Customer, Ownership, Snapshot, TargetChange, TargetLine
from core.calendar import CalendarError, FiscalYear
from core.fiscal import calendar

from .paging import TOTAL, Fetch, queryset_fetch, sql_fetch

QUARTERS = (1, 2, 3, 4)
HUNDREDTH = Decimal("0.01")


def _qn(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def score(value: Any) -> Decimal | None:
    """An average score as the database returns it (a Decimal, or a float on SQLite), to the hundredth."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(HUNDREDTH)


# --- the list and the snapshot -------------------------------------------------------------------------


def snapshot_list() -> QuerySet:
    """Every snapshot, newest fiscal year first, with ``line_count`` and who approved it (one query)."""
    return (
        Snapshot.objects.select_related("approved_by")
        .annotate(line_count=Count("lines"))
        .order_by("-fiscal_year")
    )


def snapshot_of(fiscal_year: str) -> Snapshot:
    """The snapshot of ``fiscal_year`` (a code such as ``FY22``), or 404 for a bad code or no snapshot."""
    try:
        code = FiscalYear.parse(fiscal_year).code
    except CalendarError:
        raise Http404(f"{fiscal_year!r} is not a fiscal year.") from None
    snapshot = Snapshot.objects.select_related("approved_by").filter(fiscal_year=code).first()
    if snapshot is None:
        raise Http404(f"There is no target snapshot for {code}.")
    return snapshot


def previous_code(snapshot: Snapshot) -> str:
    """The code of the fiscal year before the snapshot's (FY22 → FY21)."""
    return FiscalYear(FiscalYear.parse(snapshot.fiscal_year).year - 1).code


def previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """Last year's approved snapshot, the one this year's is compared with; None when there is none."""
    code = previous_code(snapshot)
    return Snapshot.objects.filter(fiscal_year=code, status=Snapshot.Status.APPROVED).first()


def drafts_awaiting_approval() -> list[Snapshot]:
    """Draft snapshots that hold target lines: what a CCO has to review and approve."""
    has_lines = Exists(TargetLine.objects.filter(snapshot=OuterRef("pk")))
    return list(Snapshot.objects.filter(has_lines, status=Snapshot.Status.DRAFT).order_by("fiscal_year"))


def owners_day(snapshot: Snapshot, today: date) -> date:
    """The day whose owner a customer's CSM is, in the summary per CSM: the day of the review or the
    fiscal year's last day, whichever is earlier."""
    last_day = calendar().year_bounds(FiscalYear.parse(snapshot.fiscal_year))[1]
    return min(today, last_day)


def periods_of(snapshot: Snapshot) -> list[str]:
    """The four quarter codes of the snapshot's fiscal year, Q1 first."""
    return [quarter.code for quarter in FiscalYear.parse(snapshot.fiscal_year).quarters()]


# --- totals ---------------------------------------------------------------------------------------------


def totals(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Customers, lines, and lines with and without a target: for the year, then per quarter (one query).

    A customer has one line per quarter, so a quarter's customers are its lines.
    """
    periods = periods_of(snapshot)
    counts: dict[str, Any] = {
        "customers": Count("customer_id", distinct=True),
        "lines": Count("pk"),
        "with_target": Count("target_score"),
    }
    for n, period in zip(QUARTERS, periods, strict=True):
        counts[f"lines_{n}"] = Count("pk", filter=Q(period=period))
        counts[f"with_target_{n}"] = Count("target_score", filter=Q(period=period))
    found = TargetLine.objects.filter(snapshot=snapshot).aggregate(**counts)
    rows = [
        {
            "quarter": "All quarters",
            "customers": found["customers"],
            "lines": found["lines"],
            "with_target": found["with_target"],
            "without_target": found["lines"] - found["with_target"],
        }
    ]
    for n, period in zip(QUARTERS, periods, strict=True):
        lines, with_target = found[f"lines_{n}"], found[f"with_target_{n}"]
        rows.append(
            {
                "quarter": period,
                "customers": lines,
                "lines": lines,
                "with_target": with_target,
                "without_target": lines - with_target,
            }
        )
    return rows


# --- summaries per geo and per CSM ----------------------------------------------------------------------


def _per_customer(snapshot: Snapshot) -> tuple[str, list[Any]]:
    """SQL: one row per customer of the snapshot — its baseline (the same on all its lines, DESIGN §3) and
    its target of each quarter (q1 … q4, NULL without one)."""
    quarters = ", ".join(f"MAX(CASE WHEN l.period = %s THEN l.target_score END) AS q{n}" for n in QUARTERS)
    sql = (
        f"SELECT l.customer_id AS customer_id, MAX(l.baseline_score) AS baseline, {quarters}"  # noqa: S608
        f" FROM {_qn(TargetLine)} l WHERE l.snapshot_id = %s GROUP BY l.customer_id"
    )
    return sql, [*periods_of(snapshot), snapshot.pk]


AVERAGES = "COUNT(*) AS customers, AVG(p.baseline) AS baseline, " + ", ".join(
    f"AVG(p.q{n}) AS q{n}" for n in QUARTERS
)


def _averages(row: dict[str, Any]) -> dict[str, Any]:
    row["customers"] = int(row["customers"])
    for key in ("baseline", *(f"q{n}" for n in QUARTERS)):
        row[key] = score(row[key])
    return row


def geo_summary(snapshot: Snapshot) -> Fetch:
    """Per geo (of the customer): customers, average baseline, average target of each quarter (over the
    customers with a target that quarter). Pages of one query."""
    per_customer, params = _per_customer(snapshot)
    sql = (
        f"SELECT c.geo AS geo, {AVERAGES}, COUNT(*) OVER () AS {TOTAL}"  # noqa: S608
        f" FROM ({per_customer}) p JOIN {_qn(Customer)} c ON c.id = p.customer_id"
        " GROUP BY c.geo ORDER BY c.geo"
    )
    return sql_fetch(connection, sql, params, _averages)


def csm_summary(snapshot: Snapshot, *, on: date) -> Fetch:
    """Per CSM — the customer's owner on ``on`` (``owners_day``) — the same figures as ``geo_summary``;
    customers without an owner that day form one row. Pages of one query.

    The owner on a day is the ownership row with the latest start on or before it (DESIGN §3), found
    with a join on each customer's latest start rather than a lookup per customer, so the query stays a
    few hash joins at a hundred thousand customers.
    """
    per_customer, params = _per_customer(snapshot)
    ownership = _qn(Ownership)
    owners = (
        f"SELECT w.customer_id AS customer_id, w.employee_id AS employee_id FROM {ownership} w"  # noqa: S608
        f" JOIN (SELECT customer_id, MAX(start_date) AS latest FROM {ownership} WHERE start_date <= %s"
        " GROUP BY customer_id) m ON m.customer_id = w.customer_id AND w.start_date = m.latest"
    )
    quarters = ", ".join(f"g.q{n} AS q{n}" for n in QUARTERS)
    sql = (
        "SELECT u.employee_id AS employee_id, u.name AS name, u.geo AS geo, g.customers AS customers,"  # noqa: S608
        f" g.baseline AS baseline, {quarters}, COUNT(*) OVER () AS {TOTAL}"
        f" FROM (SELECT o.employee_id AS owner_id, {AVERAGES} FROM ({per_customer}) p"
        f" LEFT JOIN ({owners}) o ON o.customer_id = p.customer_id GROUP BY o.employee_id) g"
        f" LEFT JOIN {_qn(User)} u ON u.id = g.owner_id"
        " ORDER BY CASE WHEN u.id IS NULL THEN 1 ELSE 0 END, u.name, u.employee_id, u.id"
    )

    def build(row: dict[str, Any]) -> dict[str, Any]:
        row = _averages(row)
        if row["employee_id"] is None and row["name"] is None:
            row["name"], row["employee_id"] = f"No owner on {on.isoformat()}", ""
        return row

    return sql_fetch(connection, sql, [*params, on], build)


def all_rows(fetch: Fetch, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """Every row ``fetch`` reads, a chunk at a time (for downloads of the summaries)."""
    offset = 0
    while True:
        rows, _total = fetch(chunk, offset)
        yield from rows
        if len(rows) < chunk:
            return
        offset += chunk


# --- what changed against the last draft ----------------------------------------------------------------


@dataclass(frozen=True)
class LastDraft:
    """The latest revision of a snapshot and what its import created and changed."""

    revision: int
    created: int
    updated: int

    @property
    def recorded(self) -> int:
        return self.created + self.updated


def last_draft(snapshot: Snapshot) -> LastDraft:
    """How many lines the latest revision's import created and changed (one query)."""
    found = TargetChange.objects.filter(snapshot=snapshot, revision=snapshot.revision).aggregate(
        created=Count("pk", filter=Q(action=TargetChange.Action.CREATED)),
        updated=Count("pk", filter=Q(action=TargetChange.Action.UPDATED)),
    )
    return LastDraft(snapshot.revision, found["created"], found["updated"])


CHANGE_FIELDS = (
    "period",
    "action",
    "old_baseline_score",
    "new_baseline_score",
    "old_target_score",
    "new_target_score",
)
CUSTOMER_FIELDS = {"code": F("customer__customer_id"), "name": F("customer__name"), "geo": F("customer__geo")}


def changes(snapshot: Snapshot) -> QuerySet:
    """The latest revision's ``TargetChange`` rows as dicts (``CHANGE_FIELDS`` and the customer's code,
    name and geo), by customer id and quarter; unpaged: for downloads."""
    queryset = TargetChange.objects.filter(snapshot=snapshot, revision=snapshot.revision)
    return queryset.order_by("customer__customer_id", "period").values(*CHANGE_FIELDS, **CUSTOMER_FIELDS)


def changes_fetch(snapshot: Snapshot) -> Fetch:
    """Pages of ``changes``, one query each."""
    queryset = TargetChange.objects.filter(snapshot=snapshot, revision=snapshot.revision)
    return queryset_fetch(
        queryset.order_by("customer__customer_id", "period"), *CHANGE_FIELDS, **CUSTOMER_FIELDS
    )
