"""The console says, per plan, what Calculate did and which plans need a new run before close."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from commissions.models import Assignment, KpiActual, Plan, Run
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.approvals.test_applied_in_calculation import push_through
from tests.approvals.test_close_two_plans import NRR_PLAN
from tests.builders import make_user

from .conftest import URL, page_messages, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans(worked):
    """The worked example with a second, NRR-only plan for E1; pulled; v1 of each plan."""
    nrr = load_plan(source=NRR_PLAN, file_name="nrr.yaml")
    Assignment.objects.create(
        employee=User.objects.get(employee_id="E1"),
        plan=nrr,
        start_date=date(2021, 2, 1),
        on_target_amount=Decimal("1000.00"),
    )
    pull_scores(period=worked)
    for plan in Plan.objects.order_by("code"):
        calculate(period=worked, plan=plan)
    return worked


def test_calculate_says_per_plan_which_got_a_new_run_and_which_did_not(
    as_user, ops, cco, finance, two_plans, inline_tasks, django_capture_on_commit_callbacks
):
    push_through("exception", "C3", "1", two_plans, cco, finance, ops)
    client = as_user(ops)

    before = client.get(URL).content.decode()
    assert "CS-FY22: inputs changed since v1; needs a new run" in before
    assert "CS-NRR-FY22: v1 is current" in before
    assert 'id="close-needs-runs"' in before

    response = post(client, "calculate", django_capture_on_commit_callbacks)

    assert page_messages(response) == [
        "CS-FY22: v2 queued.",
        "CS-NRR-FY22: no new run: inputs unchanged since v1.",
    ]
    assert Run.objects.filter(plan__code="CS-FY22").count() == 2
    assert Run.objects.filter(plan__code="CS-NRR-FY22").count() == 1
    after = client.get(URL).content.decode()  # the queued run ran when the request's transaction committed
    assert "CS-FY22: v2 is current" in after and 'id="close-needs-runs"' not in after

    closed = post(client, "close", django_capture_on_commit_callbacks, confirm="1")
    assert "Closed FY22-Q2; final runs: CS-FY22 v2, CS-NRR-FY22 v1." in " ".join(page_messages(closed))


def test_an_empty_book_is_shown_before_close_and_in_the_close_confirmation(
    as_user, ops, two_plans, inline_tasks, django_capture_on_commit_callbacks
):
    nobody = make_user("csm", employee_id="E9")
    Assignment.objects.create(
        employee=nobody,
        plan=Plan.objects.get(code="CS-FY22"),
        start_date=date(2021, 2, 1),
        on_target_amount=3,
    )
    KpiActual.objects.create(employee=nobody, period="FY22-Q2", kpi="prs", value=10)
    client = as_user(ops)
    post(client, "calculate", django_capture_on_commit_callbacks)

    page = client.get(URL).content.decode()
    assert "CS-FY22 v2: 2 component lines did not apply" in page
    assert "E9: ADOPTION does not apply in FY22-Q2 (their book is empty" in page

    closed = post(client, "close", django_capture_on_commit_callbacks, confirm="1")
    assert any("2 component lines of the final runs did not apply" in m for m in page_messages(closed))


def test_a_plan_state_kept_between_views_follows_every_input_change(as_user, ops, two_plans):
    client = as_user(ops)
    assert "CS-NRR-FY22: v1 is current" in client.get(URL).content.decode()
    assert "CS-NRR-FY22: v1 is current" in client.get(URL).content.decode()  # kept: nothing changed

    Assignment.objects.filter(plan__code="CS-NRR-FY22").update(on_target_amount=Decimal("1500.00"))

    assert "CS-NRR-FY22: inputs changed since v1; needs a new run" in client.get(URL).content.decode()
