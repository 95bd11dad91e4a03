"""Warm the projection cache: project the whole company once per plan, then store the slice every page
would ask for — each CSM's (``/my/``) and each geo's CSMs (``/team/``) — under the current inputs stamp.

The engine computes each CSM from their own assignment and book only, so the whole company's result
narrowed to some CSMs is what ``project`` computes for those CSMs alone (tests/dashboards_team/
test_projection_cache.py holds this). Slices are keyed exactly as ``project`` keys them, so a page finds
them; a page that finds nothing computes its own slice as before.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Collection

from django.core.cache import cache
from django.db.models import Q

from accounts.models import Role, User
from commissions.engine import QuarterResult, calculate_quarter
from commissions.loaders import load_quarter, plan_members
from commissions.models import Assignment, Period, Plan
from core.errors import AttainError

from .projection import Projection, projection_key, summary
from .stamp import inputs_stamp

logger = logging.getLogger(__name__)

WARM_LOCK_SECONDS = 15 * 60


def narrowed(result: QuarterResult, employee_ids: Collection[str]) -> QuarterResult:
    """``result`` with the rows of ``employee_ids`` only."""
    ids = set(employee_ids)

    def rows(table):
        if table.empty or "employee_id" not in table:
            return table.iloc[0:0] if not table.empty else table
        return table[table["employee_id"].isin(ids)].reset_index(drop=True)

    return dataclasses.replace(
        result,
        customers=rows(result.customers),
        components=rows(result.components),
        payouts=rows(result.payouts),
        deals=rows(result.deals),
        warnings=[w for w in result.warnings if w.employee_id in ids or not w.employee_id],
    )


def split(result: QuarterResult) -> dict[str, QuarterResult]:
    """``result`` narrowed to each CSM, grouping each table once (a company has thousands of CSMs)."""

    def groups(table) -> dict:
        if table.empty or "employee_id" not in table:
            return {}
        return {eid: rows.reset_index(drop=True) for eid, rows in table.groupby("employee_id", sort=False)}

    names = ("customers", "components", "payouts", "deals")
    tables = {name: groups(getattr(result, name)) for name in names}
    empty = {name: getattr(result, name).iloc[0:0].reset_index(drop=True) for name in names}
    warnings: dict[str, list] = defaultdict(list)
    for warning in result.warnings:
        warnings[warning.employee_id].append(warning)
    return {
        eid: dataclasses.replace(
            result,
            **{name: tables[name].get(eid, empty[name]) for name in names},
            warnings=warnings.get(eid, []) + warnings.get("", []),
        )
        for eid in result.payouts["employee_id"]
    }


def _scopes() -> list[tuple[list[int], bool]]:
    """(user ids, detail) of every page to warm: each CSM alone, and each geo's active CSMs."""
    csms = User.objects.filter(roles__role=Role.CSM).exclude(employee_id=None).distinct()
    scopes: list[tuple[list[int], bool]] = [([pk], True) for pk in csms.values_list("pk", flat=True)]
    geos: dict[str, list[int]] = defaultdict(list)
    for pk, geo in csms.filter(is_active=True).values_list("pk", "geo"):
        geos[geo].append(pk)
    scopes += [(pks, False) for pks in geos.values()]
    return scopes


def _at_risk_lists(stamp: str, period: Period) -> dict:
    """Each geo's at-risk list as the team page shows it today with the default gap."""
    from django.utils import timezone

    from .team import selectors

    today = timezone.localdate()
    viewer = User(is_superuser=True, is_active=True)  # sees every geo, as the CCO does; never saved
    return {
        selectors.at_risk_key(stamp, geo, period, today, selectors.DEFAULT_GAP): selectors._at_risk(
            viewer, geo, period, today, selectors.DEFAULT_GAP
        )
        for geo in selectors.known_geos()
    }


def warm(period: Period) -> dict:
    """Store every page's projection of ``period`` for the current inputs stamp. Does nothing when
    another warm of the same stamp ran or runs, or when a plan cannot be projected for the whole company
    (the pages then compute their own slice). Returns what it did."""
    from commissions.services.pulls import latest_pull

    started = time.perf_counter()
    stamp = inputs_stamp()
    if stamp is None or not cache.add(f"dashboards:warm:{stamp}:{period.pk}", 1, WARM_LOCK_SECONDS):
        return {"warmed": 0}
    overlapping = Assignment.objects.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )
    plans_of: dict[int, set[int]] = defaultdict(set)  # user id -> plan ids
    employee_ids: dict[int, str] = {}
    for user_id, plan_id, employee_id in overlapping.values_list(
        "employee_id", "plan_id", "employee__employee_id"
    ):
        plans_of[user_id].add(plan_id)
        employee_ids[user_id] = employee_id
    plans = {
        plan.pk: plan for plan in Plan.objects.filter(pk__in={p for ps in plans_of.values() for p in ps})
    }
    pull = latest_pull(period)
    results: dict[int, QuarterResult] = {}
    for plan in plans.values():
        try:
            members = plan_members(plan, period)  # the plan's own CSMs' books, as a run loads them
            inputs = load_quarter(plan=plan, period=period, pull=pull, employees=members)
            results[plan.pk] = calculate_quarter(inputs)
        except AttainError as exc:
            logger.info("dashboards: not warming %s: %s", plan.code, exc)
            return {"warmed": 0, "error": str(exc)}
    by_csm = {plan_id: split(result) for plan_id, result in results.items()}
    entries = {}
    for users, detail in _scopes():
        ids = [employee_ids[pk] for pk in users if pk in employee_ids]
        shown = sorted(
            {plan_id for pk in users for plan_id in plans_of.get(pk, ())}, key=lambda p: plans[p].code
        )
        projections = []
        for plan_id in shown:
            if len(ids) == 1 and ids[0] in by_csm[plan_id]:
                result = by_csm[plan_id][ids[0]]
            else:
                result = narrowed(results[plan_id], ids)
            projections.append(Projection(plan=plans[plan_id], result=result if detail else summary(result)))
        entries[projection_key(stamp, period, users, detail)] = projections
    entries.update(_at_risk_lists(stamp, period))
    cache.set_many(entries)
    figures = {"warmed": len(entries), "seconds": round(time.perf_counter() - started, 2)}
    logger.info(
        "dashboards: warmed %s projections of %s in %s s", figures["warmed"], period.code, figures["seconds"]
    )
    return figures
