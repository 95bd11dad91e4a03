"""The portfolio's daily job, one day at a time (docs/design.md §10.4): the KPIs first, then what reads
them. ``adoption.portfolio_tasks.compute_kpis_daily`` runs it for yesterday."""

from __future__ import annotations

from datetime import date

from .kpi_days import compute_kpi_days
from .segments import evaluate_day


def run_day(day: date) -> dict[str, int]:
    """Run the daily steps of ``day`` in order; each is idempotent, so running a day again is harmless.
    Returns what each step did (``kpi_rows``: the KPI rows written). Raises ``AttainError`` for a day
    that has not ended."""
    done = {"kpi_rows": compute_kpi_days(day, day)}
    done.update(evaluate_day(day).counts())  # the segments, their plays and webhooks (§10.5, §10.6)
    return done
