"""Projections for the dashboards: the quarter's payout as the engine would compute it now, for some
CSMs, from the latest scores (before any pull) — and what-if variants of it. The same loaders and the
same engine as a real run; nothing is saved.

A projection is cached (Django's cache: Redis when ``REDIS_URL`` is set) under the inputs stamp of
``dashboards/stamp.py``: a change to anything the projection reads changes the stamp, so a cached
projection is never shown once its inputs changed. What-if projections are never cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.utils import timezone

from commissions import loaders
from commissions.engine import QuarterInputs, QuarterResult, calculate_quarter
from commissions.engine.changes import with_changes
from commissions.loaders import load_quarter, plan_members
from commissions.models import Period, Plan
from commissions.services.periods import get_period
from core.errors import AttainError
from core.fiscal import calendar

from .stamp import inputs_stamp

# Part of every cache key: bump it when the engine's results or what is cached change shape.
CACHE_VERSION = 1
# Threads of one request's ``concurrently``: the machine's 2 cores, one for Python, one for PostgreSQL.
WORKERS = 3
# A plan paying more of a page's CSMs than this is computed in parts of this size, side by side.
PART = 250
# ``stamp`` not given: read it (``project``, the team page's selectors).
UNREAD = object()


def concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """The results of ``calls``, in their order; on PostgreSQL outside a transaction each in a thread of
    its own, with its own database connection (closed when it is done).

    A projection's load waits on PostgreSQL, the engine on Python: run side by side, one's queries overlap
    another's arithmetic (docs/performance.md, "The cold /team/ request"). Inside a transaction (a test, a
    service) another connection could not see the transaction's writes, so the calls run one after the
    other on this one. The first exception raised by a call is raised here.
    """
    if len(calls) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [call() for call in calls]

    def run(call: Callable[[], Any]) -> Any:
        try:
            return call()
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(calls))) as pool:
        return list(pool.map(run, calls))


def current_period(today: date | None = None) -> Period:
    """The quarter containing today (the one being tracked live)."""
    return get_period(calendar().period_of(today or timezone.localdate()).code)


def plans_for(period: Period, employees: Collection[int]) -> list[Plan]:
    """Plans with an assignment of any of ``employees`` overlapping ``period`` (``loaders``' rule)."""
    return loaders.plans_of_people(period, employees)


@dataclass
class WhatIf:
    """Changes a CSM tries out: expected scores per customer, expected deals, KPI values."""

    scores: dict[str, Decimal] = field(default_factory=dict)  # customer_id -> score
    deals: list[dict] = field(default_factory=list)  # customer_id, type, arr_delta, currency, date
    kpis: dict[str, Decimal] = field(default_factory=dict)  # kpi code -> value (for the one CSM)

    def apply(self, inputs: QuarterInputs, employee_id: str) -> QuarterInputs:
        """``inputs`` with these changes (``engine.changes.with_changes``)."""
        return with_changes(
            inputs, employee_id=employee_id, scores=self.scores, deals=self.deals, kpis=self.kpis
        )


@dataclass
class Projection:
    """One plan's projected result for some CSMs, or the reason it cannot be projected."""

    plan: Plan
    result: QuarterResult | None
    error: str = ""


def project(
    period: Period,
    employees: Collection[int],
    *,
    what_if: WhatIf | None = None,
    employee_id: str = "",
    detail: bool = True,
    stamp: str | None | object = UNREAD,
) -> list[Projection]:
    """The engine's result for ``employees`` in ``period``, per plan, from the latest pull of a closed or
    pulled quarter, else from the latest scores (live). ``what_if`` changes the inputs first (uncached).

    ``detail=False`` keeps only the payouts and component lines (a leaderboard's needs): the per-customer
    rows, credited deals and warnings of a geo are large and the team page shows none of them.
    Cached under the inputs stamp; one query (the stamp) when cached. A caller that read the stamp
    before passes it as ``stamp`` (then no query): every read of the projection comes after it.
    """
    if what_if is not None:
        return compute(period, employees, what_if=what_if, employee_id=employee_id)
    if stamp is UNREAD:
        stamp = inputs_stamp()
    if stamp is None:
        return _shaped(compute(period, employees), detail)
    key = projection_key(stamp, period, employees, detail)
    projections = cache.get(key)
    if projections is None:
        projections = _shaped(compute(period, employees), detail)
        cache.set(key, projections)
    return projections


def compute(
    period: Period, employees: Collection[int], *, what_if: WhatIf | None = None, employee_id: str = ""
) -> list[Projection]:
    """``project`` without the cache: load the inputs of ``employees`` and run the engine, per plan.

    A plan paying many of ``employees`` is computed in parts of at most ``PART`` CSMs, side by side
    (``concurrently``), then put together: the engine computes each CSM from their own assignment and
    book only (DESIGN §4.2), so the parts' rows are the whole's (tests/dashboards_team/
    test_cold_team_page.py holds this).
    """
    from commissions.services.pulls import latest_pull

    pull = latest_pull(period)
    wanted = set(employees)
    plans = plans_for(period, employees)
    parts: list[tuple[Plan, list[int]]] = []
    for plan in plans:
        # Only the plan's own CSMs among them: the engine pays no one else, so no other book is loaded.
        members = [pk for pk in plan_members(plan, period) if pk in wanted]
        size = len(members) if what_if is not None else PART
        parts += [(plan, members[i : i + size]) for i in range(0, max(len(members), 1), max(size, 1))]

    def one(plan: Plan, members: list[int]) -> QuarterResult | AttainError:
        try:
            inputs = load_quarter(plan=plan, period=period, pull=pull, employees=members)
            if what_if is not None:
                inputs = what_if.apply(inputs, employee_id)
            return calculate_quarter(inputs)
        except AttainError as exc:
            return exc

    # One after the other, each part would wait on its load's queries; side by side they overlap.
    results = concurrently([lambda plan=plan, members=members: one(plan, members) for plan, members in parts])
    projections = []
    for plan in plans:
        done = [result for (part_plan, _), result in zip(parts, results, strict=True) if part_plan == plan]
        failed = next((result for result in done if isinstance(result, AttainError)), None)
        if failed is not None:
            projections.append(Projection(plan=plan, result=None, error=str(failed)))
        else:
            projections.append(Projection(plan=plan, result=_joined(done)))
    return projections


def _joined(results: list[QuarterResult]) -> QuarterResult:
    """One plan's parts (disjoint sets of CSMs) as one result, rows in the parts' order."""
    if len(results) == 1:
        return results[0]

    def rows(name: str) -> pd.DataFrame:
        tables = [getattr(result, name) for result in results]
        return pd.concat([t for t in tables if not t.empty] or tables[:1], ignore_index=True)

    return dataclasses.replace(
        results[0],
        customers=rows("customers"),
        components=rows("components"),
        payouts=rows("payouts"),
        deals=rows("deals"),
        warnings=[warning for result in results for warning in result.warnings],
    )


def projection_key(stamp: str, period: Period, employees: Collection[int], detail: bool) -> str:
    """The cache key of a projection: the inputs stamp, the quarter and the set of CSMs (order ignored)."""
    people = ",".join(str(pk) for pk in sorted(set(employees)))
    scope = hashlib.sha256(people.encode()).hexdigest()[:32]
    parts = (
        CACHE_VERSION,
        settings.BASE_CURRENCY,
        stamp,
        period.pk,
        "detail" if detail else "summary",
        scope,
    )
    return "dashboards:projection:" + ":".join(str(part) for part in parts)


def summary(result: QuarterResult) -> QuarterResult:
    """``result`` with only its payouts and component lines."""
    return dataclasses.replace(
        result, customers=result.customers.iloc[0:0], deals=result.deals.iloc[0:0], warnings=[]
    )


def _shaped(projections: list[Projection], detail: bool) -> list[Projection]:
    if detail:
        return projections
    return [
        dataclasses.replace(p, result=summary(p.result) if p.result is not None else None)
        for p in projections
    ]
