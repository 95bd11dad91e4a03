"""The audit trail lists the points ledger's entries and each redemption's decision (docs/design.md §11.4)."""

from datetime import date
from decimal import Decimal

from commissions.services.person_metrics import values_from
from incentives.services.points import earn_points, expire_points
from incentives.services.redemptions import approve_redemption, reject_redemption, request_redemption
from tests.builders import assign_plan
from tests.points.conftest import LATER, logins_rule, reward

from .conftest import as_, change, trail


def _earn(person, month: date):
    earn_points(month, metrics=values_from([(person.pk, month, Decimal(95))]), today=LATER)


def test_earned_and_expired_points_are_listed(ops, csm):
    logins_rule(ops, points=10, start=date(2021, 1, 1), expiry_months=1)
    _earn(csm, date(2021, 1, 1))
    expire_points(date(2021, 3, 1))

    entries = trail(object_type="points_entry")

    assert [e.object_label for e in entries] == [
        "csm@example.com · expired -10",
        "csm@example.com · earned 10",
    ]
    assert change(entries[1], "points") == ("", "10")
    assert change(entries[0], "points") == ("", "-10")


def test_a_redemption_decision_is_listed_with_who_decided(ops, finance, csm):
    assign_plan(csm)
    logins_rule(ops, points=100, start=date(2021, 4, 1))
    _earn(csm, date(2021, 4, 1))
    voucher = reward(ops, code="voucher", price=30, kind="cash", cash_amount="50.00", currency="USD")
    mug = reward(ops, code="mug", price=15)
    paid = request_redemption(reward=voucher, user=csm, today=date(2021, 5, 3))
    refused = request_redemption(reward=mug, user=csm, today=date(2021, 5, 3))
    with as_(finance):
        approve_redemption(redemption=paid, user=finance, comment="Enjoy", today=date(2021, 5, 4))
        reject_redemption(redemption=refused, user=finance, comment="Out of mugs", today=date(2021, 5, 4))

    decisions = {
        e.object_id: (e.who, change(e, "status"))
        for e in trail(object_type="redemption")
        if change(e, "status") and change(e, "status")[0] == "pending"
    }

    assert decisions == {
        str(paid.pk): ("finance@example.com", ("pending", "approved")),
        str(refused.pk): ("finance@example.com", ("pending", "rejected")),
    }
    assert trail(object_type="redemption", search="no-such-reward") == []
