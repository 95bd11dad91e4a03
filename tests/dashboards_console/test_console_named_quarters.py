"""A console POST that changes something names its quarter: an empty or missing ``period`` is refused with a
message and nothing is done, never the quarter a GET shows by default. The console's Calculate refuses
through the calculation service: a plan of another fiscal year (DESIGN §3 "Plans") and a quarter that has
not started (said with the day it starts). Quarters are computed from today."""

import pytest
from django.utils import timezone

from accounts.models import Role
from commissions.models import Hold, Period, Run, ScorePull
from commissions.services.periods import get_period
from core.calendar import FiscalYear
from core.fiscal import calendar
from tests.builders import assign_plan, make_user

from .conftest import page_messages

pytestmark = pytest.mark.django_db

ACTIONS = {
    "pull": "pull scores",
    "calculate": "calculate",
    "close": "close",
    "reopen": "re-open",
    "holds": "hold a line of",
    "sign-off": "sign off",
}


@pytest.fixture
def default_quarter(db):
    """The quarter the console shows by default (the last ended), covered by a plan: stored, a CSM on it."""
    quarter = calendar().last_ended_before(timezone.localdate())
    assign_plan(make_user(Role.CSM, employee_id="E1"), code="CS-DEFAULT", fiscal_year=quarter.fy.code)
    return quarter


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("data", [{}, {"period": ""}, {"period": "   "}], ids=["missing", "empty", "blank"])
def test_a_console_post_without_a_quarter_is_refused_and_does_nothing(
    as_user, ops, finance, default_quarter, django_capture_on_commit_callbacks, action, data
):
    person = finance if action in ("holds", "sign-off") else ops
    form = {
        **data,
        "confirm": "1",
        "reason": "a long enough reason",
        "employee_id": "E1",
        "plan": "CS-DEFAULT",
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_user(person).post(f"/console/{action}/", form, follow=True)
    assert response.status_code == 200
    assert (
        f"No quarter named: say which quarter to {ACTIONS[action]} (period, written like FY27-Q1). "
        "Nothing was done."
    ) in page_messages(response)
    assert callbacks == []
    assert not Period.objects.exists() and not ScorePull.objects.exists()
    assert not Run.objects.exists() and not Hold.objects.exists()


def test_a_stored_default_quarter_is_not_acted_on_by_a_post_without_a_quarter(
    as_user, ops, default_quarter, django_capture_on_commit_callbacks
):
    get_period(default_quarter.code)
    client = as_user(ops)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/console/pull/", {"period": ""})
        client.post("/console/calculate/", {"period": ""})
    assert callbacks == [] and not ScorePull.objects.exists() and not Run.objects.exists()


def test_the_console_refuses_to_calculate_a_plan_of_another_fiscal_year(
    as_user, ops, default_quarter, django_capture_on_commit_callbacks
):
    get_period(default_quarter.code)
    other = FiscalYear(default_quarter.fy.year + 1).code
    plan = assign_plan(make_user(Role.CSM, employee_id="E-TNRR"), code=f"TNRR-{other}", fiscal_year=other)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_user(ops).post(
            "/console/calculate/", {"period": default_quarter.code, "plan": plan.code}, follow=True
        )
    assert f"{plan.code} is a plan of {other}: {default_quarter.code} is not one of its quarters." in (
        page_messages(response)
    )
    assert callbacks == [] and not Run.objects.exists()
    assert plan.code not in response.content.decode().split('id="runs-title"')[1].split("</section>")[0]


def test_the_console_calculate_of_a_quarter_not_started_says_when_it_starts(
    as_user, ops, django_capture_on_commit_callbacks
):
    upcoming = calendar().period_of(timezone.localdate()).next()
    assign_plan(make_user(Role.CSM, employee_id="E-SOON"), code="CS-SOON", fiscal_year=upcoming.fy.code)
    start, _ = calendar().bounds(upcoming)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_user(ops).post("/console/calculate/", {"period": upcoming.code}, follow=True)
    assert (
        f"{upcoming.code} has not started (it starts {start:%Y-%m-%d}): a quarter is calculated from its "
        "first day on."
    ) in page_messages(response)
    assert callbacks == [] and not Period.objects.exists()


def test_calculating_an_unknown_plan_says_so_instead_of_a_blank_404(as_user, ops, worked):
    response = as_user(ops).post("/console/calculate/", {"period": "FY22-Q2", "plan": "NOPE"}, follow=True)
    assert response.status_code == 200
    assert "There is no plan 'NOPE'." in [str(m) for m in response.context["messages"]]
