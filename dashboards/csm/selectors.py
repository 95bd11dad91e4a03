"""Read paths of the CSM's "My quarter" page: the person shown, their book with its live status, the
engine's projection, the quarter's credited deals, score trends and past statements.

Every function runs a fixed number of queries whatever the size of the book (no per-customer queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.access import employees_visible_to, get_visible, is_csm
from accounts.models import Role, User
from adoption.access import book_of
from adoption.models import Customer, ScoreObservation, Snapshot, TargetLine
from commissions.access import payouts_visible_to
from commissions.engine.adoption import HELD_HARMLESS
from commissions.models import Payout, Period, Run
from core import formatting as fmt
from core.calendar import CalendarError, FiscalQuarter, not_a_quarter
from dashboards.projection import Projection, current_period

ON_TRACK = Decimal("0.7")
CHANGE_DAYS = 30
TREND_DAYS = 90
SCORE_PLACES = Decimal("0.01")


def csm_shown(viewer: User, employee_id: str | None) -> User:
    """The CSM whose page ``viewer`` opens: themselves at /my/, anyone in scope at /my/<id>/, else 404."""
    if employee_id is None:
        if not is_csm(viewer):
            raise Http404("You have no book of your own.")
        return viewer
    return get_visible(employees_visible_to(viewer), employee_id=employee_id)


def csms_visible_to(viewer: User) -> list[User]:
    """The CSMs a CSVP, the CCO, finance, ops or an admin may open."""
    people = employees_visible_to(viewer).filter(roles__role=Role.CSM).exclude(employee_id=None)
    return list(people.order_by("name").distinct())


def period_shown(code: str | None) -> Period:
    """The tracked quarter: ``?period=`` when it names a known quarter already started, else today's.

    Raises ``Http404`` with a sentence naming the problem (shown on the 404 page, config.middleware) when
    the code is not a quarter code (``FY27-Q9``, ``bogus``), names no quarter known here, or names one
    that has not started yet (nothing to read there).
    """
    if not code or not code.strip():
        return current_period()
    written = code.strip()
    code = written.upper()
    try:
        FiscalQuarter.parse(code)
    except CalendarError:
        raise Http404(not_a_quarter(written)) from None
    period = Period.objects.filter(code=code).first()
    if period is None:
        raise Http404(f"There is no quarter {code} here.")
    if period.start > timezone.localdate():
        raise Http404(f"{code} has not started yet: it opens on {fmt.iso_date(period.start)}.")
    return period


def as_of_day(period: Period) -> date:
    """Scores are read as of today for the open quarter, as of its last day once it has ended."""
    return min(timezone.localdate(), period.end)


def status_of(*, target, score, r, reason: str) -> str:
    """A customer's status on the page (issue 5 §1), first rule that holds:

    - ``no target``: no target assigned for the quarter (or not in the snapshot);
    - ``no score``: no score observed yet;
    - ``met``: score ≥ target;
    - ``held harmless``: the engine leaves it out as new or newly expanded below target (DESIGN §4.3);
    - ``on track``: r ≥ 0.7 (the engine's r, else progress (a − b)/(t − b));
    - ``at risk``: otherwise.
    """
    if target is None:
        return "no target"
    if score is None:
        return "no score"
    if score >= target:
        return "met"
    if reason == HELD_HARMLESS:
        return "held harmless"
    return "on track" if r is not None and r >= ON_TRACK else "at risk"


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(SCORE_PLACES)


def _progress(baseline, target, score) -> Decimal | None:
    if baseline is None or target is None or score is None:
        return None
    if target > baseline:
        return (score - baseline) / (target - baseline)
    return Decimal(1) if score >= target else Decimal(0)


def engine_customers(projections: list[Projection], employee_id: str) -> dict[str, dict]:
    """customer_id -> the engine's row (r, counted, reason, weight) from the first plan measuring adoption."""
    by_plan = engine_customers_by_plan(projections, employee_id)
    return next(iter(by_plan.values()), {})


def engine_customers_by_plan(projections: list[Projection], employee_id: str) -> dict[str, dict[str, dict]]:
    """plan code -> (customer_id -> the engine's row) for every plan measuring adoption that has the CSM's
    customers, in the projections' order (by plan code)."""
    found: dict[str, dict[str, dict]] = {}
    for projection in projections:
        result = projection.result
        if result is None or result.customers.empty:
            continue
        rows = result.customers[result.customers["employee_id"] == employee_id]
        if not rows.empty:
            found[projection.plan.code] = {row["customer_id"]: row for row in rows.to_dict("records")}
    return found


def _engine_fields(target, score, r, row: dict) -> dict[str, Any]:
    """A customer's r, status, "counts now" and why, from one plan's engine row (empty: no engine row)."""
    reason = row.get("reason", "") if row else ""
    return {
        "r": r,
        "status": status_of(target=target, score=score, r=r, reason=reason),
        "counts": ("yes" if row.get("counted") else "no") if row else "",
        "reason": reason,
    }


def rows_per_plan(book: list[dict[str, Any]], by_plan: dict[str, dict[str, dict]]) -> list[dict[str, Any]]:
    """The customer table's rows: ``book`` as it is for a CSM with one plan measuring adoption; with more,
    one row per customer and plan (``plan``: its code), each with that plan's r, status, counts and why —
    plans may disagree, e.g. on held harmless when they credit expansions by different dates (DESIGN §3
    "Plans", §4.3)."""
    if len(by_plan) < 2:
        return book
    rows = []
    for row in book:
        for code, engine in by_plan.items():
            found = engine.get(row["customer_id"], {})
            r = found.get("r") if found else _progress(row["baseline"], row["target"], row["score"])
            rows.append({**row, "plan": code, **_engine_fields(row["target"], row["score"], r, found)})
    return rows


def book_rows(csm: User, period: Period, engine: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per customer of the book at the quarter's end, with its live status. Two queries."""
    day = as_of_day(period)
    scores = ScoreObservation.objects.filter(customer=OuterRef("pk")).order_by("-as_of")
    customers = (
        Customer.objects.filter(pk__in=book_of([csm.pk], period.end))
        .annotate(
            latest=Subquery(scores.filter(as_of__lte=day).values("score")[:1]),
            latest_on=Subquery(scores.filter(as_of__lte=day).values("as_of")[:1]),
            earlier=Subquery(scores.filter(as_of__lte=day - timedelta(days=CHANGE_DAYS)).values("score")[:1]),
        )
        .order_by("name")
    )
    targets = {
        customer_id: (baseline, target)
        for customer_id, baseline, target in TargetLine.objects.filter(
            snapshot__fiscal_year=period.fiscal_year,
            snapshot__status=Snapshot.Status.APPROVED,
            period=period.code,
            customer__in=book_of([csm.pk], period.end),
        ).values_list("customer__customer_id", "baseline_score", "target_score")
    }
    rows = []
    for customer in customers:
        # A score subquery comes back with the database's precision: scores have two places.
        customer.latest, customer.earlier = _score(customer.latest), _score(customer.earlier)
        baseline, target = targets.get(customer.customer_id, (None, None))
        row = engine.get(customer.customer_id, {})
        r = row.get("r") if row else _progress(baseline, target, customer.latest)
        rows.append(
            {
                "pk": customer.pk,
                "customer_id": customer.customer_id,
                "name": customer.name,
                "baseline": baseline,
                "target": target,
                "score": customer.latest,
                "score_on": customer.latest_on,
                "gap": target - customer.latest
                if target is not None and customer.latest is not None
                else None,
                "change": customer.latest - customer.earlier
                if customer.latest is not None and customer.earlier is not None
                else None,
                **_engine_fields(target, customer.latest, r, row),
            }
        )
    return rows


def score_trends(book: list[dict[str, Any]], period: Period) -> dict[str, list[tuple[date, Decimal]]]:
    """Customer name -> (as_of, score) over the last 90 days before the as-of day. One query."""
    day = as_of_day(period)
    names = {row["pk"]: row["name"] for row in book}
    trends: dict[str, list[tuple[date, Decimal]]] = {name: [] for name in names.values()}
    observations = ScoreObservation.objects.filter(
        customer_id__in=list(names), as_of__gt=day - timedelta(days=TREND_DAYS), as_of__lte=day
    ).order_by("customer_id", "as_of")
    for customer_pk, as_of, score in observations.values_list("customer_id", "as_of", "score"):
        trends[names[customer_pk]].append((as_of, score))
    return trends


@dataclass
class PlanProjection:
    """One plan's projected lines and payout for the CSM shown."""

    plan_code: str
    plan_name: str
    currency: str
    error: str = ""
    oti: Decimal | None = None
    total: Decimal | None = None
    components: list[dict[str, Any]] = field(default_factory=list)
    deals: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def plan_projections(projections: list[Projection], employee_id: str) -> list[PlanProjection]:
    """The engine's projection of each plan narrowed to one CSM (no queries: plans are loaded)."""
    shown = []
    for projection in projections:
        plan = projection.plan
        item = PlanProjection(plan.code, plan.name, plan.currency, error=projection.error)
        result = projection.result
        if result is not None:
            payouts = result.payouts[result.payouts["employee_id"] == employee_id]
            if not payouts.empty:
                item.oti, item.total = payouts.iloc[0]["oti"], payouts.iloc[0]["total"]
            lines = result.components[result.components["employee_id"] == employee_id]
            item.components = [{"plan": plan.code, **line} for line in lines.to_dict("records")]
            if not result.deals.empty and "employee_id" in result.deals:
                deals = result.deals[result.deals["employee_id"] == employee_id]
                item.deals = [{"plan": plan.code, **deal} for deal in deals.to_dict("records")]
            item.warnings = [w.message for w in result.warnings if w.employee_id in ("", employee_id)]
        shown.append(item)
    return shown


def plan_components(projections: list[Projection]) -> list[dict[str, Any]]:
    """The components of the projected plans (plan, code, metric, kpi, cap). One query."""
    from commissions.models import Component

    components = Component.objects.filter(plan_id__in=[p.plan.pk for p in projections]).order_by(
        "plan__code", "position", "id"
    )
    return list(components.values("plan__code", "code", "metric", "kpi", "cap"))


def book_choices(csm: User, period: Period) -> list[tuple[str, str]]:
    """(customer_id, label) of the book at the quarter's end, for the what-if form. One query."""
    customers = Customer.objects.filter(pk__in=book_of([csm.pk], period.end))
    return [
        (cid, f"{name} ({cid})")
        for cid, name in customers.order_by("name").values_list("customer_id", "name")
    ]


def past_statements(viewer: User, csm: User) -> list[Payout]:
    """The CSM's payouts of final runs and of the latest successful run of each plan and quarter."""
    payouts = (
        payouts_visible_to(viewer)
        .filter(employee=csm, run__status=Run.Status.SUCCEEDED)
        .select_related("run__plan", "run__period")
        .order_by("-run__period__start", "run__plan__code", "-run__version")
    )
    shown, latest_seen = [], set()
    for payout in payouts:
        key = (payout.run.plan_id, payout.run.period_id)
        if payout.run.is_final or key not in latest_seen:
            shown.append(payout)
        latest_seen.add(key)
    return shown
