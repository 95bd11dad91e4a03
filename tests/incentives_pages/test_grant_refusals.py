"""A grant posted to a SPIFF that takes none — a rule SPIFF, a draft, a closed one — is refused with a
message on the SPIFF's page, like any other step (docs/incentives.md "Pages"): never a page re-rendered at
/grant/ that shows nothing, and nothing is written."""

from decimal import Decimal

import pytest

from incentives.models import SpiffAward
from incentives.services.spiffs import close_spiff, create_spiff

from .conftest import END, START, manual_spiff

pytestmark = pytest.mark.django_db


def grant_data(person) -> dict:
    return {"employee": person.employee_id, "amount": "150.00", "day": "2021-05-12", "reason": "Saved ACME."}


def _post(client, spiff, person):
    return client.post(f"/incentives/spiffs/{spiff.code}/grant/", grant_data(person), follow=True)


def test_a_grant_to_a_rule_spiff_is_refused_with_a_message(client, ops, cco, csm, plan):
    from tests.spiffs.conftest import approved, rule_spiff

    spiff = approved(rule_spiff(ops), ops, cco)
    client.force_login(ops)

    response = _post(client, spiff, csm)

    assert response.redirect_chain == [(f"/incentives/spiffs/{spiff.code}/", 302)]
    assert (
        "SPIFF logins-may is a rule SPIFF, approved: only an approved SPIFF granted by hand takes grants."
        in response.content.decode()
    )
    assert not SpiffAward.objects.exists()


def test_a_grant_to_a_draft_is_refused_with_a_message(client, ops, csm, plan):
    spiff = create_spiff(
        user=ops,
        code="saves",
        name="Saves",
        start=START,
        end=END,
        currency="USD",
        kind="manual",
        budget=Decimal("500"),
    )
    client.force_login(ops)

    response = _post(client, spiff, csm)

    assert response.redirect_chain == [("/incentives/spiffs/saves/", 302)]
    assert (
        "SPIFF saves is a granted by hand SPIFF, draft: only an approved SPIFF" in response.content.decode()
    )
    assert not SpiffAward.objects.exists()


def test_a_grant_to_a_closed_spiff_is_refused_with_a_message(client, ops, cco, csm, plan):
    spiff = close_spiff(spiff=manual_spiff(ops, cco), user=ops)
    client.force_login(ops)

    response = _post(client, spiff, csm)

    assert response.redirect_chain == [("/incentives/spiffs/saves-may/", 302)]
    assert "granted by hand SPIFF, closed: only an approved SPIFF" in response.content.decode()
    assert not SpiffAward.objects.exists()
