"""``compute_kpis FROM [TO]`` and the daily job (docs/kpis.md "History"): days that have ended only,
clear errors naming the date at fault, idempotent, closed quarters' days kept and named."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from adoption.kpis import KpiRules
from adoption.models import PortfolioKpiDay
from adoption.portfolio.kpi_days import refuse_days_out_of_range
from adoption.portfolio_tasks import compute_kpis_daily
from core.errors import AttainError

from .conftest import DAY, close_quarter

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("compute_kpis", *args, stdout=out)
    return out.getvalue()


def test_the_command_computes_a_range_and_says_how_much(world):
    assert (
        run("2026-06-28", "2026-06-30")
        == "Computed 3 days from 2026-06-28 to 2026-06-30: 90 KPI rows written.\n"
    )
    assert set(PortfolioKpiDay.objects.values_list("day", flat=True)) == {
        date(2026, 6, 28),
        date(2026, 6, 29),
        DAY,
    }
    assert run("2026-06-30") == "Computed 2026-06-30: 30 KPI rows written.\n"
    assert PortfolioKpiDay.objects.count() == 90


def test_the_command_names_the_closed_quarters_days_it_kept(world):
    run("2026-04-30")
    close_quarter("FY27-Q1", date(2026, 2, 1), date(2026, 4, 30))

    assert run("2026-04-30", "2026-05-01") == (
        "Computed 1 of the 2 days from 2026-04-30 to 2026-05-01: 30 KPI rows written.\n"
        "Kept as stored, in closed quarters: 2026-04-30 (FY27-Q1).\n"
    )
    assert run("2026-04-30") == (
        "Nothing computed for 2026-04-30.\nKept as stored, in closed quarters: 2026-04-30 (FY27-Q1).\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["June"], r"^FROM is an ISO date such as 2026-04-01, not June\.$"),
        (["2026-06-01", "2026-06-31"], r"^TO is an ISO date such as 2026-04-01, not 2026-06-31\.$"),
        (
            ["2026-06-30", "2026-06-28"],
            r"^FROM 2026-06-30 is after TO 2026-06-28: give the earlier day first\.$",
        ),
    ],
)
def test_the_command_refuses_bad_dates_naming_the_one_at_fault(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not PortfolioKpiDay.objects.exists()


def test_the_command_refuses_a_day_that_has_not_ended(world):
    today = timezone.now().date()
    with pytest.raises(
        CommandError, match=f"^{today} has not ended: portfolio KPIs are computed for days up to"
    ):
        run((today - timedelta(days=1)).isoformat(), today.isoformat())
    assert not PortfolioKpiDay.objects.exists()


def test_the_daily_job_computes_yesterday_and_a_second_delivery_stores_the_same_rows(world):
    tomorrow = (DAY + timedelta(days=1)).isoformat()

    # The segments, their plays and webhooks follow the KPIs (docs/design.md §10.5): none in this world.
    segments = dict.fromkeys(
        (
            "segments_evaluated",
            "segment_entries",
            "segment_exits",
            "play_tasks",
            "play_notifications",
            "webhook_deliveries",
        ),
        0,
    )
    assert compute_kpis_daily.run(today=tomorrow) == {"day": "2026-06-30", "kpi_rows": 30, **segments}
    rows = sorted(
        PortfolioKpiDay.objects.values_list("level", "key", "kpi", "value", "numerator", "denominator")
    )
    assert compute_kpis_daily.run(today=tomorrow) == {"day": "2026-06-30", "kpi_rows": 30, **segments}

    assert set(PortfolioKpiDay.objects.values_list("day", flat=True)) == {DAY}
    assert (
        sorted(
            PortfolioKpiDay.objects.values_list("level", "key", "kpi", "value", "numerator", "denominator")
        )
        == rows
    )


def test_the_beat_runs_the_kpis_after_the_scores_and_before_the_quarter_end():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    kpis = tasks["adoption.portfolio_tasks.compute_kpis_daily"]
    scores = tasks["adoption.tasks.reconcile_daily_scores"]
    quarter_end = tasks["commissions.tasks.quarter_end_tick"]
    assert (min(kpis.hour), min(kpis.minute)) == (3, 50)
    assert (min(scores.hour), min(scores.minute)) < (3, 50) < (min(quarter_end.hour), min(quarter_end.minute))


def test_the_task_is_registered_with_celery():
    from config.celery import app

    assert "adoption.portfolio_tasks.compute_kpis_daily" in app.tasks


@pytest.mark.parametrize("first", ["0001-01-01", "1899-12-31"])
def test_the_command_refuses_a_day_before_1900_naming_it_instead_of_overflowing(world, first):
    # A year-1 day's windows reached before 0001-01-01 and ended in an OverflowError.
    with pytest.raises(
        CommandError,
        match=rf"^{first} is out of range: portfolio KPIs are computed for days from 1900-01-01 on\.$",
    ):
        run(first, "2026-06-30")
    assert not PortfolioKpiDay.objects.exists()


def test_the_first_day_computed_is_1900_01_01(world):
    # Nobody owned a customer then: the company's row of each KPI only, each without a value.
    assert run("1900-01-01") == "Computed 1900-01-01: 6 KPI rows written.\n"
    assert set(PortfolioKpiDay.objects.values_list("level", "value")) == {("company", None)}


def test_settings_reaching_before_year_1_are_refused_naming_the_first_day_they_allow():
    # 700,000 days back from 1900-01-01 would be before 0001-01-01; the reach adds a quarter's 92 days.
    with pytest.raises(
        AttainError,
        match=r"^1900-01-01 is out of range: under the KPI settings a day's KPIs read usage up to 700092 ",
    ):
        refuse_days_out_of_range(date(1900, 1, 1), KpiRules(rise_days=700_000))
