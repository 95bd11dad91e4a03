"""DESIGN §2: scores are pulled once a quarter is over (the pull captures them as of its last day). A pull
of a quarter under way, or not started, is refused naming the first day it may run; the day after the
quarter's last day it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commissions.models import ScorePull
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from core.errors import Conflict
from core.fiscal import calendar

pytestmark = pytest.mark.django_db


def test_a_quarter_under_way_is_not_pulled_and_the_first_day_is_named(ops):
    today = timezone.localdate()
    quarter = calendar().period_of(today)
    period = get_period(quarter.code)
    with pytest.raises(Conflict) as refused:
        pull_scores(period=period, user=ops)
    first = period.end + timedelta(days=1)
    assert refused.value.message == (
        f"{period.code} is under way (it ends {period.end:%Y-%m-%d}): its scores can be pulled from "
        f"{first:%Y-%m-%d}, the first day after it ends."
    )
    assert not ScorePull.objects.exists()


def test_a_quarter_not_started_is_not_pulled(ops):
    upcoming = get_period(calendar().period_of(timezone.localdate()).next().code)
    with pytest.raises(Conflict, match=f"{upcoming.code} has not started"):
        pull_scores(period=upcoming, user=ops)
    assert not ScorePull.objects.exists()


def test_the_quarter_just_ended_is_pulled(ops):
    ended = get_period(calendar().last_ended_before(timezone.localdate()).code)
    assert pull_scores(period=ended, user=ops).period == ended


def test_a_quarter_not_started_is_not_calculated(ops):
    # DESIGN §5: a quarter under way is calculated provisionally; one that has not started, not at all.
    from accounts.models import Role
    from commissions.models import Run
    from commissions.services.runs import calculate
    from core.errors import AttainError
    from tests.builders import assign_plan, make_user

    upcoming = get_period(calendar().period_of(timezone.localdate()).next().code)
    # A plan of the quarter's own year: one of another year is refused for that first.
    plan = assign_plan(
        make_user(Role.CSM, employee_id="E-NEXT"), code="CS-NEXT", fiscal_year=upcoming.fiscal_year
    )
    with pytest.raises(AttainError, match=f"{upcoming.code} has not started"):
        calculate(period=upcoming, plan=plan, user=ops)
    assert not Run.objects.exists()


def test_a_pull_of_a_quarter_not_started_gives_its_first_and_last_day(ops):
    upcoming = get_period(calendar().period_of(timezone.localdate()).next().code)
    with pytest.raises(Conflict) as refused:
        pull_scores(period=upcoming, user=ops)
    first = upcoming.end + timedelta(days=1)
    assert refused.value.message == (
        f"{upcoming.code} has not started (it runs from {upcoming.start:%Y-%m-%d} to "
        f"{upcoming.end:%Y-%m-%d}): its scores can be pulled from {first:%Y-%m-%d}, the first day after it "
        "ends."
    )
