"""Celery tasks: thin wrappers that take codes, not objects, and call one service each."""

import logging
import os
import socket

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.jobs import TRANSIENT_DB_ERRORS, run_step

from .services import quarter_end

logger = logging.getLogger(__name__)

# Retries stay well under Redis's visibility timeout (3600 s): at most 5 tries, backoff capped at 120 s.
TRANSIENT = TRANSIENT_DB_ERRORS


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, max_retries=5)
def run_quarter_end(period_code: str) -> str:
    """Pull and calculate one quarter; idempotent, so a redelivery does no second pull or run."""
    return quarter_end.run_quarter_end(period_code=period_code).status


@shared_task
def quarter_end_tick() -> str | None:
    """Beat, early on the 1st of each month (UTC): queue the quarter whose pull date is today."""
    period = quarter_end.due_period(timezone.now().date())
    if period is None:
        return None
    quarter_end.enqueue(period.code)
    return period.code


@shared_task
def reconcile_quarter_ends() -> list[str]:
    """Daily: queue every ended quarter without a completed quarter-end job (a missed beat, a crash)."""
    codes = quarter_end.ended_without_completed_job(timezone.now().date())
    return [code for code in codes if quarter_end.enqueue(code)]


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, max_retries=5)
def calculate_plan(
    period_code: str, plan_code: str, user_id: int | None = None, shards: int = 0, trigger: str = "console"
) -> int:
    """Calculate one plan for one quarter (Calculate in the console or the API; ``trigger`` says which, and
    is recorded on the run); returns the run's id.

    ``shards`` > 1 (default: the RUN_SHARDS setting) splits the run by CSM into that many
    ``calculate_shard`` tasks, for any worker to take. Idempotent: a redelivery with unchanged inputs
    finds the run with the same fingerprint and makes none.
    """
    from accounts.models import User

    from .models import Plan
    from .services.periods import find_period
    from .services.runs import calculate, outcome
    from .services.shards import start_sharded_run

    user = User.objects.filter(pk=user_id).first() if user_id else None
    plan = Plan.objects.get(code=plan_code)
    period = find_period(period_code)  # queued by start_calculation for a stored quarter
    shards = shards or settings.RUN_SHARDS
    if shards > 1:
        calc = start_sharded_run(period=period, plan=plan, shards=shards, user=user, trigger=trigger)
    else:
        calc = calculate(period=period, plan=plan, user=user, trigger=trigger)
    # What happened, in the worker's log: a new version, or no new run because the inputs are unchanged.
    logger.info("calculate %s %s", period.code, outcome(calc))
    return calc.run.pk


def dispatch_shards(run_id: int, *, pending_only: bool = False) -> int:
    """Queue ``calculate_shard`` for each shard of a run (a group: any worker takes any shard).

    ``pending_only``: only shards not done (the reconciler re-queues a stalled run's). Returns how many.
    """
    from celery import group

    from .models import RunShard

    shards = RunShard.objects.filter(run_id=run_id)
    if pending_only:
        shards = shards.filter(status=RunShard.Status.PENDING)
    indexes = list(shards.order_by("index").values_list("index", flat=True))
    if indexes:
        group(calculate_shard.s(run_id, index) for index in indexes).apply_async()
    return len(indexes)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def calculate_shard(run_id: int, index: int) -> str:
    """Calculate and write one shard of a sharded run (services/shards.py); safe to deliver twice.

    acks_late: the message is acknowledged only when the shard is written, so a worker killed
    mid-shard leaves it to be redelivered to another worker. A failure that retrying cannot cure
    fails the whole run and removes its partial results.
    """
    from .services import shards

    try:
        return shards.calculate_shard(run_id, index, worker=f"{socket.gethostname()}:{os.getpid()}")
    except TRANSIENT:
        raise
    except Exception as exc:
        shards.fail_run(run_id, f"shard {index}: {exc}")
        raise


@shared_task
def requeue_stalled_shards(older_than_minutes: int = 60) -> list[int]:
    """Hourly: re-queue the pending shards of sharded runs still running after ``older_than_minutes``.

    A shard whose message was lost for good (a broker restart without persistence) would otherwise
    leave its run running forever; shards are idempotent, so queuing one twice is harmless.
    """
    from datetime import timedelta

    from .models import Run

    stalled = Run.objects.filter(
        status=Run.Status.RUNNING,
        shard_count__gt=0,
        created_at__lt=timezone.now() - timedelta(minutes=older_than_minutes),
    ).values_list("pk", flat=True)
    return [run_id for run_id in stalled if dispatch_shards(run_id, pending_only=True)]


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def run_import_job(self, job_id: int) -> str:
    """The next step of an import job from the Imports page — its dry run, or its writing once confirmed
    (services/imports/jobs.py); returns the job's status. Safe to deliver twice.

    A transient database error is retried; on the last try, and on any other crash, the job is marked
    failed (never left checking or writing). Eagerly (no broker) the crash is not raised into the page's
    request: the job page shows the failure.
    """
    from .services.imports import jobs

    return run_step(
        self,
        run=lambda: jobs.run_import_job(job_id=job_id).status,
        fail=lambda reason: jobs.fail_import_job(job_id=job_id, reason=reason),
        what=f"import job {job_id}",
    )


@shared_task
def sweep_import_jobs() -> dict[str, int]:
    """Hourly: fail import jobs whose worker was lost, abandon checked ones nobody confirmed."""
    from .services.imports import jobs

    return jobs.sweep_import_jobs()
