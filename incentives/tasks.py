"""Celery beat jobs of the incentives (docs/incentives.md "Operations"): thin over ``incentives.jobs`` and
the points services, each idempotent — a redelivery, a rerun or an overlap with ops running the same
command writes nothing twice (docs/design.md §11.3, §11.4).

``today`` is an ISO date for a test or a catch-up by hand (default ``timezone.localdate()``). Each job runs
as the schedule (no person: ``accounts.access`` lets the schedule award SPIFFs and run points) and names
itself in the audit context (docs/audit.md "Who").
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from core.history import history_context
from core.jobs import TRANSIENT_DB_ERRORS

from .jobs import award_approved_spiffs, month_just_ended, yesterday
from .services.points import earn_points, expire_points

_RETRIED = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


def _day(today: str | None) -> date | None:
    return date.fromisoformat(today) if today else None


@shared_task(**_RETRIED)
def award_spiffs(today: str | None = None) -> dict:
    """Beat, daily: every approved rule SPIFF's qualifying events through yesterday (``award_spiff``).
    Returns ``{"as_of": ISO day, "spiffs": {code: {"written", "funded", "closed"} | {"refused"}}}``."""
    with history_context(task="award_spiffs"):
        return award_approved_spiffs(yesterday(_day(today))).as_dict()


@shared_task(**_RETRIED)
def earn_monthly_points(today: str | None = None) -> dict:
    """Beat, daily: the points rules' lots of the month just ended (``earn_points``); daily rather than
    once so that a person whose row of that month is imported late still earns it. Returns
    ``{"month": "YYYY-MM", "lots": n, "points": n, "already": n}``, and ``"refused": {code: reason}`` naming
    the rules skipped because their metric cannot be read (the other rules earned)."""
    with history_context(task="earn_monthly_points"):
        run = earn_points(month_just_ended(_day(today)))
    result = {
        "month": f"{run.month:%Y-%m}",
        "lots": len(run.lots),
        "points": run.points,
        "already": run.already,
    }
    if run.refused:
        result["refused"] = dict(run.refused)
    return result


@shared_task(**_RETRIED)
def expire_old_points(today: str | None = None) -> dict:
    """Beat, daily: write off what is left of every lot whose last day is before today
    (``expire_points``). Returns ``{"day": ISO day, "lots": n, "points": n}`` (points written off, ≥ 0)."""
    day = _day(today) or timezone.localdate()
    with history_context(task="expire_old_points"):
        written = expire_points(day)
    return {"day": day.isoformat(), "lots": len(written), "points": -sum(e.points for e in written)}
