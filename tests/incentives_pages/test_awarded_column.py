"""A SPIFF page's "Awarded" column shows money only for an approved award (docs/incentives.md "Pages"): a
grant waiting for approval says "awaiting approval", a rejected grant and an unfunded event "nothing
awarded" — never the amount asked as if it had been paid."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.person_metrics import values_from
from incentives.models import SpiffAward
from incentives.services.awards import approve_grant, award_spiff, grant_spiff, reject_grant

from .conftest import manual_spiff

pytestmark = pytest.mark.django_db


def awarded_cell(html: str, award: SpiffAward) -> str:
    row = html[html.index(f'<tr data-award="{award.pk}">') :].split("</tr>")[0]
    return row.split('class="num awarded">')[1].split("</td>")[0]


def _grant(spiff, person, ops, amount: str) -> SpiffAward:
    return grant_spiff(
        spiff=spiff, employee=person, amount=amount, day=date(2021, 5, 12), reason="Saved.", user=ops
    )


def test_only_an_approved_grant_shows_its_amount_as_awarded(client, ops, cco, csm, other_csm, plan):
    spiff = manual_spiff(ops, cco, budget="1000.00")
    approved = approve_grant(award=_grant(spiff, csm, ops, "250.50"), user=cco)
    pending = _grant(spiff, other_csm, ops, "250.50")
    rejected = reject_grant(award=_grant(spiff, csm, ops, "99.00"), user=cco, comment="Not this one.")
    client.force_login(cco)

    html = client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()

    assert awarded_cell(html, approved) == "250.50 USD"
    assert "awaiting approval" in awarded_cell(html, pending) and "USD" not in awarded_cell(html, pending)
    assert "nothing awarded" in awarded_cell(html, rejected) and "USD" not in awarded_cell(html, rejected)


def test_an_unfunded_event_shows_nothing_awarded(client, ops, cco, csm, plan):
    from tests.spiffs.conftest import approved, rule_spiff

    spiff = approved(rule_spiff(ops, budget="40.00", amount="40.00"), ops, cco)
    days = [(csm.pk, date(2021, 5, 3), Decimal("95")), (csm.pk, date(2021, 5, 4), Decimal("95"))]
    funded, unfunded = award_spiff(spiff, date(2021, 5, 31), metrics=values_from(days)).awards
    client.force_login(ops)

    html = client.get(f"/incentives/spiffs/{spiff.code}/").content.decode()

    assert awarded_cell(html, funded) == "40.00 USD"
    assert unfunded.status == "unfunded" and "nothing awarded" in awarded_cell(html, unfunded)
