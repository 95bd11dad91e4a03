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
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
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
) -> list[Projection]:
    """The engine's result for ``employees`` in ``period``, per plan, from the latest pull of a closed or
    pulled quarter, else from the latest scores (live). ``what_if`` changes the inputs first (uncached).

    ``detail=False`` keeps only the payouts and component lines (a leaderboard's needs): the per-customer
    rows, credited deals and warnings of a geo are large and the team page shows none of them.
    Cached under the inputs stamp; one query (the stamp) when cached.
    """
    if what_if is not None:
        return compute(period, employees, what_if=what_if, employee_id=employee_id)
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
    """``project`` without the cache: load the inputs of ``employees`` and run the engine, per plan."""
    from commissions.services.pulls import latest_pull

    pull = latest_pull(period)
    projections = []
    wanted = set(employees)
    for plan in plans_for(period, employees):
        # Only the plan's own CSMs among them: the engine pays no one else, so no other book is loaded.
        members = [pk for pk in plan_members(plan, period) if pk in wanted]
        try:
            inputs = load_quarter(plan=plan, period=period, pull=pull, employees=members)
            if what_if is not None:
                inputs = what_if.apply(inputs, employee_id)
            projections.append(Projection(plan=plan, result=calculate_quarter(inputs)))
        except AttainError as exc:
            projections.append(Projection(plan=plan, result=None, error=str(exc)))
    return projections


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
