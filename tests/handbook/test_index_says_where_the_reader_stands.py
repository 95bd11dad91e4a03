"""/handbook/ marks each plan of the reader's by the facts of their assignments (docs/handbook.md "Where it
is"): on the plan now, on it until a day that has passed, or joining it on a day to come — never "you are
on this plan" for a plan they have left."""

import html
from datetime import date

import pytest

from commissions.models import Assignment
from dashboards.handbook.views import membership

from .conftest import PLAN

TODAY = date(2026, 12, 7)


def test_an_assignment_covering_today_is_on_the_plan_now():
    assert membership([(date(2026, 2, 1), None)], TODAY) == "you are on this plan"
    assert membership([(date(2026, 2, 1), TODAY)], TODAY) == "you are on this plan"  # the end is included
    assert membership([(TODAY, TODAY)], TODAY) == "you are on this plan"


def test_an_assignment_that_ended_says_until_its_last_day():
    spans = [(date(2025, 2, 1), date(2025, 6, 30)), (date(2025, 8, 1), date(2026, 3, 31))]
    assert membership(spans, TODAY) == "you were on this plan until 2026-03-31"
    assert (
        membership([(date(2026, 2, 1), date(2026, 12, 6))], TODAY) == "you were on this plan until 2026-12-06"
    )


def test_an_assignment_to_come_says_when_it_begins():
    assert membership([(date(2027, 2, 1), None)], TODAY) == "you join this plan on 2027-02-01"
    spans = [(date(2026, 2, 1), date(2026, 6, 30)), (date(2027, 2, 1), None)]
    assert (
        membership(spans, TODAY) == "you were on this plan until 2026-06-30 and join it again on 2027-02-01"
    )


def test_no_assignment_says_nothing():
    assert membership([], TODAY) == ""


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


@pytest.mark.django_db
def test_the_index_says_a_person_who_left_the_plan_was_on_it_until_they_left(client, e1, manager):
    Assignment.objects.filter(employee=e1, plan__code=PLAN).update(end_date=date(2022, 1, 31))
    client.force_login(e1)

    page = _text(client.get("/handbook/"))

    assert f'href="/handbook/{PLAN}/"' in page
    assert "you were on this plan until 2022-01-31" in page
    assert "you are on this plan" not in page
    # Their manager reads the handbook and is on no plan: nothing is said of them.
    client.force_login(manager)
    page = _text(client.get("/handbook/"))
    assert f'href="/handbook/{PLAN}/"' in page and "on this plan" not in page
