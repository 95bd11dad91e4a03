"""The daily job runs the segments after the KPIs (docs/design.md §10.5): ``run_day`` evaluates the day,
runs the plays and emits the webhooks, and ``evaluate_segments`` does the same for a day by hand."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adoption.models import PlayTask, SegmentEvaluation
from adoption.portfolio.daily import run_day

from .conftest import day, set_utilisation

pytestmark = pytest.mark.django_db


def test_the_portfolio_daily_job_evaluates_the_segments_and_runs_their_plays(customers, low):
    set_utilisation(customers.c1, day(0), 50)

    done = run_day(day(0))

    assert {k: v for k, v in done.items() if k != "kpi_rows"} == {
        "segments_evaluated": 1,
        "segment_entries": 1,
        "segment_exits": 0,
        "play_tasks": 2,
        "play_notifications": 1,
        "webhook_deliveries": 0,
    }
    assert run_day(day(0))["segments_evaluated"] == 0  # the day again: evaluated already, nothing new
    assert PlayTask.objects.count() == 2


def test_the_command_evaluates_a_day_and_says_what_it_did(customers, low):
    set_utilisation(customers.c1, day(0), 50)
    set_utilisation(customers.c4, day(0), 50)
    out = StringIO()

    call_command("evaluate_segments", "--day", "2026-06-01", stdout=out)

    assert out.getvalue() == (
        "low_util: 2 member(s), 2 entered, 0 left\n"
        "2026-06-01: 2 task(s) and 1 e-mail(s) to account executives made, 0 webhook delivery(ies) recorded; "
        "1 entering customer(s) had no CSM, so no task.\n"
        "play low_util_outreach (low_util): effect as of 2026-06-01: nothing measured yet (recovery within "
        "10 days)\n"
    )
    assert SegmentEvaluation.objects.get().members == 2


def test_the_command_refuses_a_bad_day_clearly(db):
    with pytest.raises(CommandError, match=r"--day must be a date like 2026-06-30, not '2026-02-30'"):
        call_command("evaluate_segments", "--day", "2026-02-30")
    with pytest.raises(CommandError, match=r"has not ended: segments are evaluated for days up to yesterday"):
        call_command("evaluate_segments", "--day", "2099-01-01")


def test_the_demo_seeds_segments_with_members_and_tasks_some_done(db):
    from adoption.models import Segment, SegmentMembership
    from demo.company import seed_demo
    from demo.scorecards import seed_demo_scorecards
    from demo.segments import seed_demo_segments

    today = seed_demo(today=date(2026, 6, 15)).today
    seed_demo_scorecards(today=today)

    line = seed_demo_segments(today=today)

    # the demo computes the portfolio KPIs of its days of usage before the segments
    assert "loaded 4 segments and 2 plays; evaluated 14 days to 2026-06-14" in line
    assert Segment.objects.count() == 4
    assert SegmentMembership.objects.filter(left_on__isnull=True).exists()
    assert PlayTask.objects.filter(status="open").exists() and PlayTask.objects.filter(status="done").exists()
    assert seed_demo_segments(today=today) is None  # seeded already: nothing again
