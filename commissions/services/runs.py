"""Calculation runs (DESIGN §4 "A calculation run is versioned…")."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError, Conflict
from webhooks import events as webhook_events

from ..bulk import insert_rows
from ..engine import QuarterResult, calculate_quarter
from ..loaders import Loaded, fingerprint, load, plan_members
from ..models import ComponentResult, CustomerResult, Payout, Period, Plan, Run, ScorePull
from .periods import period_lock, require_open, require_quarter_of, require_started
from .pulls import first_pull_day, latest_pull


@dataclass
class Calculation:
    """What ``calculate`` did: the run (new, or the existing one with the same inputs) and payout changes."""

    run: Run
    created: bool
    previous: Run | None = None
    changes: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)


def calculate(
    *, period: Period, plan: Plan, user: User | None = None, trigger: str = "command"
) -> Calculation:
    """Calculate ``plan`` for ``period`` as a new versioned run, unless a run with the same inputs exists.

    Holds the period lock for the whole calculation, so two calculations of a quarter never overlap.
    The run row and its progress are committed as it goes; its results, in one transaction at the end.
    A failure marks the run failed with its error and leaves no results; the error is raised again.
    Raises ``NotAllowed`` unless ``user`` may calculate (None: the schedule), ``PeriodClosed`` on a closed
    quarter and ``AttainError`` without a score pull.
    """
    access.require(access.may_calculate(user, period))
    with period_lock(period):
        started = time.perf_counter()
        loaded, digest, existing = prepare(period=period, plan=plan)
        prepared = time.perf_counter()
        if existing is not None:
            return Calculation(run=existing, created=False)
        run = start_run(plan=plan, period=period, user=user, trigger=trigger, digest=digest)
        if run is None:  # a concurrent caller made it first (SQLite has no advisory lock)
            return Calculation(run=concurrent_run(plan, period, digest), created=False)
        try:
            result = calculate_quarter(loaded.inputs)
            _progress(run, 60)
            computed = time.perf_counter()
            with transaction.atomic():
                write_results(run, result, customer_keys=loaded.customer_keys)
                timings = {
                    "load_ms": _ms(started, prepared),
                    "calculate_ms": _ms(prepared, computed),
                    "write_ms": _ms(computed, time.perf_counter()),
                }
                Run.objects.filter(pk=run.pk).update(
                    status=Run.Status.SUCCEEDED,
                    progress=100,
                    finished_at=timezone.now(),
                    timings=timings,
                    warnings=[warning_row(w) for w in result.warnings],
                )
                webhook_events.run_finished(run)  # sent once the results commit
        except Exception as exc:
            Run.objects.filter(pk=run.pk).update(
                status=Run.Status.FAILED, error=str(exc), finished_at=timezone.now()
            )
            webhook_events.run_finished(run)
            raise
    return finished(run)


def finished(run: Run) -> Calculation:
    """The Calculation of a run that has just finished: its previous version and the payout changes."""
    run.refresh_from_db()
    previous = (
        Run.objects.filter(
            plan=run.plan, period=run.period, status=Run.Status.SUCCEEDED, version__lt=run.version
        )
        .order_by("-version")
        .first()
    )
    return Calculation(run=run, created=True, previous=previous, changes=payout_changes(previous, run))


def prepare(*, period: Period, plan: Plan) -> tuple[Loaded, str, Run | None]:
    """Load the inputs of a new run and fingerprint them; call with the period lock held.

    Returns what was loaded, the inputs' fingerprint, and the existing run with the same inputs (or None).
    Raises what ``require_calculable`` raises, before anything is loaded or written.
    """
    period.refresh_from_db()
    pull = require_calculable(period, plan)
    loaded = load(plan=plan, period=period, pull=pull, employees=plan_members(plan, period))
    digest = fingerprint(loaded.inputs)
    return loaded, digest, same_inputs(plan, period, digest)


def require_calculable(period: Period, plan: Plan) -> ScorePull | None:
    """The quarter's latest score pull (None: none yet), once past the refusals every calculation shares
    (the command, the console, the API, the queued task, a sharded run), in this order, before anything is
    loaded or written:

    ``AttainError`` for a plan of another fiscal year (``periods.require_quarter_of``: a plan is calculated
    only in its own year's quarters, DESIGN §3 "Plans"); ``PeriodClosed`` on a closed quarter; ``Conflict``
    for a quarter that has not started (``require_started``) and, for a plan with an adoption component, a
    quarter under way without a score pull; ``AttainError`` for an ended quarter without one
    (``require_pull``). A quarter under way is calculated provisionally (DESIGN §5).
    """
    require_quarter_of(period, plan)
    require_open(period, action=f"calculate {plan.code}")
    require_started(period.code, period.start)
    pull = latest_pull(period)
    require_pull(period, plan, pull)
    return pull


def require_pull(period: Period, plan: Plan, pull: ScorePull | None) -> None:
    """Refuse to calculate ``plan`` without a score ``pull`` of ``period`` when the plan has an adoption
    component, saying when the pull can be made: at once for a quarter that is over (``AttainError``), from
    the day after its end for one under way (``Conflict``, HTTP 409 as the pull's own refusal: a pull
    freezes the quarter's last-day scores, DESIGN §2), so an adoption plan has no provisional run before
    then."""
    if pull is not None or not plan.components.filter(metric="adoption").exists():
        return
    if timezone.localdate() > period.end:
        raise AttainError(
            f"No score pull for {period.code}: pull the scores before calculating {plan.code} (the console's "
            f"Pull, pull_scores {period.code}, or POST /api/pulls/)."
        )
    raise Conflict(
        f"{period.code} is under way (it ends {period.end:%Y-%m-%d}): {plan.code} pays on adoption scores, "
        f"so it is calculated once they are pulled, from {first_pull_day(period.end):%Y-%m-%d}, the first "
        "day after the quarter ends."
    )


def same_inputs(plan: Plan, period: Period, digest: str) -> Run | None:
    """The plan's latest run of ``period`` that did not fail (succeeded or running), when its inputs'
    fingerprint is ``digest``; else None: a new run is needed. Only the latest counts — inputs that went
    back to an earlier run's (v2, then v3, then v2's inputs again) make a new version, so the latest run is
    always the one the console reviews, the CSM sees and the close makes final (DESIGN §5)."""
    runs = Run.objects.filter(plan=plan, period=period).exclude(status=Run.Status.FAILED)
    latest = runs.order_by("-version").first()
    return latest if latest is not None and latest.fingerprint == digest else None


def concurrent_run(plan: Plan, period: Period, digest: str) -> Run:
    """The run a concurrent caller made first with the inputs ``digest`` (``start_run`` lost the race);
    raises ``AttainError`` when that run read other inputs: calculate again."""
    run = same_inputs(plan, period, digest)
    if run is None:
        raise AttainError(
            f"{plan.code} {period.code}: another calculation started meanwhile: calculate again."
        )
    return run


@dataclass(frozen=True)
class PlanState:
    """Whether a plan's quarter needs a new run — the one definition calculate, close and the console share.

    A run is current when its inputs' fingerprint equals that of the inputs the plan reads now (its own
    CSMs' books; exceptions and extra credit only where it has adoption): exactly the run ``calculate``
    would return instead of making a new one. ``current`` is that run (succeeded or still running), or
    None; ``latest`` the plan's latest successful run; ``error`` why the inputs cannot be loaded now.
    """

    plan: Plan
    current: Run | None
    latest: Run | None
    error: str = ""
    digest: str = ""  # the fingerprint of the plan's inputs now; empty when not computed

    @property
    def up_to_date(self) -> bool:
        return self.current is not None and self.current.status == Run.Status.SUCCEEDED

    @property
    def summary(self) -> str:
        """The state in words, for the console and close's refusal."""
        code = self.plan.code
        if self.error:
            return f"{code}: {self.error}"
        if self.up_to_date:
            return f"{code}: v{self.current.version} is current"
        if self.current is not None:
            return f"{code}: v{self.current.version} is still running"
        if self.latest is None:
            return f"{code}: no successful run yet"
        return f"{code}: inputs changed since v{self.latest.version}; needs a new run"


def plan_state(*, period: Period, plan: Plan, digest: str | None = None) -> PlanState:
    """The plan's state in ``period``: loads its inputs and fingerprints them (as ``prepare`` does).

    ``digest``, when given, is the fingerprint of the plan's inputs now, known to the caller (a page
    that keeps it under the dashboards' inputs stamp); close never passes one. Call with the period lock
    held when deciding on it (close); a page may call it without. Raises ``PeriodClosed`` on a closed
    quarter and ``AttainError`` when the inputs cannot be loaded.
    """
    runs = Run.objects.filter(plan=plan, period=period)
    latest = runs.filter(status=Run.Status.SUCCEEDED).order_by("-version").first()
    if latest is None and not runs.filter(status=Run.Status.RUNNING).exists():
        return PlanState(plan=plan, current=None, latest=None)  # never calculated: nothing to compare
    if digest is None:
        _, digest, current = prepare(period=period, plan=plan)
    else:
        current = same_inputs(plan, period, digest)
    return PlanState(plan=plan, current=current, latest=latest, digest=digest)


def plan_states(*, period: Period, plans, digests: dict[int, str] | None = None) -> list[PlanState]:
    """``plan_state`` of each of ``plans`` (``digests``: known fingerprints by plan id); one whose inputs
    cannot be loaded carries the error instead."""
    states = []
    for plan in plans:
        try:
            states.append(plan_state(period=period, plan=plan, digest=(digests or {}).get(plan.pk)))
        except AttainError as exc:
            states.append(PlanState(plan=plan, current=None, latest=None, error=exc.message))
    return states


def current_run(*, period: Period, plan: Plan) -> Run | None:
    """The plan's successful run whose inputs are the current ones, or None (a new run is needed)."""
    state = plan_state(period=period, plan=plan)
    return state.current if state.up_to_date else None


def outcome(calc: Calculation) -> str:
    """What ``calculate`` did for one plan, in words: "CS-FY22: v2 made" or "CS-FY22: no new run: …"."""
    run = calc.run
    if calc.created:
        done = "made" if run.status == Run.Status.SUCCEEDED else run.status
        return f"{run.plan.code}: v{run.version} {done}"
    still = " (still running)" if run.status == Run.Status.RUNNING else ""
    return f"{run.plan.code}: no new run: inputs unchanged since v{run.version}{still}"


def start_run(
    *, plan, period, user, trigger, digest, shard_count: int = 0, restates: Run | None = None
) -> Run | None:
    """The next version's run row, running, on the latest pull; None if a concurrent caller made it.

    ``restates``: the final run of a closed quarter this run restates (issue 14): the new run is marked
    a restatement and reads that run's pull."""
    try:
        with transaction.atomic():
            version = (Run.objects.filter(plan=plan, period=period).aggregate(v=Max("version"))["v"] or 0) + 1
            return Run.objects.create(
                plan=plan,
                period=period,
                version=version,
                pull=restates.pull if restates is not None else latest_pull(period),
                is_restatement=restates is not None,
                started_by=user,
                trigger=trigger,
                fingerprint=digest,
                progress=10,
                shard_count=shard_count,
            )
    except IntegrityError:
        return None


def _progress(run: Run, percent: int) -> None:
    Run.objects.filter(pk=run.pk).update(progress=percent)


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)


def warning_row(warning) -> dict:
    return {
        "code": warning.code,
        "message": warning.message,
        "employee_id": warning.employee_id,
        "customer_id": warning.customer_id,
    }


def _jsonable(detail: Any) -> Any:
    """A line's detail for its JSON column: Decimals as their text, in nested lists and mappings too (an
    escalator's entries, docs/design.md §11.2)."""
    if isinstance(detail, dict):
        return {key: _jsonable(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_jsonable(value) for value in detail]
    return str(detail) if isinstance(detail, Decimal) else detail


def write_results(
    run: Run, result: QuarterResult, *, customer_keys: dict[str, int], progress: bool = True
) -> None:
    """Insert the run's per-customer, per-component and per-CSM results (COPY on PostgreSQL).

    ``customer_keys`` (customer_id → pk) are the load's (``loaders.Loaded``): no second lookup.
    Runs in the caller's transaction. A shard writes its CSMs' part of a run the same way.
    """
    employee_ids = set(result.payouts["employee_id"]) | set(result.customers["employee_id"])
    employees = dict(User.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "pk"))
    c = result.customers
    insert_rows(
        CustomerResult._meta.db_table,
        [
            "run_id",
            "employee_id",
            "customer_id",
            "baseline",
            "target",
            "score",
            "r",
            "counted",
            "reason",
            "weight",
        ],
        zip(  # column by column: a third faster than a tuple built per row
            repeat(run.pk, len(c)),
            [employees[eid] for eid in c["employee_id"]],
            [customer_keys[cid] for cid in c["customer_id"]],
            c["baseline"],
            c["target"],
            c["score"],
            c["r"],
            [bool(counted) for counted in c["counted"]],
            c["reason"],
            c["weight"],
            strict=True,
        ),
    )
    if progress:
        _progress(run, 80)
    positions = {code: i for i, code in enumerate(dict.fromkeys(result.components["component"]))}
    insert_rows(
        ComponentResult._meta.db_table,
        ["run_id", "employee_id", *ComponentResult.FIGURES],
        (
            (
                run.pk,
                employees[line["employee_id"]],
                *(
                    positions[line["component"]]
                    if name == "position"
                    else bool(line["applies"])
                    if name == "applies"
                    else _jsonable(line["detail"])
                    if name == "detail"
                    else line[name]
                    for name in ComponentResult.FIGURES
                ),
            )
            for line in result.components.to_dict("records")
        ),
    )
    insert_rows(
        Payout._meta.db_table,
        ["run_id", "employee_id", "on_target_amount", "amount", "currency"],
        (
            (run.pk, employees[eid], oti, total, result.currency)
            for eid, oti, total in zip(
                result.payouts["employee_id"], result.payouts["oti"], result.payouts["total"], strict=True
            )
        ),
    )


def payout_changes(previous: Run | None, run: Run) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(employee_id, before, after) for every CSM of either run, sorted by employee_id."""

    def amounts(r: Run | None) -> dict[str, Decimal]:
        if r is None:
            return {}
        return dict(Payout.objects.filter(run=r).values_list("employee__employee_id", "amount"))

    before, after = amounts(previous), amounts(run)
    return [(eid, before.get(eid), after.get(eid)) for eid in sorted(before.keys() | after.keys())]
