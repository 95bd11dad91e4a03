"""POST /api/runs/ refuses through the calculation service before anything is queued, with the status its
refusal takes everywhere: a plan of another fiscal year is refused (400, DESIGN §3 "Plans"); a quarter
that has not started, and an adoption plan's quarter under way without a pull, conflict with the
quarter's dates (409, as the pull of such a quarter: DESIGN §2, §5). Quarters are computed from today."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from commissions.models import Period, Run
from commissions.services.periods import get_period
from core.calendar import FiscalYear
from core.fiscal import calendar
from tests.builders import assign_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(Role.OPS, email="ops@example.com"))
    return client


def start(client: APIClient, period: str, plan: str, capture):
    with capture(execute=False) as callbacks:
        response = client.post("/api/runs/", {"period": period, "plan": plan}, format="json")
    assert callbacks == []  # nothing queued
    return response


def test_an_adoption_plan_of_another_fiscal_year_is_refused_naming_its_year(
    ops_client, django_capture_on_commit_callbacks
):
    quarter = calendar().last_ended_before(timezone.localdate())
    get_period(quarter.code)
    other = FiscalYear(quarter.fy.year + 1).code
    plan = assign_plan(make_user(Role.CSM, employee_id="E-TNRR"), code=f"TNRR-{other}", fiscal_year=other)
    response = start(ops_client, quarter.code, plan.code, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        f"{plan.code} is a plan of {other}: {quarter.code} is not one of its quarters."
    )
    assert not Run.objects.exists()


def test_a_quarter_not_started_with_no_row_is_a_conflict_saying_when_it_starts(
    ops_client, django_capture_on_commit_callbacks
):
    upcoming = calendar().period_of(timezone.localdate()).next()
    plan = assign_plan(
        make_user(Role.CSM, employee_id="E-SOON"), code="CS-SOON", fiscal_year=upcoming.fy.code
    )
    start_day, _ = calendar().bounds(upcoming)
    response = start(ops_client, upcoming.code, plan.code, django_capture_on_commit_callbacks)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        f"{upcoming.code} has not started (it starts {start_day:%Y-%m-%d}): a quarter is calculated from its "
        "first day on."
    )
    assert not Period.objects.filter(code=upcoming.code).exists()


def test_a_stored_quarter_not_started_is_a_conflict_too(ops_client, django_capture_on_commit_callbacks):
    upcoming = get_period(calendar().period_of(timezone.localdate()).next().code)
    plan = assign_plan(
        make_user(Role.CSM, employee_id="E-SOON"), code="CS-SOON", fiscal_year=upcoming.fiscal_year
    )
    response = start(ops_client, upcoming.code, plan.code, django_capture_on_commit_callbacks)
    assert response.status_code == 409
    assert f"{upcoming.code} has not started" in response.json()["error"]["message"]
    assert not Run.objects.exists()


def test_an_adoption_plan_under_way_answers_409_as_the_pull_of_its_quarter(
    ops_client, django_capture_on_commit_callbacks
):
    period = get_period(calendar().period_of(timezone.localdate()).code)
    plan = assign_plan(
        make_user(Role.CSM, employee_id="E-NOW"), code="CS-NOW", fiscal_year=period.fiscal_year
    )
    first = period.end + timedelta(days=1)
    run = start(ops_client, period.code, plan.code, django_capture_on_commit_callbacks)
    pull = ops_client.post("/api/pulls/", {"period": period.code}, format="json")
    assert (run.status_code, pull.status_code) == (409, 409)
    assert run.json()["error"]["code"] == pull.json()["error"]["code"]
    assert run.json()["error"]["message"] == (
        f"{period.code} is under way (it ends {period.end:%Y-%m-%d}): CS-NOW pays on adoption scores, so it "
        f"is calculated once they are pulled, from {first:%Y-%m-%d}, the first day after the quarter ends."
    )
    assert not Run.objects.exists()


def test_a_plan_of_another_year_is_named_before_the_quarters_state_or_row(
    ops_client, django_capture_on_commit_callbacks
):
    # The plan's year is the real problem, whether the quarter has not started or has no row at all.
    today = calendar().period_of(timezone.localdate())
    plan = assign_plan(make_user(Role.CSM, employee_id="E-NOW"), code="CS-NOW", fiscal_year=today.fy.code)
    upcoming = FiscalYear(today.fy.year + 1).quarters()[0].code
    ended = FiscalYear(today.fy.year - 1).quarters()[3].code
    for quarter in (upcoming, ended):
        response = start(ops_client, quarter, plan.code, django_capture_on_commit_callbacks)
        assert response.status_code == 400
        assert response.json()["error"]["message"] == (
            f"CS-NOW is a plan of {today.fy.code}: {quarter} is not one of its quarters."
        )
    assert not Period.objects.exists() and not Run.objects.exists()


def test_an_unknown_plan_is_named(ops_client, django_capture_on_commit_callbacks):
    quarter = calendar().last_ended_before(timezone.localdate())
    assign_plan(make_user(Role.CSM, employee_id="E-X"), code="CS-X", fiscal_year=quarter.fy.code)
    get_period(quarter.code)
    response = start(ops_client, quarter.code, "NOPE", django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "There is no plan 'NOPE'."
