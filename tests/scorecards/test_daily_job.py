"""The daily job and its reconciler: yesterday's scores, then every missed day, both idempotent."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from adoption.models import DailyScore, Scorecard
from adoption.scorecards.loading import load_scorecard
from adoption.tasks import compute_daily_scores, reconcile_daily_scores

from .conftest import CORE_YAML, DAY, SMB_YAML, scorecard_yaml

pytestmark = pytest.mark.django_db


def computed_days(code: str) -> list[date]:
    rows = DailyScore.objects.filter(scorecard__code=code).values_list("day", flat=True)
    return sorted(set(rows))


def test_the_beat_schedule_runs_the_daily_job_and_then_its_reconciler():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    daily, reconcile = (
        tasks["adoption.tasks.compute_daily_scores"],
        tasks["adoption.tasks.reconcile_daily_scores"],
    )
    assert daily.hour == {3} and daily.minute == {10}
    assert reconcile.hour == {3} and reconcile.minute == {40}  # after the daily job


def test_the_daily_job_computes_yesterday_for_every_active_scorecard(world):
    load_scorecard(CORE_YAML, user=None)
    load_scorecard(SMB_YAML, user=None)
    load_scorecard(scorecard_yaml(CORE_YAML, code="paused"), user=None)
    Scorecard.objects.filter(code="paused").update(active=False)

    assert compute_daily_scores.run(today=(DAY + timedelta(days=1)).isoformat()) == DAY.isoformat()
    compute_daily_scores.run(today=(DAY + timedelta(days=1)).isoformat())  # delivered twice: same rows

    assert computed_days("core") == computed_days("smb") == [DAY]
    assert computed_days("paused") == []
    assert DailyScore.objects.count() == 4


def test_the_reconciler_computes_the_days_since_the_last_computed_day(world):
    load_scorecard(CORE_YAML, user=None)
    compute_daily_scores.run(today=(DAY - timedelta(days=3)).isoformat())  # DAY − 4 computed, then missed

    caught = reconcile_daily_scores.run(today=(DAY + timedelta(days=1)).isoformat())

    assert caught == {"core": [(DAY - timedelta(days=n)).isoformat() for n in (3, 2, 1, 0)]}
    assert computed_days("core") == [DAY - timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    assert reconcile_daily_scores.run(today=(DAY + timedelta(days=1)).isoformat()) == {}  # nothing left


def test_the_reconciler_goes_back_at_most_its_limit_and_never_before_the_first_version(world):
    load_scorecard(scorecard_yaml(CORE_YAML, effective_from=(DAY - timedelta(days=5)).isoformat()), user=None)

    reconcile_daily_scores.run(limit=3, today=(DAY + timedelta(days=1)).isoformat())
    assert computed_days("core") == [DAY - timedelta(days=n) for n in (2, 1, 0)]
    DailyScore.objects.all().delete()
    reconcile_daily_scores.run(limit=30, today=(DAY + timedelta(days=1)).isoformat())
    assert computed_days("core")[0] == DAY - timedelta(days=5)
