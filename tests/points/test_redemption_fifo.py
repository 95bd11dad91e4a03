"""A redemption takes its points from the oldest lots first (RULES "Points": first in, first out by
earning date), reserving them while pending and redeeming them when approved (docs/design.md §11.4)."""

from datetime import date

import pytest

from incentives.errors import NotEnoughPoints, PointsInvalid
from incentives.models import PointsEntry
from incentives.services.points import balance_of
from incentives.services.redemptions import approve_redemption, request_redemption

from .conftest import earn, logins_rule, reward

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
DAY = date(2025, 4, 10)


def _lots(redemption):
    return [(part.lot.month, part.points) for part in redemption.lots.select_related("lot").order_by("pk")]


def test_a_redemption_takes_the_oldest_lots_first_across_lots(ops, finance, csm):
    logins_rule(ops, points=10)
    earn(csm, MAR, JAN, FEB)  # earned out of order: the earning month decides, not the run

    first = request_redemption(reward=reward(ops, price=15), user=csm, today=DAY)
    second = request_redemption(reward=reward(ops, code="pass", price=12), user=csm, today=DAY)

    assert _lots(first) == [(JAN, 10), (FEB, 5)]
    assert _lots(second) == [(FEB, 5), (MAR, 7)]
    assert balance_of(csm, DAY) == balance_of(csm, DAY).__class__(balance=30, reserved=27, expiring=0)
    assert balance_of(csm, DAY).available == 3

    approve_redemption(redemption=first, user=finance, today=DAY)

    redeemed = PointsEntry.objects.filter(kind="redeemed").order_by("pk")
    assert [(e.lot.month, e.points, e.on) for e in redeemed] == [(JAN, -10, DAY), (FEB, -5, DAY)]
    state = balance_of(csm, DAY)
    assert (state.balance, state.reserved, state.available) == (15, 12, 3)


def test_insufficient_points_are_refused_naming_available_and_price(ops, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN, FEB)
    request_redemption(reward=reward(ops, price=15), user=csm, today=DAY)

    with pytest.raises(NotEnoughPoints, match=r"Pass costs 6 points: .* has 5 available \(15 reserved"):
        request_redemption(reward=reward(ops, code="pass", price=6), user=csm, today=DAY)
    assert request_redemption(reward=reward(ops, code="pen", price=5), user=csm, today=DAY).points == 5


def test_a_lot_past_its_last_day_is_not_available_even_before_the_expiry_run(ops, csm):
    logins_rule(ops, points=10, expiry_months=1)
    earn(csm, JAN)  # last day 2025-02-28

    assert balance_of(csm, date(2025, 2, 28)).available == 10
    with pytest.raises(NotEnoughPoints, match="has 0 available"):
        request_redemption(reward=reward(ops, price=10), user=csm, today=date(2025, 3, 1))
    assert balance_of(csm, date(2025, 3, 1)).expiring == 10


def test_an_inactive_reward_is_not_offered(ops, csm):
    logins_rule(ops)
    earn(csm, JAN)
    gone = reward(ops, price=5)
    gone.active = False
    gone.save()

    with pytest.raises(PointsInvalid, match="Mug is no longer offered"):
        request_redemption(reward=gone, user=csm, today=DAY)
