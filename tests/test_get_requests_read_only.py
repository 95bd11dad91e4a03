"""GET requests never write: a link naming a quarter (``?period=FY99-Q4``) cannot create it."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from approvals.selectors import ensure_recent_periods
from commissions.quarters import Period
from dashboards.console.selectors import default_period_code
from tests.builders import make_user

pytestmark = pytest.mark.django_db

UNKNOWN = "FY99-Q4"


@pytest.fixture
def known_periods():
    """The quarters the pages themselves track (the current and the last ended one) already exist."""
    ensure_recent_periods(default_period_code())
    return set(Period.objects.values_list("code", flat=True))


def test_page_gets_naming_an_unknown_quarter_create_nothing(client, known_periods):
    csm, vp, ops = make_user(Role.CSM), make_user(Role.CSVP), make_user(Role.OPS)
    for person, url in (
        (csm, "/requests/inquiries/new/"),
        (vp, "/requests/new/"),
        (ops, "/console/"),
        (ops, "/console/export/"),
    ):
        client.force_login(person)
        response = client.get(url, {"period": UNKNOWN})
        assert response.status_code in (200, 302), (url, response.status_code)
    assert set(Period.objects.values_list("code", flat=True)) == known_periods


def test_console_says_the_quarter_does_not_exist(client, known_periods):
    client.force_login(make_user(Role.OPS))
    response = client.get("/console/", {"period": UNKNOWN}, follow=True)
    assert f"There is no quarter {UNKNOWN} yet" in response.content.decode()


def test_api_payroll_of_an_unknown_quarter_is_404_and_creates_nothing(known_periods):
    client = APIClient()
    client.force_authenticate(make_user(Role.OPS))
    response = client.get("/api/payouts.csv", {"period": UNKNOWN})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert UNKNOWN in response.json()["error"]["message"]
    response = client.get("/api/payouts.csv", {"period": "nonsense"})
    assert response.status_code == 400
    assert set(Period.objects.values_list("code", flat=True)) == known_periods
