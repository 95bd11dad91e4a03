"""Background work of the dashboards: warming the projection cache (dashboards/warm.py), and keeping
the inputs stamp's log short (dashboards/stamp.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def warm_projections(period_code: str | None = None) -> dict:
    """Project the tracked quarter (or ``period_code``) for the whole company and cache every page's part."""
    from commissions.services.periods import get_period

    from .projection import current_period
    from .warm import warm

    period = get_period(period_code) if period_code else current_period()
    return warm(period)


@shared_task
def compact_input_log() -> int:
    """Daily: keep only the newest row of the inputs stamp's log (one row per writing transaction)."""
    from .stamp import compact

    return compact()
