"""Ops closes an approved SPIFF from its page (docs/incentives.md "Life of a SPIFF", ``close_spiff``):
nothing more is awarded by its rule nor granted by hand; what it awarded stays. Whoever may not close sees
no button, and a crafted post is refused with the reason."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.person_metrics import values_from
from core.errors import NotAllowed
from incentives.errors import WrongStatus
from incentives.models import Spiff, SpiffAward, SpiffEvent
from incentives.services.awards import award_spiff, grant_spiff
from incentives.services.spiffs import close_spiff

from .conftest import manual_spiff

pytestmark = pytest.mark.django_db


def page(spiff) -> str:
    return f"/incentives/spiffs/{spiff.code}/"


def test_ops_closes_an_approved_spiff_from_its_page_and_it_takes_no_more_grants(client, ops, cco, csm, plan):
    spiff = manual_spiff(ops, cco, budget="500.00")
    client.force_login(ops)
    assert 'id="close-form"' in client.get(page(spiff)).content.decode()

    html = client.post(f"{page(spiff)}close/", {"comment": "May is over."}, follow=True).content.decode()

    spiff.refresh_from_db()
    assert spiff.status == Spiff.Status.CLOSED
    assert "Closed saves-may." in html
    assert 'id="close-form"' not in html and 'id="grant-form"' not in html
    step = SpiffEvent.objects.filter(spiff=spiff).last()
    assert (step.action, step.user, step.comment, step.status_after) == (
        "closed",
        ops,
        "May is over.",
        "closed",
    )
    with pytest.raises(WrongStatus):
        grant_spiff(spiff=spiff, employee=csm, amount="10.00", day=date(2021, 5, 3), reason="Late.", user=ops)
    assert not SpiffAward.objects.exists()


def test_a_closed_rule_spiff_awards_nothing_more(ops, cco, csm, plan):
    from tests.spiffs.conftest import approved, rule_spiff

    spiff = approved(rule_spiff(ops, budget="100.00", amount="40.00"), ops, cco)
    values = values_from(
        [(csm.pk, date(2021, 5, 3), Decimal("95")), (csm.pk, date(2021, 5, 20), Decimal("95"))]
    )
    assert len(award_spiff(spiff, date(2021, 5, 10), metrics=values).awards) == 1

    close_spiff(spiff=spiff, user=ops)

    with pytest.raises(WrongStatus):
        award_spiff(spiff, date(2021, 5, 31), metrics=values)
    # What it awarded before the close stays: 40.00 USD for 2021-05-03.
    assert list(SpiffAward.objects.values_list("day", "amount", "status")) == [
        (date(2021, 5, 3), Decimal("40.00"), "approved")
    ]


@pytest.mark.parametrize("who", ["cco", "finance", "csvp"])
def test_only_ops_may_close_a_spiff(client, request, ops, cco, plan, who):
    spiff = manual_spiff(ops, cco)
    person = request.getfixturevalue(who)
    client.force_login(person)
    assert 'id="close-form"' not in client.get(page(spiff)).content.decode()

    html = client.post(f"{page(spiff)}close/", follow=True).content.decode()

    assert "needs the ops role" in html
    spiff.refresh_from_db()
    assert spiff.status == Spiff.Status.APPROVED
    with pytest.raises(NotAllowed):
        close_spiff(spiff=spiff, user=person)


def test_a_spiff_not_approved_cannot_be_closed(client, ops, cco, plan):
    spiff = manual_spiff(ops, cco)
    close_spiff(spiff=spiff, user=ops)
    client.force_login(ops)

    html = client.post(f"{page(spiff)}close/", follow=True).content.decode()

    assert "SPIFF saves-may is closed" in html and "which needs it approved" in html
