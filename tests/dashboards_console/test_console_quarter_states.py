"""The console heads a quarter by where it stands by its dates (not started, under way, ended), stored or
not, and offers the score pull only once the quarter is over: before then it says from which day its scores
can be pulled (DESIGN §2: a pull captures the quarter's last-day scores), as the pull's refusal would.
Quarters are computed from today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commissions.models import Period, Plan
from commissions.services.periods import get_period
from core.calendar import FiscalQuarter
from core.fiscal import calendar

pytestmark = pytest.mark.django_db


def covered(*quarters: FiscalQuarter) -> None:
    for quarter in quarters:
        code = quarter.fy.code
        Plan.objects.get_or_create(
            code=f"CS-{code}", defaults={"name": code, "fiscal_year": code, "currency": "USD"}
        )


def not_yet(quarter: FiscalQuarter) -> str:
    end = calendar().bounds(quarter)[1]
    first = end + timedelta(days=1)
    return (
        f"{quarter.code} ends {end:%Y-%m-%d}: its scores can be pulled from {first:%Y-%m-%d}, the first day "
        "after it ends."
    )


def heading(html: str) -> str:
    return html.split("<h1>")[1].split("</h1>")[0]


def test_a_quarter_with_no_row_that_ended_long_ago_is_not_headed_not_started(as_user, ops):
    ended = calendar().last_ended_before(timezone.localdate()).previous().previous()
    covered(ended)
    html = as_user(ops).get(f"/console/?period={ended.code}").content.decode()
    assert "(ended, nothing stored)" in heading(html) and "not started" not in heading(html)
    assert 'id="pull-scores"' in html and 'id="pull-not-yet"' not in html
    assert not Period.objects.exists()


def test_a_quarter_under_way_with_no_row_offers_no_pull_and_says_from_when(as_user, ops):
    current = calendar().period_of(timezone.localdate())
    covered(current)
    html = as_user(ops).get(f"/console/?period={current.code}").content.decode()
    assert "(under way, nothing stored)" in heading(html)
    assert 'id="pull-scores"' not in html and not_yet(current) in html
    assert not Period.objects.exists()


def test_a_quarter_not_started_with_no_row_offers_no_pull_and_says_from_when(as_user, ops):
    upcoming = calendar().period_of(timezone.localdate()).next()
    covered(upcoming)
    html = as_user(ops).get(f"/console/?period={upcoming.code}").content.decode()
    assert "(not started)" in heading(html)
    assert 'id="pull-scores"' not in html and not_yet(upcoming) in html


def test_a_stored_quarter_under_way_offers_no_pull_and_says_from_when(as_user, ops):
    current = calendar().period_of(timezone.localdate())
    covered(current)
    get_period(current.code)
    html = as_user(ops).get(f"/console/?period={current.code}").content.decode()
    assert 'id="pull-scores"' not in html and not_yet(current) in html
    assert 'id="calculate"' in html  # a quarter under way is calculated provisionally (DESIGN §5)


def test_a_stored_quarter_not_started_offers_neither_pull_nor_calculate(as_user, ops):
    upcoming = calendar().period_of(timezone.localdate()).next()
    covered(upcoming)
    period = get_period(upcoming.code)
    html = as_user(ops).get(f"/console/?period={upcoming.code}").content.decode()
    assert 'id="pull-scores"' not in html and not_yet(upcoming) in html
    assert 'id="calculate"' not in html
    assert f"{upcoming.code} has not started (it starts {period.start:%Y-%m-%d})" in html


def test_a_stored_quarter_that_ended_offers_the_pull(as_user, ops):
    ended = calendar().last_ended_before(timezone.localdate())
    covered(ended)
    get_period(ended.code)
    html = as_user(ops).get(f"/console/?period={ended.code}").content.decode()
    assert 'id="pull-scores"' in html and 'id="pull-not-yet"' not in html
