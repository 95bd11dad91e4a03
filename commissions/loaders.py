"""Database → engine inputs, in a handful of bulk queries (STYLE: data flows one way)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import timedelta

import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Q

from accounts.access import book_of
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine

from .engine import ComponentSpec, PlanSpec, QuarterInputs, empty
from .errors import AttainError
from .models import Assignment, Deal, FxRate, KpiActual, Plan
from .quarters import Period, PulledScore, ScorePull


def frame(kind: str, rows) -> pd.DataFrame:
    """An engine input table of ``kind`` from an iterable of tuples in the kind's column order."""
    columns = list(empty(kind).columns)
    rows = list(rows)
    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else empty(kind)


def plan_spec(plan: Plan) -> PlanSpec:
    components = tuple(
        ComponentSpec(
            code=c.code,
            metric=c.metric,
            weight=c.weight,
            kpi=c.kpi,
            goal=c.goal,
            floor=c.floor,
            threshold=c.threshold,
            accelerator=c.accelerator,
            cap=c.cap,
        )
        for c in plan.components.order_by("position", "id")
    )
    return PlanSpec(
        code=plan.code,
        currency=plan.currency,
        components=components,
        credit_date=plan.credit_date,
        new_customer_window_days=plan.new_customer_window_days,
        formula=plan.adoption_formula,
        weighting=plan.adoption_weighting,
        customer_cap=plan.customer_cap,
    )


def load_quarter(
    *, plan: Plan, period: Period, pull: ScorePull | None, employees: Collection[int] | None = None
) -> QuarterInputs:
    """The inputs of ``plan`` for ``period``: scores from ``pull`` (None: latest observations, live).

    ``employees`` (user ids) narrows the inputs to those CSMs and the customers they own at the quarter's
    end — what a dashboard needs; a run loads everyone. Raises ``AttainError`` when the plan measures
    adoption and its fiscal year has no approved snapshot.
    """
    spec = plan_spec(plan)
    start, end = period.start, period.end
    window_start = end - timedelta(days=spec.new_customer_window_days)
    scope = _Scope(employees, end)
    assignments = plan_assignments(plan, period)
    deals = Deal.objects.filter(
        Q(booked_on__range=(min(start, window_start), end))
        | Q(effective_on__range=(min(start, window_start), end))
    )
    ownership = Ownership.objects.filter(start_date__lte=end)
    return QuarterInputs(
        period=period.code,
        start=start,
        end=end,
        plan=spec,
        assignments=frame(
            "assignments",
            scope.people(assignments).values_list(
                "employee__employee_id", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"
            ),
        ),
        ownership=frame(
            "ownership",
            scope.book(ownership).values_list("customer__customer_id", "employee__employee_id", "start_date"),
        ),
        customers=frame(
            "customers", scope.book(Customer.objects, "pk").values_list("customer_id", "start_date")
        ),
        targets=_targets(plan, period, spec, scope),
        scores=_scores(pull, end, scope),
        arr=frame(
            "arr",
            scope.book(ArrRecord.objects.filter(as_of__lte=end)).values_list(
                "customer__customer_id", "as_of", "arr", "currency"
            ),
        ),
        deals=frame(
            "deals",
            scope.book(deals).values_list(
                "deal_id",
                "customer__customer_id",
                "type",
                "arr_delta",
                "currency",
                "booked_on",
                "effective_on",
            ),
        ),
        kpis=frame(
            "kpis",
            scope.people(KpiActual.objects.filter(period=period.code)).values_list(
                "employee__employee_id", "kpi", "value"
            ),
        ),
        fx=dict(FxRate.objects.filter(period=period.code).values_list("currency", "rate")),
        adjustments=_adjustments(period, scope),
        base_currency=settings.BASE_CURRENCY,
    )


def plan_assignments(plan: Plan, period: Period):
    """The plan's assignments overlapping the quarter."""
    return Assignment.objects.filter(plan=plan, start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )


def plan_members(plan: Plan, period: Period) -> list[int]:
    """User ids of the CSMs the plan pays in the quarter: a run loads only their books.

    The engine pays and lists no one else (DESIGN §4.2: a CSM's book is what they own on the quarter's
    last day), so a company with several plans loads each plan's share of the data, not all of it.
    """
    return sorted(set(plan_assignments(plan, period).values_list("employee_id", flat=True)))


class _Scope:
    """Narrows querysets to some CSMs and their book at a date; everything when ``employees`` is None."""

    def __init__(self, employees: Collection[int] | None, day):
        self.employees = None if employees is None else list(employees)
        self.customers = None
        if self.employees is not None:
            self.customers = book_of(self.employees, day)

    def people(self, queryset, field: str = "employee_id"):
        return queryset if self.employees is None else queryset.filter(**{f"{field}__in": self.employees})

    def book(self, queryset, field: str = "customer_id"):
        return queryset if self.customers is None else queryset.filter(**{f"{field}__in": self.customers})


def _adjustments(period: Period, scope: _Scope) -> pd.DataFrame:
    """Applied exceptions and extra credit of the quarter (DESIGN §4.3), in the order they were applied."""
    from approvals.models import Request

    applied = scope.book(Request.objects.filter(period=period, status=Request.Status.APPLIED))
    rows = applied.order_by("applied_at", "pk").values_list("customer__customer_id", "kind", "value")
    return frame("adjustments", rows)


def _targets(plan: Plan, period: Period, spec: PlanSpec, scope: _Scope) -> pd.DataFrame:
    if not any(c.metric == "adoption" for c in spec.components):
        return empty("targets")
    snapshot = Snapshot.objects.filter(fiscal_year=plan.fiscal_year, status=Snapshot.Status.APPROVED).first()
    if snapshot is None:
        raise AttainError(
            f"The target snapshot of {plan.fiscal_year} is not approved: a cco approves it before "
            f"{plan.code} can be calculated."
        )
    lines = scope.book(TargetLine.objects.filter(snapshot=snapshot, period=period.code))
    return frame("targets", lines.values_list("customer__customer_id", "baseline_score", "target_score"))


def _scores(pull: ScorePull | None, end, scope: _Scope) -> pd.DataFrame:
    if pull is not None:
        rows = scope.book(PulledScore.objects.filter(pull=pull)).values_list("customer__customer_id", "score")
        return frame("scores", rows)
    observed = scope.book(ScoreObservation.objects.filter(as_of__lte=end))
    if connection.vendor == "postgresql":  # the latest per customer, picked by the database (an index)
        latest = observed.order_by("customer_id", "-as_of").distinct("customer_id")
        return frame("scores", latest.values_list("customer__customer_id", "score"))
    latest = observed.order_by("customer_id", "-as_of").values_list(
        "customer__customer_id", "score", "customer_id"
    )
    seen: set = set()
    rows = []
    for customer_id, score, pk in latest.iterator(chunk_size=20000):
        if pk not in seen:
            seen.add(pk)
            rows.append((customer_id, score))
    return frame("scores", rows)


def fingerprint(inputs: QuarterInputs) -> str:
    """SHA-256 of the inputs in a canonical form: the same inputs always give the same fingerprint."""
    digest = hashlib.sha256()
    spec = inputs.plan
    digest.update(
        repr(
            (inputs.period, inputs.start, inputs.end, spec, sorted(inputs.fx.items()), inputs.base_currency)
        ).encode()
    )
    for name in (
        "assignments",
        "ownership",
        "customers",
        "targets",
        "scores",
        "arr",
        "deals",
        "kpis",
        "adjustments",
    ):
        table: pd.DataFrame = getattr(inputs, name)
        digest.update(f"\n#{name}:{','.join(table.columns)}:{len(table)}\n".encode())
        if not table.empty:
            # A 64-bit hash per row, sorted: the order rows come from the database does not matter.
            rows = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy(copy=True)
            rows.sort()
            digest.update(rows.tobytes())
    return digest.hexdigest()
