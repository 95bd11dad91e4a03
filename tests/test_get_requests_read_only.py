"""GET requests never write: a link naming a quarter (``?period=FY99-Q4``) cannot create it, and the
forms offer the current quarter without creating it; sending a form creates the quarter chosen."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from approvals.models import Request
from commissions.models import Period, Plan
from commissions.services.periods import get_period
from core.fiscal import calendar
from dashboards.console.selectors import default_period_code
from tests.builders import make_customer, make_user

pytestmark = pytest.mark.django_db

UNKNOWN = "FY99-Q4"


def _codes() -> set[str]:
    return set(Period.objects.values_list("code", flat=True))


def _plan_this_year() -> None:
    """A plan of the current fiscal year: only then do the forms offer (and sending creates) its quarter."""
    year = calendar().period_of(timezone.localdate()).fy.code
    Plan.objects.create(code=f"CS-{year}", name="CS plan", fiscal_year=year, currency="USD")


def test_forms_naming_an_unknown_quarter_create_nothing(client):
    _plan_this_year()
    csm, vp = make_user(Role.CSM), make_user(Role.CSVP)
    for person, url in ((csm, "/requests/inquiries/new/"), (vp, "/requests/new/")):
        client.force_login(person)
        response = client.get(url, {"period": UNKNOWN})
        assert response.status_code == 200, url
        # The current quarter is offered before anything created its row.
        assert calendar().period_of(timezone.localdate()).code in response.content.decode()
    assert not Period.objects.exists()


def test_sending_the_form_creates_the_quarter_chosen(client):
    _plan_this_year()
    vp = make_user(Role.CSVP, geo="AMER")
    customer = make_customer(geo="AMER")
    code = calendar().period_of(timezone.localdate()).code
    client.force_login(vp)
    data = {
        "kind": "extra_credit",
        "customer": customer.customer_id,
        "period": code,
        "value": "0.5",
        "justification": "Ran every workshop of the quarter for them.",
    }
    response = client.post("/requests/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Request.objects.get().period.code == code
    assert Request.objects.get().value == Decimal("0.5")


def test_console_gets_naming_an_unknown_quarter_create_nothing(client):
    get_period(default_period_code())  # the quarter the console shows by default
    before = _codes()
    client.force_login(make_user(Role.OPS))
    # The console shows the quarter without creating it; the export of a quarter with no row is a 404.
    for url, status in (("/console/", 200), ("/console/export/", 404)):
        response = client.get(url, {"period": UNKNOWN}, follow=True)
        assert response.status_code == status, url
        assert f"No plan covers {UNKNOWN} (no plan is loaded yet)." in response.content.decode()
    assert _codes() == before


def test_api_payroll_of_an_unknown_quarter_is_404_and_creates_nothing():
    client = APIClient()
    client.force_authenticate(make_user(Role.OPS))
    response = client.get("/api/payouts.csv", {"period": UNKNOWN})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert UNKNOWN in response.json()["error"]["message"]
    response = client.get("/api/payouts.csv", {"period": "nonsense"})
    assert response.status_code == 400
    assert not Period.objects.exists()
