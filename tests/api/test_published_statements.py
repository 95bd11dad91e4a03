"""The API follows the access module: a CSM reads payouts and results of closed quarters' final runs only
(DESIGN §5: closing publishes statements); everyone else reads every run as before."""

import pytest
from django.utils import timezone

from accounts.models import Role
from api.tokens import create_token
from commissions.models import Payout, Period, Run
from tests.builders import make_user

pytestmark = pytest.mark.django_db

RESULTS = ["payouts", "component-results", "customer-results"]


def publish(run: Run) -> None:
    """Make ``run`` the final run of its quarter and close the quarter (what close_period does)."""
    Run.objects.filter(pk=run.pk).update(is_final=True)
    Period.objects.filter(pk=run.period_id).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=run.started_by
    )


def rows(client, endpoint: str) -> list[dict]:
    response = client.get(f"/api/{endpoint}/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("endpoint", RESULTS)
def test_a_csm_gets_an_empty_list_for_an_open_quarters_run(world, client_for, endpoint):
    assert rows(client_for("csm"), endpoint) == []
    assert len(rows(client_for("finance"), endpoint)) == 3


def test_a_csm_gets_404_for_their_own_payout_of_an_open_quarter(world, client_for, people):
    own = Payout.objects.get(employee=people["csm"])
    assert client_for("csm").get(f"/api/payouts/{own.pk}/").status_code == 404
    assert client_for("csvp").get(f"/api/payouts/{own.pk}/").status_code == 200


@pytest.mark.parametrize("endpoint", RESULTS)
def test_a_csm_sees_their_own_results_of_a_closed_quarters_final_run(world, client_for, endpoint):
    publish(world["run"])

    [row] = rows(client_for("csm"), endpoint)
    assert row["run"] == world["run"].pk


def test_a_csm_opens_their_published_payout_and_not_another_csms(world, client_for, people):
    publish(world["run"])
    own = Payout.objects.get(employee=people["csm"])
    theirs = Payout.objects.get(employee=people["other_csm"])

    assert client_for("csm").get(f"/api/payouts/{own.pk}/").status_code == 200
    assert client_for("csm").get(f"/api/payouts/{theirs.pk}/").status_code == 404


def test_a_csm_who_is_also_the_geo_vp_lists_the_geos_open_payouts(world):
    from rest_framework.test import APIClient

    both = make_user(Role.CSM, Role.CSVP, geo="AMER")
    _, key = create_token(both, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert len(rows(client, "payouts")) == 2  # the AMER CSMs' payouts of the open quarter
