"""The quarter-end job (DESIGN §2): on the pull date, pull and calculate; safe twice, safe to miss."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from commissions.models import QuarterEndJob, Run, ScorePull
from commissions.services import quarter_end
from commissions.services.periods import get_period
from core.calendar import FiscalQuarter

pytestmark = pytest.mark.django_db


def test_due_period_is_the_quarter_whose_pull_date_is_today():
    assert quarter_end.due_period(date(2021, 8, 1)) == FiscalQuarter(2022, 2)
    assert quarter_end.due_period(date(2022, 2, 1)) == FiscalQuarter(2022, 4)
    assert quarter_end.due_period(date(2021, 8, 2)) is None
    assert quarter_end.due_period(date(2021, 9, 1)) is None


def test_job_pulls_and_calculates_every_plan(worked):
    job = quarter_end.run_quarter_end(period_code="FY22-Q2")
    assert job.status == QuarterEndJob.Status.COMPLETED and job.attempts == 1
    run = Run.objects.get()
    assert run.trigger == "quarter_end_job" and run.status == Run.Status.SUCCEEDED
    assert ScorePull.objects.get().trigger == "quarter_end_job"


def test_delivered_twice_makes_no_second_pull_and_no_second_run(worked):
    quarter_end.run_quarter_end(period_code="FY22-Q2")
    again = quarter_end.run_quarter_end(period_code="FY22-Q2")
    assert again.status == QuarterEndJob.Status.COMPLETED and again.attempts == 1
    assert ScorePull.objects.count() == 1 and Run.objects.count() == 1


def test_a_failed_job_is_retried_without_repeating_its_pull(worked):
    QuarterEndJob.objects.create(period=get_period("FY22-Q2"), status=QuarterEndJob.Status.FAILED)
    quarter_end.run_quarter_end(period_code="FY22-Q2")
    # A redelivery after the pull (e.g. the worker died while calculating) pulls no second time.
    QuarterEndJob.objects.update(status=QuarterEndJob.Status.FAILED)
    job = quarter_end.run_quarter_end(period_code="FY22-Q2")
    assert job.status == QuarterEndJob.Status.COMPLETED and job.attempts == 2
    assert ScorePull.objects.count() == 1 and Run.objects.count() == 1


def test_a_job_running_elsewhere_is_left_alone_until_stale(worked):
    job = QuarterEndJob.objects.create(
        period=get_period("FY22-Q2"), status=QuarterEndJob.Status.RUNNING, started_at=timezone.now()
    )
    assert quarter_end.run_quarter_end(period_code="FY22-Q2").status == QuarterEndJob.Status.RUNNING
    assert not ScorePull.objects.exists()
    QuarterEndJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - quarter_end.STALE_AFTER * 2)
    assert quarter_end.run_quarter_end(period_code="FY22-Q2").status == QuarterEndJob.Status.COMPLETED


def test_reconciler_finds_ended_quarters_without_a_completed_job(worked):
    assert quarter_end.ended_without_completed_job(date(2021, 11, 1)) == ["FY22-Q1", "FY22-Q2", "FY22-Q3"]
    quarter_end.run_quarter_end(period_code="FY22-Q2")
    assert quarter_end.ended_without_completed_job(date(2021, 11, 1)) == ["FY22-Q1", "FY22-Q3"]
    assert quarter_end.ended_without_completed_job(date(2021, 5, 1)) == ["FY22-Q1"]


def test_quarter_is_passed_to_the_worker_not_recomputed(
    worked, django_capture_on_commit_callbacks, monkeypatch
):
    from commissions import tasks

    sent = []
    monkeypatch.setattr(tasks.run_quarter_end, "delay", lambda code: sent.append(code))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2021, 8, 1, 4, 30, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.quarter_end_tick() == "FY22-Q2"
    assert sent == ["FY22-Q2"]


def test_beat_schedule_runs_early_on_the_first_in_utc(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["quarter-end"]["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {4} and schedule.minute == {30}
    assert settings.CELERY_TIMEZONE == "UTC"
