"""Filing a request through the page: the customer's context beside the form, validation, creation."""

from decimal import Decimal

import pytest

from accounts.models import Role
from approvals.models import Request, RequestStep
from commissions.models import Plan
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import JUSTIFICATION, messages_of


def post(client, **fields):
    data = {
        "kind": "exception",
        "customer": "ACME",
        "period": "FY22-Q2",
        "value": "0.9",
        "justification": JUSTIFICATION,
    }
    data.update(fields)
    return client.post("/requests/new/", data)


@pytest.fixture
def worked_vp(cco):
    """The worked example (DESIGN §4) pulled and calculated, with an AMER Geo VP."""
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    return make_user(Role.CSVP, geo="AMER")


@pytest.mark.django_db
def test_form_shows_baseline_target_score_and_credited_r(login, worked_vp):
    response = login(worked_vp).get("/requests/new/?customer=C1&period=FY22-Q2")
    assert response.status_code == 200
    context = response.context["context"]
    assert (context.baseline, context.target, context.score) == (Decimal("40"), Decimal("60"), Decimal("55"))
    assert context.result.r == Decimal("0.75")
    body = response.content.decode()
    # docs/design.md §6 "Formats": scores without trailing zeros, r as a percentage with one decimal.
    # Scores with two decimals, r a percentage (docs/design.md §6 "Formats").
    assert "<dd>40.00</dd>" in body and "<dd>60.00\n" in body and ">55.00</a> <span" in body
    assert "r = 75.0%" in body
    assert "score pull #" in body
    assert response.context["form"]["customer"].value() == "C1"


@pytest.mark.django_db
def test_form_says_no_run_yet_and_uses_the_latest_observation_before_a_pull(login, cco):
    load_worked_example(cco)
    get_period("FY22-Q2")  # a link naming a quarter never creates it (GETs never write)
    vp = make_user(Role.CSVP, geo="AMER")
    response = login(vp).get("/requests/new/?customer=C2&period=FY22-Q2")
    body = response.content.decode()
    assert "no run yet" in body
    assert ">72.00</a> <span" in body and "latest observation" in body
    assert "no target" in body


@pytest.mark.django_db
def test_form_shows_no_context_for_a_customer_of_another_geo(login, emea_vp, customer, period):
    response = login(emea_vp).get("/requests/new/?customer=ACME&period=FY22-Q2")
    assert response.status_code == 200
    assert response.context["context"] is None
    assert "Acme Corp" not in response.content.decode()


@pytest.mark.django_db
def test_filing_creates_the_request_and_its_step_and_redirects_to_it(login, amer_vp, customer, period):
    response = post(login(amer_vp))
    filed = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{filed.pk}/"
    assert (filed.kind, filed.customer, filed.period, filed.value) == (
        "exception",
        customer,
        period,
        Decimal("0.9"),
    )
    assert filed.filed_by == amer_vp and filed.status == Request.Status.PENDING_CCO
    step = RequestStep.objects.get()
    assert (step.action, step.actor, step.role, step.status_after) == (
        "filed",
        amer_vp,
        "csvp",
        "pending_cco",
    )


@pytest.mark.django_db
def test_a_short_justification_is_refused_with_a_clear_message(login, amer_vp, customer, period):
    response = post(login(amer_vp), justification="too short")
    assert response.status_code == 200
    assert "The justification needs at least 20 characters (it has 9)." in response.content.decode()
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_a_customer_of_another_geo_is_refused(login, emea_vp, customer, period):
    response = post(login(emea_vp))
    assert "No customer ACME among the customers of your geo." in response.content.decode()
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_a_value_out_of_range_shows_the_services_refusal(login, amer_vp, customer, period):
    response = post(login(amer_vp), kind="extra_credit", value="1.5")
    assert "Extra credit points must be more than 0 and at most 1." in response.content.decode()
    response = post(login(amer_vp), value="-0.1")
    assert "between 0 and the customer cap" in response.content.decode()
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_a_second_open_request_is_refused(login, amer_vp, customer, period):
    post(login(amer_vp))
    response = post(login(amer_vp))
    assert "ACME already has an open exception request for FY22-Q2." in response.content.decode()
    assert Request.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_quarter_is_not_offered(login, amer_vp, customer, period, ops):
    from django.utils import timezone

    period.status, period.closed_at, period.closed_by = "closed", timezone.now(), ops
    period.save()
    response = login(amer_vp).get("/requests/new/?customer=ACME&period=FY22-Q2")
    assert "FY22-Q2" not in [p.code for p in response.context["periods"]]
    response = post(login(amer_vp))
    assert "FY22-Q2 is closed: cannot file a request." in response.content.decode()
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_success_message_after_filing(login, amer_vp, customer, period):
    response = login(amer_vp).post(
        "/requests/new/",
        {
            "kind": "exception",
            "customer": "ACME",
            "period": "FY22-Q2",
            "value": "1",
            "justification": JUSTIFICATION,
        },
        follow=True,
    )
    assert any("Filed exception #" in m for m in messages_of(response))
