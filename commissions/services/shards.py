"""Sharded runs: one calculation split by CSM into shards that several workers calculate at once.

A CSM's payout depends only on their own book (the customers they own at the quarter's end, DESIGN
§4.2), their assignment and their KPIs, so the CSMs of a run can be split into shards calculated
apart and the union of the shards' results is the run a single process would make. PostgreSQL is the
only shared state:

1. ``plan_sharded_run`` (period lock held): the same refusals, inputs and fingerprint as ``calculate``,
   then the run row (``shard_count`` = N) and N ``RunShard`` rows, CSMs balanced by book size.
2. ``calculate_shard`` (one task per shard, any worker): loads the shard's CSMs' inputs, runs the
   engine, and in ONE transaction writes their results and marks the shard done. A worker killed
   mid-shard leaves nothing, and the redelivered task starts over; a shard already done is skipped.
3. The shard that finds every shard done marks the run succeeded (row lock on the run, so exactly one).

A shard that fails for good fails the run and removes its partial results (``fail_run``).
"""

from __future__ import annotations

import time
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError
from webhooks import events as webhook_events

from ..engine import QuarterInputs, calculate_quarter
from ..engine.tables import owners_at
from ..loaders import load
from ..models import ComponentResult, CustomerResult, Payout, Period, Plan, Run, RunShard
from .periods import period_lock, require_open
from .runs import Calculation, concurrent_run, prepare, start_run, warning_row, write_results

MAX_SHARDS = 64


def plan_sharded_run(
    *, period: Period, plan: Plan, shards: int, user: User | None = None, trigger: str = "command"
) -> Calculation:
    """A new run of ``plan`` for ``period`` split into ``shards`` shards, not yet calculated.

    Unchanged inputs return the existing run (``created`` False), as ``calculate`` does. The caller
    dispatches one ``calculate_shard`` per shard of a created run (``commissions.tasks.dispatch_shards``).
    Raises ``NotAllowed``, ``AttainError`` for a shard count outside 1 to ``MAX_SHARDS``, and what
    ``runs.require_calculable`` raises (a plan of another year, a closed or unstarted quarter, no pull),
    before anything is written.
    """
    access.require(access.may_calculate(user, period))
    if not 1 <= shards <= MAX_SHARDS:
        raise AttainError(f"A run is split into 1 to {MAX_SHARDS} shards, not {shards}.")
    with period_lock(period):
        started = time.perf_counter()
        loaded, digest, existing = prepare(period=period, plan=plan)
        if existing is not None:
            return Calculation(run=existing, created=False)
        groups = split(loaded.inputs, shards)
        with transaction.atomic():
            run = start_run(
                plan=plan, period=period, user=user, trigger=trigger, digest=digest, shard_count=len(groups)
            )
            if run is None:
                return Calculation(run=concurrent_run(plan, period, digest), created=False)
            RunShard.objects.bulk_create(
                RunShard(run=run, index=index, employees=group) for index, group in enumerate(groups)
            )
            Run.objects.filter(pk=run.pk).update(timings={"load_ms": _ms(started)})
            if not groups:  # nobody to pay: done at once, as a single-process run would be
                _finish_if_complete(run.pk)
    run.refresh_from_db()
    return Calculation(run=run, created=True)


def start_sharded_run(
    *, period: Period, plan: Plan, shards: int, user: User | None = None, trigger: str = "command"
) -> Calculation:
    """``plan_sharded_run``, then queue one ``calculate_shard`` per shard of a new run (a Celery group).

    Without a broker (no REDIS_URL) Celery runs the shards here, one after the other.
    """
    from ..tasks import dispatch_shards

    calc = plan_sharded_run(period=period, plan=plan, shards=shards, user=user, trigger=trigger)
    if calc.created:
        dispatch_shards(calc.run.pk)
    return calc


def wait_for(run: Run, *, timeout: float, poll: float = 0.5) -> Run:
    """Reload ``run`` until it is no longer running or ``timeout`` seconds have passed; returns it."""
    deadline = time.monotonic() + timeout
    run.refresh_from_db()
    while run.status == Run.Status.RUNNING and time.monotonic() < deadline:
        time.sleep(poll)
        run.refresh_from_db()
    return run


def split(inputs: QuarterInputs, shards: int) -> list[list[int]]:
    """The run's CSMs (user ids) in at most ``shards`` groups of about equal book size.

    The CSMs are the plan's assignees in the quarter: the engine pays and lists no one else. Largest
    books first, each to the lightest group (so one huge book does not make one slow shard).
    """
    books = Counter(owners_at(inputs.ownership, inputs.end)["employee_id"])
    people = set(inputs.assignments["employee_id"])
    ids = dict(User.objects.filter(employee_id__in=people).values_list("employee_id", "pk"))
    groups: list[list[int]] = [[] for _ in range(min(shards, len(ids)))]
    sizes = [0] * len(groups)
    for employee_id in sorted(ids, key=lambda e: (-books.get(e, 0), e)):
        lightest = sizes.index(min(sizes))
        groups[lightest].append(ids[employee_id])
        sizes[lightest] += books.get(employee_id, 0) + 1
    return [sorted(group) for group in groups]


def calculate_shard(run_id: int, index: int, *, worker: str = "") -> str:
    """Calculate and write one shard of a run; idempotent. Returns what happened, for the task's result.

    ``skipped``: the run failed or the shard was already done (a redelivery). ``done``: written.
    Raises ``PeriodClosed`` if the quarter was closed meanwhile (the run then fails).
    """
    run = Run.objects.select_related("plan", "period", "pull").filter(pk=run_id).first()
    if run is None or run.status != Run.Status.RUNNING:
        return "skipped"
    shard = RunShard.objects.get(run=run, index=index)
    if shard.status == RunShard.Status.DONE:  # a redelivery; finish the run if the first delivery did not
        _finish_if_complete(run.pk)
        return "skipped"
    RunShard.objects.filter(pk=shard.pk).update(attempts=shard.attempts + 1, worker=worker[:200])
    require_open(run.period, action=f"calculate {run.plan.code}")
    started = time.perf_counter()
    loaded = load(plan=run.plan, period=run.period, pull=run.pull, employees=shard.employees)
    read = time.perf_counter()
    result = calculate_quarter(loaded.inputs)
    computed = time.perf_counter()
    _require_within(result, shard)
    with transaction.atomic():
        locked = RunShard.objects.select_for_update().get(pk=shard.pk)
        if locked.status == RunShard.Status.DONE:  # a twin delivery finished first
            return "skipped"
        _require_still_open(run.period)
        write_results(run, result, customer_keys=loaded.customer_keys, progress=False)
        RunShard.objects.filter(pk=shard.pk).update(
            status=RunShard.Status.DONE,
            finished_at=timezone.now(),
            warnings=[warning_row(w) for w in result.warnings],
            timings={
                "load_ms": _ms(started, read),
                "calculate_ms": _ms(read, computed),
                "write_ms": _ms(computed),
            },
        )
    _finish_if_complete(run.pk)
    return "done"


def _require_still_open(period: Period) -> None:
    """In the shard's write transaction: the quarter is open, and stays so until it commits.

    A share lock on the period's row: shards write side by side, while ``close_period`` (which locks
    the row for update) waits for them, or they for it and then find the quarter closed.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Period._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT status FROM {table} WHERE id = %s FOR SHARE", [period.pk])  # noqa: S608
            (period.status,) = cursor.fetchone()
    else:  # SQLite serialises writers by itself
        period.refresh_from_db(fields=["status"])
    require_open(period, action="write the shard's results")


def _require_within(result, shard: RunShard) -> None:
    """A shard writes only its own CSMs' rows: anything else would collide with another shard."""
    expected = set(User.objects.filter(pk__in=shard.employees).values_list("employee_id", flat=True))
    found = set(result.payouts["employee_id"]) | set(result.customers["employee_id"])
    if not found <= expected:
        raise AttainError(
            f"Shard {shard.index} of run {shard.run_id} computed CSMs outside it: {sorted(found - expected)}."
        )


def _finish_if_complete(run_id: int) -> bool:
    """Mark the run succeeded once every shard is done (exactly once: the run's row is locked)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        shards = list(RunShard.objects.filter(run_id=run_id).order_by("index"))
        done = [s for s in shards if s.status == RunShard.Status.DONE]
        if run.status != Run.Status.RUNNING:
            return False
        if len(done) < len(shards):
            Run.objects.filter(pk=run_id).update(progress=10 + 89 * len(done) // len(shards))
            return False
        timings = dict(run.timings)
        for key in ("calculate_ms", "write_ms"):  # the slowest shard's, as the shards run side by side
            timings[key] = max((s.timings.get(key, 0) for s in shards), default=0)
        Run.objects.filter(pk=run_id).update(
            status=Run.Status.SUCCEEDED,
            progress=100,
            finished_at=timezone.now(),
            timings=timings,
            warnings=[w for s in shards for w in s.warnings],
        )
        webhook_events.run_finished(run)  # sent once the run's success commits
        return True


def fail_run(run_id: int, error: str) -> None:
    """Mark a sharded run failed and remove what its shards wrote: a run has all its results or none."""
    with transaction.atomic():
        updated = Run.objects.filter(pk=run_id, status=Run.Status.RUNNING).update(
            status=Run.Status.FAILED, error=error, finished_at=timezone.now()
        )
        if updated:
            for model in (CustomerResult, ComponentResult, Payout):
                model.objects.filter(run_id=run_id).delete()
            webhook_events.run_finished(Run.objects.get(pk=run_id))


def _ms(start: float, end: float | None = None) -> int:
    return round(((end if end is not None else time.perf_counter()) - start) * 1000)
