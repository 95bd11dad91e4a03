"""A quarter does not close while a SPIFF grant of it waits for approval, a SPIFF over it is proposed, or
an approved rule SPIFF has a qualifying event in it not yet awarded; the refusal names each, and writes
nothing (docs/incentives.md "Operations", DESIGN §5 "Quarter close")."""

from datetime import date
from decimal import Decimal

import pytest

from commissions import hooks
from commissions.models import PersonMetric
from commissions.services.close import close_period
from core.errors import AttainError
from incentives.models import Spiff, SpiffAward
from incentives.quarter_close import redemptions_blocking_close, spiffs_blocking_close
from incentives.services.awards import approve_grant, grant_spiff, reject_grant
from incentives.services.spiffs import propose_spiff, reject_spiff
from incentives.tasks import award_spiffs
from tests.spiffs.conftest import approved, rule_spiff

from .conftest import manual_spiff, untouched


def test_incentives_register_their_blockers_with_commissions():
    assert spiffs_blocking_close in hooks._close_blockers
    assert redemptions_blocking_close in hooks._close_blockers


def test_a_pending_grant_holds_the_close_named_until_it_is_approved(quarter, ops, cco, erin):
    spiff = manual_spiff(ops, cco)
    grant = grant_spiff(
        spiff=spiff, employee=erin, amount="50.00", day=date(2021, 6, 15), reason="Saved ACME", user=ops
    )

    with pytest.raises(AttainError) as refused:
        close_period(period=quarter, user=ops)

    assert str(refused.value) == (
        f"FY22-Q2 has SPIFF grants waiting for approval: saves-q2 #{grant.pk} "
        "(e1@example.com, 50.00 USD on 2021-06-15). Approve or reject them first."
    )
    assert untouched(quarter)

    approve_grant(award=grant, user=cco)
    close_period(period=quarter, user=ops)

    quarter.refresh_from_db()
    assert quarter.is_closed


def test_a_rejected_grant_and_a_pending_grant_of_another_quarter_do_not_hold_it(quarter, ops, cco, erin):
    spiff = manual_spiff(ops, cco, end=date(2021, 8, 31))
    rejected = grant_spiff(
        spiff=spiff, employee=erin, amount="50.00", day=date(2021, 6, 15), reason="Saved ACME", user=ops
    )
    reject_grant(award=rejected, user=cco, comment="Not a save: the renewal was signed already.")
    grant_spiff(spiff=spiff, employee=erin, amount="70.00", day=date(2021, 8, 2), reason="Saved X", user=ops)

    close_period(period=quarter, user=ops)

    quarter.refresh_from_db()
    assert quarter.is_closed


def test_a_proposed_spiff_over_the_quarter_holds_it_until_decided(quarter, ops, cco):
    spiff = rule_spiff(ops, code="logins-june", start=date(2021, 6, 1), end=date(2021, 6, 30))
    spiff = propose_spiff(spiff=spiff, user=ops)
    # A proposed SPIFF of another quarter does not hold this one.
    propose_spiff(
        spiff=rule_spiff(ops, code="logins-aug", start=date(2021, 8, 1), end=date(2021, 8, 31)), user=ops
    )

    with pytest.raises(
        AttainError,
        match=r"SPIFFs waiting for approval whose dates overlap it: "
        r"logins-june \(2021-06-01 – 2021-06-30\)\. Approve or reject them first",
    ):
        close_period(period=quarter, user=ops)
    assert untouched(quarter)

    reject_spiff(spiff=spiff, user=cco, comment="Not this quarter.")
    close_period(period=quarter, user=ops)


def test_an_approved_rule_spiff_not_awarded_through_the_quarter_end_holds_it(quarter, ops, cco, erin):
    spiff = approved(rule_spiff(ops, people=[erin], end=date(2021, 8, 31)), ops, cco)
    for day, value in ((date(2021, 7, 30), "95"), (date(2021, 7, 31), "90"), (date(2021, 8, 1), "99")):
        PersonMetric.objects.create(employee=erin, date=day, metric="login_rate", value=Decimal(value))
    award_spiffs(today="2021-07-30")  # the nightly job of 30 July: through the 29th, nothing qualifies

    with pytest.raises(AttainError) as refused:
        close_period(period=quarter, user=ops)

    # The 1 August event lies in FY22-Q3: it holds nothing of FY22-Q2.
    assert str(refused.value) == (
        "FY22-Q2 has SPIFF awards not yet run: logins-may (2 qualifying events of 2021-07-30 – 2021-07-31 "
        "not awarded). Run them first (python manage.py award_spiffs --day 2021-07-31, or the nightly "
        "award-spiffs job)."
    )
    assert untouched(quarter)
    assert not SpiffAward.objects.exists()

    award_spiffs(today="2021-08-01")  # through the quarter's last day
    close_period(period=quarter, user=ops)

    quarter.refresh_from_db()
    assert quarter.is_closed
    assert list(SpiffAward.objects.filter(spiff=spiff).values_list("day", "amount")) == [
        (date(2021, 7, 30), Decimal("40.00")),
        (date(2021, 7, 31), Decimal("40.00")),
    ]


def test_an_event_first_seen_after_the_run_holds_the_close_again(quarter, ops, cco, erin):
    spiff = approved(rule_spiff(ops, people=[erin], per="person", end=date(2021, 7, 31)), ops, cco)
    award_spiffs(today="2021-08-01")  # nothing qualified yet
    PersonMetric.objects.create(employee=erin, date=date(2021, 7, 2), metric="login_rate", value=Decimal(93))

    with pytest.raises(AttainError, match=r"logins-may \(1 qualifying event of 2021-07-02 – 2021-07-02"):
        close_period(period=quarter, user=ops)

    award_spiffs(today="2021-08-02")
    close_period(period=quarter, user=ops)
    assert SpiffAward.objects.get(spiff=spiff).event == "person"


def test_an_unfunded_event_written_counts_as_awarded_and_a_closed_spiff_holds_nothing(
    quarter, ops, cco, erin
):
    spiff = approved(rule_spiff(ops, people=[erin], budget="40.00"), ops, cco)
    for day in (date(2021, 5, 3), date(2021, 5, 4)):
        PersonMetric.objects.create(employee=erin, date=day, metric="login_rate", value=Decimal(95))
    award_spiffs(today="2021-06-01")  # 40.00 on the 3rd, the 4th written unfunded
    ended = approved(rule_spiff(ops, code="ended", people=[erin]), ops, cco)
    Spiff.objects.filter(pk=ended.pk).update(status=Spiff.Status.CLOSED)  # closed by ops: awards nothing

    assert spiffs_blocking_close(quarter) == []
    assert sorted(SpiffAward.objects.filter(spiff=spiff).values_list("status", flat=True)) == [
        "approved",
        "unfunded",
    ]
    close_period(period=quarter, user=ops)
