"""/api/periods/{code}/sign-off/: finance signs off a closed quarter's payouts through the console's service
(DESIGN §1, §5; docs/quarter-close.md step 6), with its refusals in the API's error shape."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import create_token
from commissions.models import PayoutSignOff, Period, Run
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PERIOD = "FY22-Q2"
URL = f"/api/periods/{PERIOD}/sign-off/"
COMMENT = {"comment": "Totals checked against the on-target amounts."}


def close(world, people, closer: str = "ops") -> Period:
    """Close the quarter as ``closer`` (once closed, PostgreSQL's triggers refuse changes to it)."""
    Run.objects.filter(pk=world["run"].pk).update(is_final=True)
    Period.objects.filter(code=PERIOD).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=people[closer]
    )
    return Period.objects.get(code=PERIOD)


def test_finance_signs_off_a_closed_quarter_and_everyone_reads_it(world, people, client_for):
    close(world, people)
    assert client_for("csm").get(URL).json() == {
        "period": PERIOD,
        "status": "awaiting_sign_off",
        "sign_off": None,
    }

    response = client_for("finance").post(URL, COMMENT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "signed_off"
    assert body["sign_off"]["signed_by"] == "finance@example.com"
    assert body["sign_off"]["comment"] == COMMENT["comment"]
    assert body["sign_off"]["final_runs"] == [{"plan": "CS-FY22", "run": world["run"].pk, "version": 1}]
    assert body["sign_off"]["totals"] == {"CS-FY22": {"USD": "3000.00"}}
    assert client_for("ops").get(URL).json() == body
    # A CSM reads that it is signed off, not the company's totals nor finance's comment (as on the pages).
    seen_by_csm = client_for("csm").get(URL).json()["sign_off"]
    assert seen_by_csm["signed_by"] == "finance@example.com"
    assert seen_by_csm["totals"] is None and seen_by_csm["comment"] is None
    # The payroll export opens then.
    assert client_for("finance").get(f"/api/payouts.csv?period={PERIOD}").status_code == 200


def test_an_open_quarter_is_not_closed_and_its_sign_off_is_a_409(world, client_for):
    assert client_for("finance").get(URL).json()["status"] == "not_closed"
    response = client_for("finance").post(URL, COMMENT, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert not PayoutSignOff.objects.exists()


def test_signing_off_twice_is_a_409_naming_who_and_when(world, people, client_for):
    close(world, people)
    assert client_for("finance").post(URL, COMMENT, format="json").status_code == 201
    other = make_user("finance", geo="", email="finance2@example.com")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(other, 'test')[1]}")
    again = client.post(URL, COMMENT, format="json")
    assert again.status_code == 409
    assert "already signed off by finance@example.com" in again.json()["error"]["message"]


@pytest.mark.parametrize("persona", ["ops", "cco", "csm", "admin"])
def test_only_finance_signs_off(world, people, client_for, persona):
    close(world, people)
    response = client_for(persona).post(URL, COMMENT, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    assert not PayoutSignOff.objects.exists()


def test_finance_who_closed_the_quarter_may_not_sign_it_off(world, people, client_for):
    close(world, people, closer="finance")
    response = client_for("finance").post(URL, COMMENT, format="json")
    assert response.status_code == 403
    assert "closed FY22-Q2 and may not also sign off" in response.json()["error"]["message"]


def test_finance_paid_by_the_quarter_may_not_sign_it_off(world, people, client_for):
    world["run"].payouts.filter(employee=people["csm"]).update(employee=people["finance"])
    close(world, people)
    response = client_for("finance").post(URL, COMMENT, format="json")
    assert response.status_code == 403
    assert "is paid by the final runs of FY22-Q2" in response.json()["error"]["message"]


def test_a_short_comment_is_a_400_by_field(world, people, client_for):
    close(world, people)
    response = client_for("finance").post(URL, {"comment": "ok"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"comment"}


def test_an_unknown_quarter_is_a_404(world, client_for):
    assert client_for("finance").get("/api/periods/FY30-Q1/sign-off/").status_code == 404
