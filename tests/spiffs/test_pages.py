"""The SPIFF pages (docs/incentives.md) ask the access module: a CSM sees none and cannot approve."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from incentives.services.awards import award_spiff
from incentives.services.spiffs import propose_spiff
from tests.builders import make_user

from .conftest import END, approved, rule_spiff

pytestmark = pytest.mark.django_db


def test_a_csm_may_neither_see_nor_approve_spiffs(client, ops):
    spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)
    client.force_login(make_user(Role.CSM))

    assert client.get("/incentives/spiffs/").status_code == 403
    assert client.post(f"/incentives/spiffs/{spiff.code}/approve/").status_code == 403
    spiff.refresh_from_db()
    assert spiff.status == "proposed"


def test_the_list_shows_budget_consumption(client, ops, cco, plan):
    a = make_user(Role.CSM, employee_id="E1")
    spiff = approved(rule_spiff(ops, budget="100.00", people=[a]), ops, cco)
    award_spiff(spiff, END, metrics=values_from([(a.pk, date(2021, 5, 3), Decimal("95"))]))
    client.force_login(cco)

    html = client.get("/incentives/spiffs/").content.decode()

    row = html[html.index('data-spiff="logins-may"') :]
    assert "100.00 USD" in row and "40.00 USD" in row and "60.00 USD" in row and "40.0%" in row


def test_the_cco_approves_from_the_page_and_ops_sees_no_approve_button(client, ops, cco):
    spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)
    client.force_login(ops)
    assert 'id="decide-form"' not in client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()

    client.force_login(cco)
    assert 'id="decide-form"' in client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()
    response = client.post(
        f"/incentives/spiffs/{spiff.code}/approve/", {"version": spiff.version}, follow=True
    )

    spiff.refresh_from_db()
    assert spiff.status == "approved"
    assert "Approved logins-may." in response.content.decode()


def test_ops_refused_approval_by_post_is_a_message_not_a_change(client, ops):
    spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)
    client.force_login(ops)

    response = client.post(f"/incentives/spiffs/{spiff.code}/approve/", follow=True)

    spiff.refresh_from_db()
    assert spiff.status == "proposed"
    assert "needs the cco or finance role" in response.content.decode()
