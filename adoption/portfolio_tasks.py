"""Celery tasks of the portfolio (docs/design.md §10.4): thin wrappers over ``adoption.portfolio``.

Registered by ``AdoptionConfig.ready`` (Celery discovers only ``adoption.tasks`` by itself).
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from core.jobs import TRANSIENT_DB_ERRORS


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def compute_kpis_daily(today: str | None = None) -> dict[str, object]:
    """Beat, early every day (UTC), after the scores: yesterday's portfolio KPIs and the steps after them
    (``adoption.portfolio.daily.run_day``; ``today``: ISO date, default the current day). Idempotent: a
    redelivery stores the same rows. Returns the day and what each step did."""
    from .portfolio.daily import run_day

    yesterday = (date.fromisoformat(today) if today else timezone.now().date()) - timedelta(days=1)
    return {"day": yesterday.isoformat(), **run_day(yesterday)}
