"""Grants by hand from a manual SPIFF's page (docs/design.md §11.3 "Grants"): ops or a Geo VP grants, the
CCO (and finance when the SPIFF needs it) approves or rejects; a refusal is a message, bad input is named
on the form, and nothing is half-written."""

from datetime import date
from decimal import Decimal

import pytest

from incentives.models import SpiffAward, SpiffEvent

from .conftest import manual_spiff

pytestmark = pytest.mark.django_db


def page(spiff) -> str:
    return f"/incentives/spiffs/{spiff.code}/"


def grant_data(person, **changes) -> dict:
    data = {"employee": person.employee_id, "amount": "150.00", "day": "2021-05-12", "reason": "Saved ACME."}
    return data | changes


def test_ops_grants_and_the_cco_approves_through_the_pages(client, ops, cco, csm, plan):
    spiff = manual_spiff(ops, cco, budget="500.00")
    client.force_login(ops)
    assert 'id="grant-form"' in client.get(page(spiff)).content.decode()

    response = client.post(f"{page(spiff)}grant/", grant_data(csm), follow=True)

    assert "Granted 150.00 USD of saves-may to" in response.content.decode()
    award = SpiffAward.objects.get()
    assert (award.employee, award.amount, award.day, award.status, award.granted_by) == (
        csm,
        Decimal("150.00"),
        date(2021, 5, 12),
        "pending",
        ops,
    )
    assert award.period.code == "FY22-Q2"
    # Ops may not approve: no button, and a crafted post is refused with the sentence.
    assert 'id="pending-grants"' not in client.get(page(spiff)).content.decode()
    html = client.post(f"{page(spiff)}grants/{award.pk}/approve/", follow=True).content.decode()
    assert "needs the cco or finance role" in html

    client.force_login(cco)
    html = client.get(page(spiff)).content.decode()
    assert f'data-grant="{award.pk}"' in html and f"/grants/{award.pk}/approve/" in html
    html = client.post(f"{page(spiff)}grants/{award.pk}/approve/", {"comment": "Well done."}, follow=True)

    award.refresh_from_db()
    assert (award.status, award.cco_approver) == ("approved", cco)
    text = html.content.decode()
    assert "Approved the grant" in text
    # 500.00 − 150.00 approved = 350.00 left.
    assert "150.00 USD awarded, 350.00 USD remaining" in text
    assert list(SpiffEvent.objects.filter(award=award).values_list("action", flat=True)) == [
        "granted",
        "grant_cco",
    ]


def test_above_the_finance_threshold_finance_approves_after_the_cco(client, ops, cco, finance, csm, plan):
    spiff = manual_spiff(ops, cco, budget="20000.00", finance=finance)
    client.force_login(ops)
    client.post(f"{page(spiff)}grant/", grant_data(csm, amount="12000.00"))
    award = SpiffAward.objects.get()

    client.force_login(cco)
    client.post(f"{page(spiff)}grants/{award.pk}/approve/")
    award.refresh_from_db()
    assert award.status == "pending"  # finance's step is still to give
    assert f"/grants/{award.pk}/approve/" not in client.get(page(spiff)).content.decode()

    client.force_login(finance)
    assert f"/grants/{award.pk}/approve/" in client.get(page(spiff)).content.decode()
    client.post(f"{page(spiff)}grants/{award.pk}/approve/")

    award.refresh_from_db()
    assert (award.status, award.cco_approver, award.finance_approver) == ("approved", cco, finance)


def test_the_cco_rejects_a_grant_with_a_comment_and_not_without(client, ops, cco, csm, plan):
    spiff = manual_spiff(ops, cco)
    client.force_login(ops)
    client.post(f"{page(spiff)}grant/", grant_data(csm))
    award = SpiffAward.objects.get()
    client.force_login(cco)

    html = client.post(f"{page(spiff)}grants/{award.pk}/reject/", {"comment": " "}, follow=True)
    assert "A rejection says why (a comment)." in html.content.decode()
    award.refresh_from_db()
    assert award.status == "pending"

    client.post(f"{page(spiff)}grants/{award.pk}/reject/", {"comment": "Not a SPIFF matter."})
    award.refresh_from_db()
    assert award.status == "rejected"
    assert "0.00 USD awarded, 500.00 USD remaining" in client.get(page(spiff)).content.decode()


def test_a_grant_beyond_the_budget_left_is_refused_on_the_form_and_nothing_is_written(
    client, ops, cco, csm, plan
):
    spiff = manual_spiff(ops, cco, budget="100.00")
    client.force_login(ops)

    response = client.post(f"{page(spiff)}grant/", grant_data(csm, amount="100.01"))

    assert response.status_code == 200
    assert response.context["grant_form"].non_field_errors() == [
        "100.01 USD does not fit in saves-may's budget: 100.00 USD of 100.00 USD is left."
    ]
    assert SpiffAward.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"day": "2021-06-01"}, "day", "2021-06-01 is outside saves-may's dates (2021-05-01 to 2021-05-31)."),
        ({"amount": "-5.00"}, "amount", "The amount must be above 0."),
        ({"reason": ""}, "reason", "This field is required."),
        ({"employee": "E404"}, "employee", "Choose a person eligible for this SPIFF among those you see."),
    ],
)
def test_bad_grants_are_named_on_the_form(client, ops, cco, csm, plan, changes, field, message):
    spiff = manual_spiff(ops, cco)
    client.force_login(ops)

    response = client.post(f"{page(spiff)}grant/", grant_data(csm, **changes))

    assert response.status_code == 200
    assert response.context["grant_form"].errors[field] == [message]
    assert SpiffAward.objects.count() == 0


def test_a_person_not_named_by_the_spiff_cannot_be_chosen(client, ops, cco, csm, other_csm, plan):
    spiff = manual_spiff(ops, cco, people=[csm])
    client.force_login(ops)
    html = client.get(page(spiff)).content.decode()
    assert 'value="E1"' in html and 'value="E2"' not in html

    response = client.post(f"{page(spiff)}grant/", grant_data(other_csm))

    assert "employee" in response.context["grant_form"].errors
    assert SpiffAward.objects.count() == 0


def test_a_geo_vp_grants_to_their_own_geo_only(client, ops, cco, csvp, csm, plan):
    from accounts.models import Role
    from tests.builders import make_user

    emea = make_user(Role.CSM, geo="EMEA", employee_id="E9")
    spiff = manual_spiff(ops, cco)
    client.force_login(csvp)

    html = client.get(page(spiff)).content.decode()
    assert 'value="E1"' in html and 'value="E9"' not in html
    assert client.post(f"{page(spiff)}grant/", grant_data(emea)).status_code == 200
    assert SpiffAward.objects.count() == 0
    client.post(f"{page(spiff)}grant/", grant_data(csm))
    assert SpiffAward.objects.get().granted_by == csvp


def test_who_may_grant(client, ops, cco, finance, csm, plan):
    spiff = manual_spiff(ops, cco)

    client.force_login(csm)
    assert client.post(f"{page(spiff)}grant/", grant_data(csm)).status_code == 403
    for person in (cco, finance):
        client.force_login(person)
        assert 'id="grant-form"' not in client.get(page(spiff)).content.decode()
        html = client.post(f"{page(spiff)}grant/", grant_data(csm), follow=True).content.decode()
        assert "needs the ops or csvp role" in html
    assert SpiffAward.objects.count() == 0


def test_a_csm_may_not_approve_a_grant(client, ops, cco, csm, plan):
    spiff = manual_spiff(ops, cco)
    client.force_login(ops)
    client.post(f"{page(spiff)}grant/", grant_data(csm))
    award = SpiffAward.objects.get()

    client.force_login(csm)
    assert client.post(f"{page(spiff)}grants/{award.pk}/approve/").status_code == 403
    award.refresh_from_db()
    assert award.status == "pending"


def test_a_rule_spiff_offers_no_grant_form(client, ops, cco, plan):
    from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff

    spiff = create_spiff(
        user=ops,
        code="logins",
        name="Logins",
        start=date(2021, 5, 1),
        end=date(2021, 5, 31),
        currency="USD",
        kind="rule",
        metric="login_rate",
        threshold=Decimal("90"),
        amount="40.00",
        per="event",
        budget="100.00",
    )
    approve_spiff(spiff=propose_spiff(spiff=spiff, user=ops), user=cco)
    client.force_login(ops)

    assert 'id="grant-form"' not in client.get(page(spiff)).content.decode()
