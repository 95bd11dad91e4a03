"""Read paths of the operations console (DESIGN §5 "Quarter close"): a quarter's pulls, runs, their
review (warnings, payout changes from the previous run) and the import history.

Reads a constant number of queries however many runs a quarter has: the runs list defers the warnings
(counted in the database) and only the reviewed runs load theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Func, IntegerField, QuerySet
from django.utils import timezone

from accounts.models import User
from commissions.models import ImportRecord, Payout, Period, Plan, Run, ScorePull
from commissions.services.close import plans_of
from commissions.services.runs import PlanState, plan_states
from core.calendar import FiscalYear
from core.fiscal import calendar
from dashboards.stamp import inputs_stamp

IMPORTS_SHOWN = 50
# The engine's warnings for a component that did not apply (commissions/engine/payout.py).
WEIGHT_WARNINGS = ("component_not_applied", "no_component_applies")


class JSONArrayLength(Func):
    """The length of a JSON array column (SQLite ``json_array_length``, PostgreSQL ``jsonb_array_length``)."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


@dataclass
class Review:
    """One run under review: its warnings and each CSM's payout before (previous run) and after."""

    run: Run
    previous: Run | None
    warnings: list[dict] = field(default_factory=list)
    changes: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)
    # employee_id -> name, for every person the warnings and changes name (shown beside the id).
    names: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> list[tuple[str, Decimal | None, Decimal | None]]:
        return [(eid, before, after) for eid, before, after in self.changes if before != after]

    @property
    def weight_warnings(self) -> list[dict]:
        """Components that did not apply to a CSM, whose weight the others carry (DESIGN §4.7)."""
        return [w for w in self.warnings if w.get("code") in WEIGHT_WARNINGS]


@dataclass
class Console:
    """What the console shows for one quarter."""

    period: Period
    pull: ScorePull | None
    pull_count: int
    plans: list[Plan]
    runs: list[Run]
    reviews: list[Review]
    imports: list[ImportRecord]
    # Per plan, whether its latest results are those of its current inputs (open quarters only).
    states: list[PlanState] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return any(run.status == Run.Status.RUNNING for run in self.runs)

    @property
    def needing_runs(self) -> list[PlanState]:
        return [state for state in self.states if not state.up_to_date]


def default_period_code(today: date | None = None) -> str:
    """The last quarter that has ended (DESIGN §2): the one a close is usually about."""
    return calendar().last_ended_before(today or timezone.localdate()).code


def recent_imports() -> list[ImportRecord]:
    """The latest imports, newest first (the console's import history)."""
    return list(ImportRecord.objects.select_related("user").order_by("-started_at")[:IMPORTS_SHOWN])


def period_codes(*extra: str, today: date | None = None) -> list[str]:
    """Codes of the stored quarters, of every quarter a plan covers that has begun by ``today`` (the console
    shows one before anything ran in it), and ``extra``; newest first."""
    codes = set(Period.objects.values_list("code", flat=True)) | set(extra)
    today = today or timezone.localdate()
    cal = calendar()
    for code in set(Plan.objects.values_list("fiscal_year", flat=True)):
        codes |= {q.code for q in FiscalYear.parse(code).quarters() if cal.bounds(q)[0] <= today}
    return sorted(codes, key=lambda code: (code[2:4], code[-1]), reverse=True)


def runs_of(period: Period) -> QuerySet:
    return (
        Run.objects.filter(period=period)
        .select_related("plan", "started_by")
        .defer("warnings", "timings", "fingerprint")
        .annotate(warning_count=JSONArrayLength("warnings"))
        .order_by("plan__code", "-version")
    )


def previous_of(run: Run, runs: list[Run]) -> Run | None:
    """The latest successful run of the same plan with a lower version (what ``calculate`` compares with)."""
    earlier = [
        r
        for r in runs
        if r.plan_id == run.plan_id and r.status == Run.Status.SUCCEEDED and r.version < run.version
    ]
    return max(earlier, key=lambda r: r.version, default=None)


def console(period: Period, *, run_id: int | None = None) -> Console:
    """The quarter's console; reviews ``run_id`` if it is a run of the quarter, else each plan's latest."""
    runs = list(runs_of(period))
    chosen = [r for r in runs if r.pk == run_id]
    if not chosen:
        latest: dict[int, Run] = {}
        for run in runs:  # ordered by plan, newest version first
            latest.setdefault(run.plan_id, run)
        chosen = list(latest.values())
    warnings = dict(Run.objects.filter(pk__in=[r.pk for r in chosen]).values_list("pk", "warnings"))
    pairs = [(run, previous_of(run, runs)) for run in chosen]
    amounts = _amounts({r.pk for pair in pairs for r in pair if r is not None})
    reviews = [
        Review(
            run=run,
            previous=previous,
            warnings=warnings.get(run.pk) or [],
            changes=_changes(amounts, previous, run) if run.status == Run.Status.SUCCEEDED else [],
        )
        for run, previous in pairs
    ]
    _name_people(reviews)
    pulls = ScorePull.objects.filter(period=period).select_related("started_by").order_by("-id")
    plans = list(plans_of(period))
    return Console(
        period=period,
        pull=pulls.first(),
        pull_count=pulls.count(),
        plans=plans,
        runs=runs,
        reviews=reviews,
        imports=recent_imports(),
        states=[] if period.is_closed else _plan_states(period, plans),
    )


def _name_people(reviews: list[Review]) -> None:
    """Each review's ``names`` of the people its warnings and changes name, in one query for all."""
    ids = {w.get("employee_id") for r in reviews for w in r.warnings} | {
        eid for r in reviews for eid, _before, _after in r.changes
    }
    ids.discard(None)
    ids.discard("")
    names = dict(User.objects.filter(employee_id__in=ids).values_list("employee_id", "name")) if ids else {}
    for review in reviews:
        review.names = names


def _plan_states(period: Period, plans: list[Plan]) -> list[PlanState]:
    """Each plan's state, as calculate and close decide it (``runs.plan_state``: the one test of "current").

    Fingerprinting a plan's inputs loads them all (about a second a plan for 100,000 customers), so the
    fingerprints are kept under the dashboards' inputs stamp, which changes whenever anything a run reads
    changes: a page view costs the stamp and a few run queries. Close never uses the cache.
    """
    stamp = inputs_stamp()
    if stamp is None:
        return plan_states(period=period, plans=plans)
    key = f"console:digests:{stamp}:{period.pk}"
    known = cache.get(key) or {}
    states = plan_states(period=period, plans=plans, digests=known)
    digests = {state.plan.pk: state.digest for state in states if state.digest}
    if digests != known:
        cache.set(key, digests)
    return states


def _amounts(run_ids: set[int]) -> dict[int, dict[str, Decimal]]:
    """Each run's payout per employee id, for all ``run_ids`` in one query."""
    amounts: dict[int, dict[str, Decimal]] = {run_id: {} for run_id in run_ids}
    payouts = Payout.objects.filter(run_id__in=run_ids).values_list(
        "run_id", "employee__employee_id", "amount"
    )
    for run_id, employee_id, amount in payouts:
        amounts[run_id][employee_id] = amount
    return amounts


def _changes(amounts, previous: Run | None, run: Run) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """What ``services.runs.payout_changes(previous, run)`` returns, from amounts read in one query."""
    before, after = (amounts[previous.pk] if previous else {}), amounts[run.pk]
    return [(eid, before.get(eid), after.get(eid)) for eid in sorted(before.keys() | after.keys())]


def weight_warning_count(runs: list[Run]) -> int:
    """How many component lines of ``runs`` did not apply while others carried their weight."""
    count = 0
    for warnings in Run.objects.filter(pk__in=[r.pk for r in runs]).values_list("warnings", flat=True):
        count += sum(1 for w in warnings or [] if w.get("code") in WEIGHT_WARNINGS)
    return count


def latest_run_id(period: Period) -> int:
    """The highest run id of the quarter (0 without runs): the page waits for a run queued after it."""
    return Run.objects.filter(period=period).order_by("-id").values_list("id", flat=True).first() or 0
