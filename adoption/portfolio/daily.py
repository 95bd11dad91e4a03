"""The portfolio's daily job, one day at a time (docs/design.md §10.4): the KPIs first, then what reads
them. ``adoption.portfolio_tasks.compute_kpis_daily`` runs it for yesterday."""

from __future__ import annotations

from datetime import date

from .inputs import day_inputs
from .kpi_days import refuse_days_not_ended, store_kpi_day
from .segments import evaluate_day


def run_day(day: date) -> dict[str, int]:
    """Run the daily steps of ``day`` in order; each is idempotent, so running a day again is harmless.
    Returns what each step did (``kpi_rows``: the KPI rows written). Raises ``AttainError`` for a day
    that has not ended."""
    refuse_days_not_ended(day, day)
    inputs = day_inputs(day)  # read once: the KPIs and the segments read the same day
    done = {"kpi_rows": store_kpi_day(inputs)}
    done.update(
        evaluate_day(day, inputs=inputs).counts()
    )  # the segments, their plays and webhooks (§10.5, §10.6)
    return done
