"""Database → engine inputs, in a handful of bulk queries (STYLE: data flows one way)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Q

from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from core.calendar import FiscalYear
from core.errors import AttainError
from core.fiscal import calendar

from . import hooks
from .book_scope import BookScope, book_scope
from .engine import ComponentSpec, EscalatorSpec, PlanSpec, QuarterInputs, empty
from .engine.builtin_metrics import is_attainment, is_builtin
from .engine.crossing import covered
from .engine.tables import clean, frame
from .models import (
    Assignment,
    Deal,
    FxRate,
    KpiActual,
    Period,
    PersonMetric,
    Plan,
    PulledScore,
    ScorePull,
)


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
            source=c.source,
            measure=c.measure,
            direction=c.direction,
            ceiling=c.ceiling,
        )
        for c in plan.components.order_by("position", "id")
    )
    return PlanSpec(
        code=plan.code,
        currency=plan.currency,
        components=components,
        credit_date=plan.credit_date,
        credit_date_by_type=tuple(sorted((plan.credit_date_by_type or {}).items())),  # issue 20
        new_customer_window_days=plan.new_customer_window_days,
        formula=plan.adoption_formula,
        weighting=plan.adoption_weighting,
        customer_cap=plan.customer_cap,
        escalators=tuple(
            EscalatorSpec(
                code=e["code"],
                metric=e["metric"],
                at_least=Decimal(e["at_least"]),
                multiplier=Decimal(e["multiplier"]),
                over=e["over"],
                applies_to=e["applies_to"],
            )
            for e in plan.escalators or ()  # as load_plan stored them (docs/design.md §11.2)
        ),
    )


def load_quarter(
    *, plan: Plan, period: Period, pull: ScorePull | None, employees: Collection[int] | None = None
) -> QuarterInputs:
    """The inputs of ``plan`` for ``period``: scores from ``pull`` (None: latest observations, live).

    ``employees`` (user ids) narrows the inputs to those CSMs and the customers they own at the quarter's
    end: a run loads its plan's members (``plan_members``), a dashboard one CSM or a geo. Raises
    ``AttainError`` when the plan measures adoption and its fiscal year has no approved snapshot.
    """
    return load(plan=plan, period=period, pull=pull, employees=employees).inputs


@dataclass(frozen=True)
class Loaded:
    """A load's engine inputs, and the database keys of its customers (customer_id → pk) for writing
    the results without looking them up again."""

    inputs: QuarterInputs
    customer_keys: dict[str, int]


def load(
    *, plan: Plan, period: Period, pull: ScorePull | None, employees: Collection[int] | None = None
) -> Loaded:
    """``load_quarter``, with the customer keys: what a run needs."""
    spec = plan_spec(plan)
    with book_scope(employees, period.end) as scope:
        inputs = _load(plan, spec, period, pull, scope)
    return Loaded(inputs=inputs, customer_keys={code: pk for pk, code in scope.codes.items()})


def _load(
    plan: Plan, spec: PlanSpec, period: Period, pull: ScorePull | None, scope: BookScope
) -> QuarterInputs:
    start, end = period.start, period.end
    window_start = end - timedelta(days=spec.new_customer_window_days)
    adoption = any(c.metric == "adoption" for c in spec.components)
    deals = Deal.objects.filter(
        Q(booked_on__range=(min(start, window_start), end))
        | Q(effective_on__range=(min(start, window_start), end))
    )
    kpis, kpi_days = _kpis(plan, spec, period, scope)
    deal_rows = scope.table(
        "deals",
        scope.book(deals)
        .order_by()
        .values_list("deal_id", "customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on"),
    )
    year_start = calendar().year_start(FiscalYear.parse(plan.fiscal_year))
    assignments = frame(
        "assignments",
        scope.people(plan_assignments(plan, period)).values_list(
            "employee__employee_id", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"
        ),
    )
    # Rows are read unordered (no sort in the database): the engine's as-of lookups go by natural keys
    # and it sorts the credited deals itself.
    return QuarterInputs(
        period=period.code,
        start=start,
        end=end,
        plan=spec,
        assignments=assignments,
        ownership=scope.table(
            "ownership",
            scope.book(Ownership.objects.filter(start_date__lte=end))
            .order_by()
            .values_list("customer_id", "employee__employee_id", "start_date"),
        ),
        # Customers, targets and scores only enter adoption (DESIGN §4.3): other plans skip them.
        customers=frame(
            "customers",
            scope.book(Customer.objects, "pk").order_by().values_list("customer_id", "start_date"),
        )
        if adoption
        else empty("customers"),
        targets=_targets(plan, period, scope) if adoption else empty("targets"),
        scores=_scores(pull, end, scope) if adoption else empty("scores"),
        arr=scope.table(
            "arr",
            scope.book(ArrRecord.objects.filter(as_of__lte=end))
            .order_by()
            .values_list("customer_id", "as_of", "arr", "currency"),
        ),
        deals=deal_rows,
        kpis=kpis,
        kpi_days=kpi_days,
        fx=dict(FxRate.objects.filter(period=period.code).values_list("currency", "rate")),
        # Exceptions and extra credit change adoption only (DESIGN §4.3): a plan without it does not read
        # them, so a request applied in the quarter does not change its inputs' fingerprint.
        adjustments=_adjustments(period, scope) if adoption else empty("adjustments"),
        base_currency=settings.BASE_CURRENCY,
        person_metrics=_person_metrics(plan, spec, period, scope),
        year_start=year_start,
        prior_rules=_prior_rules(plan, spec, period, scope, deal_rows, assignments, year_start),
    )


def _prior_rules(
    plan: Plan,
    spec: PlanSpec,
    period: Period,
    scope: BookScope,
    deals: pd.DataFrame,
    assignments: pd.DataFrame,
    year_start,
) -> pd.DataFrame:
    """The credit-date rules of the members' other plans that can change a credit date (DESIGN §3 "Plans":
    the plan a person was on at a deal's earlier date — or, in a gap between two plans of that date's
    fiscal year, the plan they were on last — decides: an earlier year's plan, or, within the year, the
    plan they moved from or to; ``engine.crossing``).

    Only the deals whose earlier date a member was not on this plan at are looked at (``assignments``:
    the plan's rows of the quarter, the inputs' table; a member is on it from its year's first day or
    their assignment's first day, to its last day). For the quarter of each one's earlier date, a
    member's assignments to the other plans of that quarter's fiscal year give a row each — with the
    member's days on it within that quarter — and, for an earlier date in a gap of theirs between two
    assignments, the plan they were on last before it gives one covering the gap's days within that
    quarter (``last_before``), when one of them credits the deal's type by another date than this plan
    does. A plan's assignment counts within its fiscal year only. None in
    the usual case: the inputs and their fingerprint stay as they were. One query per such quarter."""
    if deals.empty:
        return empty("prior_rules")
    spans: dict[str, list] = {}
    for employee, start, end in assignments[["employee_id", "start_date", "end_date"]].itertuples(
        index=False
    ):
        start, end = clean(start), clean(end)
        spans.setdefault(employee, []).append((max(year_start, start) if start else year_start, end))
    kinds_on: dict = {}  # a deal's earlier date → the types of the deals dated so
    for kind, booked, effective in deals[["type", "booked_on", "effective_on"]].itertuples(index=False):
        if booked is not None and effective is not None and booked != effective:
            kinds_on.setdefault(min(booked, effective), set()).add(kind)
    distinct = {tuple(days) for days in spans.values()}  # few: most members share their days
    crossing: dict = {}  # quarter → {earlier date → types}
    for day, kinds in kinds_on.items():
        if any(not covered(day, days) for days in distinct):
            crossing.setdefault(calendar().period_of(day), {})[day] = kinds
    if not crossing:
        return empty("prior_rules")
    members = scope.people(plan_assignments(plan, period)).values("employee_id")
    groups: dict[tuple, set] = {}  # (employee, quarter, type) → {(plan, its date for the type, first, last)}
    for quarter, days in sorted(crossing.items(), key=lambda item: item[0].code):
        first, last = calendar().bounds(quarter)
        year_first = calendar().year_start(quarter.fy)
        held = (
            Assignment.objects.filter(
                employee_id__in=members, plan__fiscal_year=quarter.fy.code, start_date__lte=last
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=year_first))
            .select_related("plan", "employee")
            .order_by()
        )
        by_person: dict[str, list] = {}
        for assignment in held:
            by_person.setdefault(assignment.employee.employee_id, []).append(assignment)
        kinds = set().union(*days.values())
        for employee_id, theirs in by_person.items():
            rows = {
                (a.plan, max(first, a.start_date), min(last, a.end_date) if a.end_date else last, kind, False)
                for a in theirs
                if a.plan_id != plan.pk and (a.end_date is None or a.end_date >= first)
                for kind in kinds
            }
            for day, day_kinds in days.items():
                gap = _gap_around(theirs, day)
                if gap is not None and gap[0].plan_id != plan.pk:
                    since, until = max(first, gap[1]), min(last, gap[2]) if gap[2] else last
                    rows |= {(gap[0].plan, since, until, kind, True) for kind in day_kinds}
            for other, since, until, kind, last_before in rows:
                when = (other.credit_date_by_type or {}).get(kind, other.credit_date)
                key = (employee_id, quarter.code, kind)
                groups.setdefault(key, set()).add((other.code, when, since, until, last_before))
    # A person's other plans are kept together when one of them disagrees with this plan: the engine
    # must see the one that credits the deal first, agreeing or not.
    rows = [
        (eid, code, quarter, since, until, kind, when, last_before)
        for (eid, quarter, kind), rules in groups.items()
        if any(when != spec.credit_date_of(kind) for _, when, _, _, _ in rules)
        for code, when, since, until, last_before in rules
    ]
    return frame("prior_rules", sorted(rows))


def _gap_around(assignments: list, day) -> tuple | None:
    """When ``day`` falls in a gap of a person's ``assignments`` (one fiscal year's) after one of them:
    the assignment they were on last, and the gap's first and last days (None: no later assignment);
    else None."""
    if any(a.start_date <= day and (a.end_date is None or day <= a.end_date) for a in assignments):
        return None
    ended = [a for a in assignments if a.end_date is not None and a.end_date < day]
    if not ended:
        return None
    last = max(ended, key=lambda a: a.end_date)
    later = [a.start_date for a in assignments if a.start_date > day]
    return last, last.end_date + timedelta(days=1), min(later) - timedelta(days=1) if later else None


def _person_metrics(plan: Plan, spec: PlanSpec, period: Period, scope: BookScope) -> pd.DataFrame:
    """The quarter's values of the metrics the plan's escalators read (docs/design.md §11.2), for the
    people the plan pays in it; none for a plan without escalators (its inputs stay as they were).

    Imported codes are read from ``PersonMetric``; the built-in daily metrics (``kpi.<code>``,
    ``scorecard_average``, §11.1) through the one reader, ``stored_metric_values``, into the same table.
    The quarter's ``attainment`` is read by nobody here: the engine has it."""
    metrics = sorted({e.metric for e in spec.escalators})
    imported = [m for m in metrics if not is_builtin(m)]
    daily = [m for m in metrics if is_builtin(m) and not is_attainment(m)]
    if not imported and not daily:
        return empty("person_metrics")
    people = scope.people(plan_assignments(plan, period)).values("employee_id")
    rows = PersonMetric.objects.filter(
        employee_id__in=people, metric__in=imported, date__range=(period.start, period.end)
    )
    values = list(rows.order_by().values_list("employee__employee_id", "metric", "date", "value"))
    if daily:
        from .services.person_metrics import stored_metric_values  # only plans gating on one read them

        ids = dict(people.order_by().values_list("employee_id", "employee__employee_id").distinct())
        for metric in daily:
            found = stored_metric_values(
                metric=metric, employees=sorted(ids), first=period.start, last=period.end
            )
            values += [(ids[v.employee], metric, v.day, v.value) for v in found]
    return frame("person_metrics", values)


def _kpis(plan: Plan, spec: PlanSpec, period: Period, scope: BookScope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI values the plan's components read (DESIGN §4.5), and the stored days of the computed ones.

    Imported KPIs are the quarter's KPI actuals. A computed KPI is the CSM's book's value of the daily
    portfolio KPIs (``adoption.portfolio.kpi_selectors.book_kpi_values``) over the quarter, by the
    component's measure; KPI actuals under a computed KPI's code are not read. A CSM whose value is
    None (the quarter's last day not stored, or stored without a value) has no row: the engine warns,
    attainment 0.
    """
    actuals = scope.people(KpiActual.objects.filter(period=period.code))
    computed = {c.kpi: c.measure for c in spec.components if c.metric == "kpi" and c.source == "computed"}
    if not computed:
        return frame("kpis", actuals.values_list("employee__employee_id", "kpi", "value")), empty("kpi_days")
    from adoption.portfolio.kpi_selectors import book_kpi_values  # only plans computing a KPI read it

    rows = list(actuals.exclude(kpi__in=computed).values_list("employee__employee_id", "kpi", "value"))
    people = dict(
        scope.people(plan_assignments(plan, period))
        .order_by()
        .values_list("employee_id", "employee__employee_id")
        .distinct()
    )
    days = []
    for kpi, measure in sorted(computed.items()):
        try:
            values = book_kpi_values(people.keys(), kpi, period.start, period.end, measure)
        except ValueError as exc:  # a code the KPI settings no longer compute
            raise AttainError(
                f"{plan.code} cannot read its computed KPI {kpi} for {period.code}: {exc}"
            ) from exc
        for pk, employee_id in sorted(people.items()):
            found = values.get(pk)
            if found is None:
                continue
            if found.value is not None:
                rows.append((employee_id, kpi, found.value))
            # The quarter-end measure reads the last day only: other days' gaps change nothing it reads.
            gaps = found.missing if measure == "quarter_average" else set(found.missing) & {period.end}
            missing = ",".join(day.isoformat() for day in sorted(gaps))
            days.append((employee_id, kpi, found.days, missing))
    return frame("kpis", rows), frame("kpi_days", days)


def assignments_overlapping(period: Period):
    """Assignments whose dates overlap the quarter (DESIGN §4.2): started by its last day, not ended
    before its first. The one rule of who a plan pays in a quarter; narrow it by plan or by people."""
    return Assignment.objects.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )


def plan_assignments(plan: Plan, period: Period):
    """The plan's assignments overlapping the quarter."""
    return assignments_overlapping(period).filter(plan=plan)


def plans_of_people(period: Period, employees) -> list[Plan]:
    """Plans with an assignment of any of ``employees`` (user ids) overlapping the quarter, by code."""
    overlapping = assignments_overlapping(period).filter(employee_id__in=list(employees))
    return list(Plan.objects.filter(pk__in=overlapping.values("plan_id")).order_by("code"))


def plan_members(plan: Plan, period: Period) -> list[int]:
    """User ids of the CSMs the plan pays in the quarter: a run loads only their books.

    The engine pays and lists no one else (DESIGN §4.2: a CSM's book is what they own on the quarter's
    last day), so a company with several plans loads each plan's share of the data, not all of it.
    """
    return sorted(set(plan_assignments(plan, period).values_list("employee_id", flat=True)))


def _adjustments(period: Period, scope: BookScope) -> pd.DataFrame:
    """Applied exceptions and extra credit of the quarter (DESIGN §4.3), in the order they were applied."""
    rows = [
        row
        for source in hooks.adjustment_sources()
        for row in scope.book(source(period)).values_list("customer_id", "kind", "value")
    ]
    return scope.table("adjustments", rows)


def _targets(plan: Plan, period: Period, scope: BookScope) -> pd.DataFrame:
    snapshot = Snapshot.objects.filter(fiscal_year=plan.fiscal_year, status=Snapshot.Status.APPROVED).first()
    if snapshot is None:
        raise AttainError(
            f"The target snapshot of {plan.fiscal_year} is not approved: a cco approves it before "
            f"{plan.code} can be calculated."
        )
    lines = scope.book(TargetLine.objects.filter(snapshot=snapshot, period=period.code))
    return scope.table(
        "targets", lines.order_by().values_list("customer_id", "baseline_score", "target_score")
    )


def _scores(pull: ScorePull | None, end, scope: BookScope) -> pd.DataFrame:
    if pull is not None:
        rows = (
            scope.book(PulledScore.objects.filter(pull=pull)).order_by().values_list("customer_id", "score")
        )
        return scope.table("scores", rows)
    observed = scope.book(ScoreObservation.objects.filter(as_of__lte=end))
    if connection.vendor == "postgresql":  # the latest per customer, picked by the database (an index)
        latest = observed.order_by("customer_id", "-as_of").distinct("customer_id")
        return scope.table("scores", latest.values_list("customer_id", "score"))
    latest = observed.order_by("customer_id", "-as_of").values_list("customer_id", "score")
    seen: set = set()
    rows = []
    for pk, score in latest.iterator(chunk_size=20000):
        if pk not in seen:
            seen.add(pk)
            rows.append((pk, score))
    return scope.table("scores", rows)


def fingerprint(inputs: QuarterInputs, *, ends_as_read: bool = True, gap_column: bool = True) -> str:
    """SHA-256 of the inputs in a canonical form: the same inputs always give the same fingerprint.

    An assignment's end is hashed as the quarter reads it (``_ends_as_read``): an end on or after the
    quarter's last day is an open end, so moving it within or past the quarter's end changes nothing
    (DESIGN §3 "Frozen and closed data"; ``commissions.closed``). ``ends_as_read=False`` hashes the ends as
    stored: the fingerprint runs made before that rule recorded (``fingerprints``). ``gap_column=False``
    hashes the other plans' credit rules without their ``last_before`` column, as runs recorded them
    before gaps between plans were ruled (DESIGN §3 "Plans"): only when no row covers a gap."""
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
        # Only plans computing a KPI have these rows: every other plan's fingerprint stays as it was.
        *(("kpi_days",) if not inputs.kpi_days.empty else ()),
        # Only plans with escalators read person metrics (docs/design.md §11.2): the table is hashed, even
        # empty, whenever the plan has some; a plan without any keeps its fingerprint.
        *(("person_metrics",) if spec.escalators else ()),
        # Only a deal dated in two fiscal years whose plans disagree gives rows (DESIGN §3 "Plans").
        *(("prior_rules",) if not inputs.prior_rules.empty else ()),
    ):
        table: pd.DataFrame = getattr(inputs, name)
        if name == "assignments" and ends_as_read:
            table = _ends_as_read(table, inputs.end)
        if name == "prior_rules" and not gap_column:
            table = table.drop(columns=["last_before"])
        digest.update(f"\n#{name}:{','.join(table.columns)}:{len(table)}\n".encode())
        if not table.empty:
            # A 64-bit hash per row, sorted: the order rows come from the database does not matter.
            digest.update(_row_hashes(table).tobytes())
    return digest.hexdigest()


def fingerprints(inputs: QuarterInputs) -> set[str]:
    """Every fingerprint a run with these inputs may have recorded: today's (``fingerprint``), the one
    runs recorded before assignment ends were hashed as read, and — when no other plan's rule covers a
    gap — the ones recorded before gaps between plans were ruled. What a closed quarter's check compares
    with its final run's, so a quarter closed before those rules can still be restated."""
    found = {fingerprint(inputs), fingerprint(inputs, ends_as_read=False)}
    rules = inputs.prior_rules
    if not rules.empty and not any(value is True for value in rules["last_before"]):
        found |= {fingerprint(inputs, ends_as_read=ends, gap_column=False) for ends in (True, False)}
    return found


def _ends_as_read(assignments: pd.DataFrame, end) -> pd.DataFrame:
    """``assignments`` with each end as a quarter ending on ``end`` reads it: None (open) when it is
    missing or on or after ``end`` — the assignment runs to the quarter's end either way
    (``engine.payout.overlap_days``) — else the date. Open ends stay as they were hashed before."""
    if assignments.empty:
        return assignments
    ends = [None if e is None or e >= end else e for e in map(clean, assignments["end_date"])]
    return assignments.assign(end_date=pd.Series(ends, index=assignments.index, dtype=object))


_MIX = np.uint64(0x100000001B3)


def _row_hashes(table: pd.DataFrame) -> np.ndarray:
    """Sorted 64-bit hashes of the rows, combined column by column from each value's text.

    pandas turns only a column's distinct values into text (dates and money repeat a lot); equal
    Decimals hash alike, which holds because a database column returns its values at one scale.
    """
    rows = np.zeros(len(table), dtype=np.uint64)
    for column in table.columns:
        rows = rows * _MIX ^ pd.util.hash_array(table[column].to_numpy(dtype=object))
    rows.sort()
    return rows
