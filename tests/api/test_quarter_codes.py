"""The API starts no quarter that no plan covers, files requests only for the quarters the filing page
offers, and answers what a calculation did (DESIGN §2, §5)."""

import pytest

from approvals.models import Request
from commissions import tasks
from commissions.models import Period, Plan, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from tests.builders import make_customer
from tests.quarter.conftest import load_worked_example

JUSTIFICATION = "The customer paused the rollout during a merger; the team kept every workshop going."
NO_PLAN = "No plan covers {} (plans exist for FY22)."


@pytest.fixture
def planned(people):
    """A plan of FY22, its quarter FY22-Q2 stored, and ACME of the AMER csvp's geo."""
    Plan.objects.create(code="CS-FY22", name="CS plan", fiscal_year="FY22", currency="USD")
    make_customer("ACME", geo="AMER", owner=people["csm"])
    return get_period("FY22-Q2")


def file(client, period: str):
    data = {
        "kind": "exception",
        "customer_id": "ACME",
        "period": period,
        "value": "0.9",
        "justification": JUSTIFICATION,
    }
    return client.post("/api/requests/", data, format="json")


@pytest.mark.django_db
def test_a_request_for_a_quarter_no_plan_covers_is_400_and_creates_nothing(planned, client_for):
    response = file(client_for("csvp"), "FY99-Q4")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == NO_PLAN.format("FY99-Q4")
    assert not Period.objects.filter(code="FY99-Q4").exists() and not Request.objects.exists()


@pytest.mark.django_db
def test_a_request_for_a_quarter_the_page_does_not_offer_is_refused_as_the_page_does(
    planned, people, client_for, client
):
    response = file(client_for("csvp"), "FY22-Q1")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("FY22-Q1 is not one of the quarters offered (") and "FY22-Q2" in message
    client.force_login(people["csvp"])
    form = {"kind": "exception", "customer": "ACME", "value": "0.9", "justification": JUSTIFICATION}
    page = client.post("/requests/new/", {**form, "period": "FY22-Q1"})
    assert message in page.content.decode().replace("&#x27;", "'")
    assert not Period.objects.filter(code="FY22-Q1").exists() and not Request.objects.exists()


@pytest.mark.django_db
def test_a_request_for_an_offered_quarter_is_filed(planned, client_for):
    assert file(client_for("csvp"), "FY22-Q2").status_code == 201


@pytest.mark.django_db
def test_a_pull_of_a_quarter_no_plan_covers_is_400_and_creates_nothing(planned, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": "FY95-Q3"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == NO_PLAN.format("FY95-Q3")
    assert not Period.objects.filter(code="FY95-Q3").exists()


@pytest.mark.django_db
def test_a_pull_starts_a_quarter_of_a_planned_year(planned, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": "FY22-Q3"}, format="json")
    assert response.status_code == 201 and Period.objects.filter(code="FY22-Q3").exists()


@pytest.mark.django_db
def test_a_run_of_a_quarter_no_plan_covers_names_the_plans_year_and_creates_nothing(planned, client_for):
    # The plan's year is the real problem (periods.plans_to_calculate): said before the quarter's row.
    response = client_for("ops").post("/api/runs/", {"period": "FY95-Q2", "plan": "CS-FY22"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "CS-FY22 is a plan of FY22: FY95-Q2 is not one of its quarters."
    )
    assert not Period.objects.filter(code="FY95-Q2").exists()


@pytest.fixture
def inline_tasks(monkeypatch):
    monkeypatch.setattr(
        tasks.calculate_plan, "delay", lambda *args, **kwargs: tasks.calculate_plan(*args, **kwargs)
    )


@pytest.mark.django_db(transaction=True)
def test_a_started_run_answers_the_consoles_sentence_with_the_version_made(people, client_for, inline_tasks):
    # transaction=True: on_commit runs the (inline) task at once, as an eager worker does outside a test.
    load_worked_example(people["cco"])
    pull_scores(period=get_period("FY22-Q2"))
    client = client_for("ops")
    first = client.post("/api/runs/", {"period": "FY22-Q2", "plan": "CS-FY22"}, format="json")
    assert first.status_code == 202
    assert first.json() == {
        "url": "/api/runs/?period=FY22-Q2&plan=CS-FY22",
        "plan": "CS-FY22",
        "queued": True,
        "message": "CS-FY22: v1 queued",
    }
    assert list(Run.objects.values_list("version", flat=True)) == [1]
    again = client.post("/api/runs/", {"period": "FY22-Q2", "plan": "CS-FY22"}, format="json").json()
    assert (again["queued"], again["message"]) == (False, "CS-FY22: no new run: inputs unchanged since v1")
