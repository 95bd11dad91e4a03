"""Celery tasks of the scorecards (docs/design.md §9.5): thin wrappers over adoption.scorecards.

The daily job computes yesterday's scores of every active scorecard; the reconciler computes the days a
missed beat or a crash left out. Both are idempotent — a day computed twice stores the same rows — so a
redelivery or an overlap of the two does no harm. A large computation is split by customer range into
``compute_scores_shard`` tasks (a Celery group: any worker takes any range), as sharded runs split CSMs.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, timedelta

from celery import group, shared_task
from django.conf import settings
from django.utils import timezone

from core.jobs import TRANSIENT_DB_ERRORS

logger = logging.getLogger(__name__)

CATCH_UP_DAYS = 31  # the reconciler goes back at most this many days


def start_computation(
    first: date,
    last: date,
    *,
    scorecards: list[str] | None = None,
    version: int | None = None,
    shards: int | None = None,
) -> int:
    """Compute days ``first``–``last``: in this process when ``shards`` (default: the
    ``SCORECARD_SHARDS`` setting) is 1 or less, else as one ``compute_scores_shard`` task per customer
    range. Returns the number of tasks queued (0: computed here). Raises ``AttainError`` for a day after
    yesterday before queueing anything."""
    from .scorecards.computing import compute_days, customer_ranges, refuse_days_not_ended

    refuse_days_not_ended(first, last)
    shards = settings.SCORECARD_SHARDS if shards is None else shards
    if shards <= 1:
        compute_days(first, last, scorecards=scorecards, version=version)
        return 0
    ranges = customer_ranges(shards)
    group(
        compute_scores_shard.s(first.isoformat(), last.isoformat(), low, high, scorecards, version)
        for low, high in ranges
    ).apply_async()
    return len(ranges)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def compute_scores_shard(
    first: str,
    last: str,
    low: int,
    high: int,
    scorecards: list[str] | None = None,
    version: int | None = None,
) -> dict[str, int]:
    """Compute the scores of customers with ids ``low``–``high`` on days ``first``–``last`` (ISO);
    safe to deliver twice (the rows are upserted)."""
    from .scorecards.computing import compute_days

    done = compute_days(
        date.fromisoformat(first),
        date.fromisoformat(last),
        scorecards=scorecards,
        customer_range=(low, high),
        version=version,
    )
    return done.rows


@shared_task
def compute_daily_scores(today: str | None = None) -> str:
    """Beat, early every day (UTC): yesterday's scores of every active scorecard (``today``: ISO date,
    default the current day)."""
    yesterday = (date.fromisoformat(today) if today else timezone.now().date()) - timedelta(days=1)
    start_computation(yesterday, yesterday)
    return yesterday.isoformat()


@shared_task
def reconcile_daily_scores(limit: int = CATCH_UP_DAYS, today: str | None = None) -> dict[str, list[str]]:
    """Daily, after the daily job: compute each active scorecard's days since its last computed day
    (at most ``limit`` days back, up to yesterday; ``today``: ISO date, default the current day).
    Returns scorecard code → the days queued or computed."""
    from .models import Scorecard
    from .scorecards.selectors import days_to_catch_up

    today = date.fromisoformat(today) if today else timezone.now().date()
    caught: dict[str, list[str]] = {}
    for scorecard in Scorecard.objects.filter(active=True).order_by("code"):
        days = days_to_catch_up(scorecard, today=today, limit=limit)
        if days:
            start_computation(days[0], days[-1], scorecards=[scorecard.code])
            caught[scorecard.code] = [d.isoformat() for d in days]
            logger.info("scorecard %s: computed %d missed days from %s", scorecard.code, len(days), days[0])
    return caught


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError), retry_backoff=30, max_retries=5)
def send_play_notification(notification_id: int) -> int:
    """E-mail a play's notification to the customer's account executive (docs/design.md §10.6), queued
    once the day's evaluation commits; retried on mail-server errors. Returns the recipients (0 or 1)."""
    from .portfolio.plays import send_notification

    return send_notification(notification_id)
