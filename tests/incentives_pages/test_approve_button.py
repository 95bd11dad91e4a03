"""Approve is offered only when the person's approval step is actually open — the service's own decision
(``approval_step``, docs/design.md §11.3) — on a proposed SPIFF and on a pending grant: finance never sees
it on a SPIFF (or grant) below the finance threshold, which the CCO approves alone, nor anyone whose step
is given already."""

from datetime import date

import pytest

from incentives.services.awards import approve_grant, grant_spiff
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff

from .conftest import END, START, manual_spiff

pytestmark = pytest.mark.django_db
APPROVE = "/approve/"


def proposed(ops, *, budget: str):
    spiff = create_spiff(
        user=ops,
        code="saves",
        name="Saves",
        start=START,
        end=END,
        currency="USD",
        kind="manual",
        budget=budget,
    )
    return propose_spiff(spiff=spiff, user=ops)


def buttons(client, person, spiff) -> str:
    client.force_login(person)
    html = client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()
    return html[html.index('id="decide-form"') :].split("</form>")[0] if 'id="decide-form"' in html else ""


def test_finance_sees_no_approve_below_the_finance_threshold(client, ops, cco, finance, plan):
    spiff = proposed(ops, budget="500.00")  # ≤ 10,000.00: the CCO approves alone

    assert "spiffs/saves/approve/" in buttons(client, cco, spiff)
    finance_form = buttons(client, finance, spiff)
    assert "spiffs/saves/approve/" not in finance_form and "spiffs/saves/reject/" in finance_form


def test_above_the_threshold_each_sees_approve_only_while_their_step_is_open(client, ops, cco, finance, plan):
    spiff = proposed(ops, budget="20000.00")
    assert "spiffs/saves/approve/" in buttons(client, finance, spiff)
    assert "spiffs/saves/approve/" in buttons(client, cco, spiff)

    spiff = approve_spiff(spiff=spiff, user=cco)

    assert spiff.status == "proposed"  # finance's step is still to give
    assert "spiffs/saves/approve/" not in buttons(client, cco, spiff)
    assert "spiffs/saves/approve/" in buttons(client, finance, spiff)


def test_a_grant_below_the_threshold_offers_finance_no_approve(client, ops, cco, finance, csm, plan):
    spiff = manual_spiff(ops, cco, budget="500.00")
    award = grant_spiff(
        spiff=spiff, employee=csm, amount="100.00", day=date(2021, 5, 3), reason="Saved.", user=ops
    )
    url = f"/grants/{award.pk}/approve/"

    client.force_login(finance)
    assert url not in client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()
    client.force_login(cco)
    assert url in client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()

    approve_grant(award=award, user=cco)

    assert url not in client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()
