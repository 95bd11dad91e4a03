"""Celery tasks: thin wrappers that take codes, not objects, and call one service each."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .services import quarter_end

# Retries stay well under Redis's visibility timeout (3600 s): at most 5 tries, backoff capped at 120 s.
TRANSIENT = (OperationalError, InterfaceError)


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
def calculate_plan(period_code: str, plan_code: str, user_id: int | None = None) -> int:
    """Calculate one plan for one quarter (the console's Calculate); returns the run's id.

    Idempotent: a redelivery with unchanged inputs finds the run with the same fingerprint and makes none.
    """
    from accounts.models import User

    from .models import Plan
    from .services.periods import get_period
    from .services.runs import calculate

    user = User.objects.filter(pk=user_id).first() if user_id else None
    plan = Plan.objects.get(code=plan_code)
    return calculate(period=get_period(period_code), plan=plan, user=user, trigger="console").run.pk
