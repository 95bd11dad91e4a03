"""This year's draft against last year's approved snapshot (DESIGN §3 "Target snapshots": the review).

Three tables, each one row per customer, ordered by customer id: the customers in both snapshots with
their baseline and each quarter's target (Q1 … Q4) then and now; the customers new this year; the
customers dropped since last year. Customers are paged in SQL; only the page's customers' lines are
read (one query), and a download walks the customers in chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from adoption.models import Customer, Snapshot, TargetLine

from .paging import Fetch, queryset_fetch
from .selectors import QUARTERS

BOTH, NEW, DROPPED = "both", "new", "dropped"
CUSTOMER_COLUMNS = ("pk", "customer_id", "name", "geo")
CHUNK = 2000


def _in(snapshot: Snapshot) -> Exists:
    return Exists(TargetLine.objects.filter(snapshot=snapshot, customer=OuterRef("pk")))


def customers(which: str, *, now: Snapshot, then: Snapshot) -> QuerySet:
    """The customers in both snapshots (``BOTH``), only in ``now`` (``NEW``) or only in ``then``
    (``DROPPED``), by customer id."""
    here, there = _in(now), _in(then)
    filters = {BOTH: (here, there), NEW: (here, ~there), DROPPED: (~here, there)}[which]
    return Customer.objects.filter(*filters).order_by("customer_id")


def _lines(customer_pks: list[int], snapshots: list[Snapshot]) -> dict[tuple[int, int], dict[str, Any]]:
    """``{(customer pk, snapshot pk): {"baseline": …, "q1": …}}`` for the given customers (one query)."""
    found: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    lines = TargetLine.objects.filter(snapshot__in=snapshots, customer_id__in=customer_pks).values_list(
        "customer_id", "snapshot_id", "period", "baseline_score", "target_score"
    )
    for customer_pk, snapshot_pk, period, baseline, target in lines:
        values = found[(customer_pk, snapshot_pk)]
        values["baseline"] = baseline
        values[f"q{period[-1]}"] = target
    return found


def _row(customer: dict[str, Any], which: str, found: dict, now: Snapshot, then: Snapshot) -> dict:
    row = {"code": customer["customer_id"], "name": customer["name"], "geo": customer["geo"]}
    sides = {BOTH: ("then", "now"), NEW: ("now",), DROPPED: ("then",)}[which]
    snapshot_of = {"then": then, "now": now}
    for side in sides:
        values = found.get((customer["pk"], snapshot_of[side].pk), {})
        row[f"baseline_{side}"] = values.get("baseline")
        for n in QUARTERS:
            row[f"q{n}_{side}"] = values.get(f"q{n}")
    if which == BOTH:
        keys = ["baseline", *(f"q{n}" for n in QUARTERS)]
        row["changed"] = "yes" if any(row[f"{key}_then"] != row[f"{key}_now"] for key in keys) else ""
    return row


def _rows(page: list[dict[str, Any]], which: str, now: Snapshot, then: Snapshot) -> list[dict[str, Any]]:
    found = _lines([customer["pk"] for customer in page], [now, then])
    return [_row(customer, which, found, now, then) for customer in page]


def comparison_fetch(which: str, *, now: Snapshot, then: Snapshot) -> Fetch:
    """Pages of the ``which`` table: two queries each (the customers with their total, their lines)."""
    fetch_customers = queryset_fetch(customers(which, now=now, then=then), *CUSTOMER_COLUMNS)

    def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        page, total = fetch_customers(limit, offset)
        return _rows(page, which, now, then), total

    return fetch


def comparison_rows(which: str, *, now: Snapshot, then: Snapshot) -> Iterator[dict[str, Any]]:
    """Every row of the ``which`` table, for a download: ``CHUNK`` customers at a time, by customer id."""
    queryset = customers(which, now=now, then=then).values(*CUSTOMER_COLUMNS)
    after = None
    while True:
        chunk = list((queryset if after is None else queryset.filter(customer_id__gt=after))[:CHUNK])
        if not chunk:
            return
        yield from _rows(chunk, which, now, then)
        after = chunk[-1]["customer_id"]
