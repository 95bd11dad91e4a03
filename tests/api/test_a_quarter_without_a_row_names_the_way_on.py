"""A calculation of a quarter with no row yet says how the quarter comes to exist (``periods.not_stored``,
the one wording of the command, the console and the API): its score pull creates it — for a plan without
adoption too, which reads no score — and a calculation never does. Following the way on, the NRR-only plan
is calculated."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from commissions.models import Assignment, Component, Period, Plan, Run
from tests.builders import make_user

pytestmark = pytest.mark.django_db

QUARTER = "FY26-Q1"  # 2025-02-01 to 2025-04-30: ended
WAY_ON = (
    "There is no quarter FY26-Q1 yet: nothing was pulled, calculated or filed for it. Pulling its scores "
    "creates it (the console's Pull, pull_scores FY26-Q1 or POST /api/pulls/), for every plan of FY26, one "
    "without adoption too; then calculate it. run_quarter_end FY26-Q1 does both."
)


@pytest.fixture
def nrr_only(people) -> Plan:
    """NRR-FY26, paying on NRR alone, with one CSM on it from FY26's first day."""
    plan = Plan.objects.create(code="NRR-FY26", name="NRR only", fiscal_year="FY26", currency="USD")
    Component.objects.create(plan=plan, code="NRR", position=0, metric="nrr", weight=1, goal=Decimal("1.1"))
    Assignment.objects.create(
        employee=make_user(Role.CSM, employee_id="E-NRR", email="nrr@example.com"),
        plan=plan,
        start_date=date(2025, 2, 1),
        on_target_amount=Decimal("3000"),
    )
    return plan


def test_the_command_names_the_pull_that_creates_the_quarter(nrr_only, people):
    with pytest.raises(CommandError) as refused:
        call_command("calculate", QUARTER, "--user", people["ops"].email)

    assert str(refused.value) == WAY_ON
    assert not Period.objects.exists() and not Run.objects.exists()


def test_the_api_and_the_console_say_the_same_sentence(nrr_only, people, client_for, client):
    response = client_for("ops").post("/api/runs/", {"period": QUARTER, "plan": nrr_only.code}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == WAY_ON

    client.force_login(people["ops"])
    page = client.post("/console/calculate/", {"period": QUARTER, "plan": nrr_only.code})
    assert WAY_ON in [str(message) for message in get_messages(page.wsgi_request)]
    assert not Period.objects.exists()


def test_following_the_way_on_calculates_the_plan_without_adoption(nrr_only, people):
    out = io.StringIO()
    call_command("pull_scores", QUARTER, "--user", people["ops"].email, stdout=out)
    call_command("calculate", QUARTER, "--user", people["ops"].email, stdout=out)

    assert Period.objects.filter(code=QUARTER).exists()
    run = Run.objects.get(plan=nrr_only)
    assert run.status == Run.Status.SUCCEEDED and run.payouts.count() == 1
    # One CSM is "1 CSM" (core.words.counted), as every count of the command says it.
    assert f"NRR-FY26 {QUARTER} v1: 1 CSM, total " in out.getvalue()
    assert "1 CSMs" not in out.getvalue()
