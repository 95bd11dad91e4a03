"""A pull refused because its quarter is not over leaves no quarter behind, whichever way it was asked
for (the command, the API, the console): the refused quarter would otherwise show in every quarter list.
An adoption plan of the quarter under way is refused a calculation naming the day its scores can be
pulled (DESIGN §2: scores are pulled once the quarter is over)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from commissions.models import Period, Run
from commissions.services.periods import get_period
from commissions.services.runs import calculate
from core.errors import AttainError
from core.fiscal import calendar
from tests.builders import assign_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_quarter(ops):
    """The quarter after today's, of a fiscal year a plan covers; no row of it stored."""
    upcoming = calendar().period_of(timezone.localdate()).next()
    assign_plan(make_user(Role.CSM, employee_id="E-NOW"), code="CS-NOW", fiscal_year=upcoming.fy.code)
    assert not Period.objects.filter(code=upcoming.code).exists()
    return upcoming.code


def test_a_refused_pull_command_creates_no_quarter(next_quarter, ops):
    with pytest.raises(CommandError, match=f"{next_quarter} has not started"):
        call_command("pull_scores", next_quarter, "--user", ops.email)
    assert not Period.objects.filter(code=next_quarter).exists()


def test_a_refused_api_pull_creates_no_quarter(next_quarter, ops):
    client = APIClient()
    client.force_authenticate(ops)
    response = client.post("/api/pulls/", {"period": next_quarter}, format="json")
    assert response.status_code == 409
    assert f"{next_quarter} has not started" in response.json()["error"]["message"]
    assert not Period.objects.filter(code=next_quarter).exists()


def test_a_refused_console_pull_creates_no_quarter(next_quarter, ops, client):
    client.force_login(ops)
    response = client.post("/console/pull/", {"period": next_quarter}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"{next_quarter} has not started" in message for message in shown)
    assert not Period.objects.filter(code=next_quarter).exists()


def test_an_adoption_plan_under_way_is_told_when_it_can_be_calculated(ops):
    quarter = calendar().period_of(timezone.localdate())
    plan = assign_plan(make_user(Role.CSM, employee_id="E-NOW"), code="CS-NOW", fiscal_year=quarter.fy.code)
    period = get_period(quarter.code)
    first = period.end + timedelta(days=1)
    with pytest.raises(AttainError) as refused:
        calculate(period=period, plan=plan, user=ops)
    assert refused.value.message == (
        f"{period.code} is under way (it ends {period.end:%Y-%m-%d}): CS-NOW pays on adoption scores, so it "
        f"is calculated once they are pulled, from {first:%Y-%m-%d}, the first day after the quarter ends."
    )
    assert not Run.objects.exists()
