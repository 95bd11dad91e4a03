"""The console offers a button exactly when the service behind it would not refuse the person.

Before the rights lived in one place, an admin was shown Close and then refused by the close service,
and the payroll API served the CCO and admins what the console did not. Now every offer asks the same
right (``accounts.access``) the service enforces.
"""

import pytest
from django.test import Client
from django.utils import timezone

from accounts import access
from commissions.models import Period
from tests.builders import sign_off

from .conftest import PERSONAS, QUARTER, make_persona

VIEWERS = [p for p in PERSONAS if p not in ("csm", "csvp", "nobody", "inactive")]


def console_html(person) -> str:
    client = Client()
    client.force_login(person)
    response = client.get("/console/", {"period": QUARTER})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", VIEWERS)
def test_open_quarter_buttons_are_the_rights(world, persona):
    person = make_persona(persona)
    html = console_html(person)

    period = world["period"]
    assert ('id="pull-scores"' in html) is bool(access.may_pull(person, period))
    assert ('id="calculate"' in html) is bool(access.may_calculate(person, period))
    assert ('id="close-period"' in html) is bool(access.may_close(person, period))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", VIEWERS)
def test_closed_quarter_export_links_are_the_right(world, others, persona):
    Period.objects.filter(pk=world["period"].pk).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=others["ops"]
    )
    sign_off(Period.objects.get(pk=world["period"].pk))  # the links wait for finance's sign-off (DESIGN §5)
    person = make_persona(persona)

    assert ('id="export-summary"' in console_html(person)) is bool(access.may_export_payroll(person))


@pytest.mark.django_db
def test_an_admin_is_not_offered_close_and_the_close_page_refuses(world):
    admin = make_persona("admin")
    assert 'id="close-period"' not in console_html(admin)

    client = Client()
    client.force_login(admin)
    response = client.post("/console/close/", {"period": QUARTER})

    assert response.status_code == 403
    assert not Period.objects.get(pk=world["period"].pk).is_closed


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cco", "admin"])
def test_the_payroll_api_refuses_the_cco_and_admins_as_the_console_does(world, others, persona):
    from rest_framework.test import APIClient

    Period.objects.filter(pk=world["period"].pk).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=others["ops"]
    )
    person = make_persona(persona)
    api = APIClient()
    api.force_authenticate(person)
    page = Client()
    page.force_login(person)

    assert api.get(f"/api/payouts.csv?period={QUARTER}").status_code == 403
    assert page.get("/console/export/", {"period": QUARTER}).status_code == 403
