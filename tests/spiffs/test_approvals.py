"""Who proposes and approves a SPIFF (docs/design.md §11.3, ``accounts.access``): a Geo VP or ops
proposes; the CCO approves, and finance too when the budget is above SPIFF_FINANCE_APPROVAL_ABOVE
(10,000.00 in the base currency by default); every step recorded."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import FxRate
from core.errors import MissingFxRate, NotAllowed
from incentives.errors import SpiffInvalid, WrongStatus
from incentives.models import SpiffEvent
from incentives.services.spiffs import approve_spiff, close_spiff, create_spiff, propose_spiff, reject_spiff
from tests.builders import make_user

from .conftest import rule_spiff

pytestmark = pytest.mark.django_db


def test_a_budget_equal_to_the_threshold_is_approved_by_the_cco_alone(ops, cco):
    spiff = propose_spiff(spiff=rule_spiff(ops, budget="10000.00"), user=ops)

    spiff = approve_spiff(spiff=spiff, user=cco)

    assert (spiff.needs_finance, spiff.status) == (False, "approved")


def test_a_budget_one_cent_above_the_threshold_needs_finance_after_the_cco(ops, cco, finance):
    spiff = propose_spiff(spiff=rule_spiff(ops, budget="10000.01"), user=ops)

    spiff = approve_spiff(spiff=spiff, user=cco)
    assert (spiff.needs_finance, spiff.status) == (True, "proposed")
    spiff = approve_spiff(spiff=spiff, user=finance)
    assert spiff.status == "approved"
    assert list(SpiffEvent.objects.filter(spiff=spiff).values_list("action", "user", "status_after")) == [
        ("created", ops.pk, "draft"),
        ("proposed", ops.pk, "proposed"),
        ("approved_cco", cco.pk, "proposed"),
        ("approved_finance", finance.pk, "approved"),
    ]


def test_finance_may_approve_before_the_cco_but_it_is_approved_only_with_both(ops, cco, finance):
    spiff = propose_spiff(spiff=rule_spiff(ops, budget="20000.00"), user=ops)

    spiff = approve_spiff(spiff=spiff, user=finance)
    assert spiff.status == "proposed"
    assert approve_spiff(spiff=spiff, user=cco).status == "approved"


def test_finance_alone_does_not_approve_below_the_threshold(ops, finance):
    spiff = propose_spiff(spiff=rule_spiff(ops, budget="500.00"), user=ops)

    with pytest.raises(NotAllowed, match="the CCO approves it alone"):
        approve_spiff(spiff=spiff, user=finance)


@pytest.mark.parametrize("role", [Role.CSM, Role.OPS, Role.CSVP])
def test_only_the_cco_or_finance_approve(ops, role):
    spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)

    with pytest.raises(NotAllowed, match="approving a SPIFF needs the cco or finance role"):
        approve_spiff(spiff=spiff, user=make_user(role))


def test_a_cco_who_proposed_may_not_approve_and_one_person_gives_one_step(cco, finance):
    both = make_user(Role.OPS, Role.CCO, Role.FINANCE)
    spiff = propose_spiff(spiff=rule_spiff(both, budget="20000.00"), user=both)
    with pytest.raises(NotAllowed, match="they proposed it"):
        approve_spiff(spiff=spiff, user=both)

    other = make_user(Role.CCO, Role.FINANCE)
    spiff = approve_spiff(spiff=spiff, user=other)
    with pytest.raises(NotAllowed, match="finance's approval is another person's"):
        approve_spiff(spiff=spiff, user=other)


@pytest.mark.parametrize("role", [Role.CSM, Role.CCO, Role.FINANCE])
def test_only_ops_or_a_geo_vp_proposes(role):
    with pytest.raises(NotAllowed, match="proposing a SPIFF needs the csvp or ops role"):
        rule_spiff(make_user(role))


def test_a_geo_vp_proposes_for_their_own_geo_only():
    vp = make_user(Role.CSVP, geo="EMEA")
    with pytest.raises(NotAllowed, match="for their own geo"):
        rule_spiff(vp)  # all CSMs
    spiff = rule_spiff(vp, eligibility="geo", geo="EMEA")
    assert propose_spiff(spiff=spiff, user=vp).status == "proposed"


def test_a_rejection_is_final_and_says_why(ops, cco):
    spiff = propose_spiff(spiff=rule_spiff(ops), user=ops)
    with pytest.raises(SpiffInvalid, match="says why"):
        reject_spiff(spiff=spiff, user=cco, comment=" ")

    spiff = reject_spiff(spiff=spiff, user=cco, comment="Not this quarter")
    assert spiff.status == "rejected"
    with pytest.raises(WrongStatus):
        approve_spiff(spiff=spiff, user=cco)


def test_an_approval_of_a_version_no_longer_current_is_refused(ops, cco):
    spiff = rule_spiff(ops)
    seen = spiff.version
    propose_spiff(spiff=spiff, user=ops)

    with pytest.raises(WrongStatus, match="changed meanwhile"):
        approve_spiff(spiff=spiff, user=cco, version=seen)


def test_ops_closes_an_approved_spiff(ops, cco):
    spiff = approve_spiff(spiff=propose_spiff(spiff=rule_spiff(ops), user=ops), user=cco)
    assert close_spiff(spiff=spiff, user=ops).status == "closed"


def test_a_budget_in_another_currency_is_compared_at_the_quarters_rate(ops, cco, settings):
    settings.BASE_CURRENCY = "USD"
    spiff = create_spiff(
        user=ops,
        code="eur",
        name="EUR",
        start=date(2021, 5, 1),
        end=date(2021, 5, 31),
        currency="EUR",
        kind="manual",
        budget="9000.00",
    )
    with pytest.raises(MissingFxRate, match="No FX rate of EUR for FY22-Q2"):
        propose_spiff(spiff=spiff, user=ops)
    FxRate.objects.create(period="FY22-Q2", currency="EUR", rate=Decimal("1.12"))  # 10,080.00 USD
    assert propose_spiff(spiff=spiff, user=ops).needs_finance is True


def test_bad_values_are_listed_at_once(ops):
    with pytest.raises(SpiffInvalid) as refused:
        create_spiff(
            user=ops,
            code="bad",
            name="Bad",
            start=date(2021, 5, 31),
            end=date(2021, 5, 1),
            currency="USD",
            kind="rule",
            budget=100.0,
            amount="10.001",
            per="week",
        )
    message = str(refused.value)
    for problem in (
        "not a float",
        "at most 2 decimals",
        "ends (2021-05-01) before it starts",
        "names its metric",
        "states its threshold",
        "per 'event' or per 'person'",
    ):
        assert problem in message
