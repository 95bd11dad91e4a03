"""The quarter-end job (DESIGN §2): on a quarter's pull date, pull its scores and calculate every plan.

Safe to deliver twice: one ``QuarterEndJob`` per period, claimed by compare-and-set; a pull made on or
after the pull date is not repeated; a calculation whose inputs' fingerprint is unchanged makes no run.
Safe to miss: the daily reconciler queues every ended quarter without a completed job.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.calendar import FiscalQuarter
from core.fiscal import calendar

from ..models import Plan, QuarterEndJob, ScorePull
from .close import plans_of
from .periods import open_period_for_writing
from .pulls import pull_scores
from .runs import calculate

TRIGGER = "quarter_end_job"
STALE_AFTER = timedelta(minutes=30)


def due_period(today: date) -> FiscalQuarter | None:
    """The quarter whose pull date is ``today``, if any."""
    period = calendar().last_ended_before(today)
    return period if calendar().pull_date(period) == today else None


def enqueue(period_code: str) -> bool:
    """Queue the quarter-end job of ``period_code`` once its transaction commits; False if it completed."""
    from ..tasks import run_quarter_end

    period = open_period_for_writing(period_code)
    job, _ = QuarterEndJob.objects.get_or_create(period=period)
    if job.status == QuarterEndJob.Status.COMPLETED:
        return False
    transaction.on_commit(lambda: run_quarter_end.delay(period.code))
    return True


def ended_without_completed_job(today: date) -> list[str]:
    """Codes of quarters of planned fiscal years whose pull date has come and whose job has not completed."""
    codes = []
    for fiscal_year in Plan.objects.values_list("fiscal_year", flat=True).distinct():
        for quarter in FiscalQuarter.parse(f"{fiscal_year}-Q1").fy.quarters():
            if calendar().pull_date(quarter) <= today:
                codes.append(quarter.code)
    done = set(
        QuarterEndJob.objects.filter(status=QuarterEndJob.Status.COMPLETED).values_list(
            "period__code", flat=True
        )
    )
    return sorted(code for code in codes if code not in done)


def run_quarter_end(*, period_code: str) -> QuarterEndJob:
    """Pull and calculate ``period_code`` unless another delivery is doing or has done it.

    Refuses (``AttainError``) a quarter that has no row and that no plan covers: it creates none.
    """
    period = open_period_for_writing(period_code)
    job, _ = QuarterEndJob.objects.get_or_create(period=period)
    stale = timezone.now() - STALE_AFTER
    claimable = Q(status__in=[QuarterEndJob.Status.QUEUED, QuarterEndJob.Status.FAILED]) | Q(
        status=QuarterEndJob.Status.RUNNING, started_at__lt=stale
    )
    claimed = QuarterEndJob.objects.filter(claimable, pk=job.pk).update(
        status=QuarterEndJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), error=""
    )
    if not claimed:
        job.refresh_from_db()
        return job
    try:
        pull_date = calendar().pull_date(period.fiscal_quarter)
        if not ScorePull.objects.filter(period=period, pulled_at__date__gte=pull_date).exists():
            pull_scores(period=period, trigger=TRIGGER)
        for plan in plans_of(period):
            calculate(period=period, plan=plan, trigger=TRIGGER)
    except Exception as exc:
        QuarterEndJob.objects.filter(pk=job.pk).update(
            status=QuarterEndJob.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        raise
    QuarterEndJob.objects.filter(pk=job.pk).update(
        status=QuarterEndJob.Status.COMPLETED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
