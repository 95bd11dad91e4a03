"""Points expire at the end of the last day of their expiry month; what a redemption used never expires,
and what a pending redemption reserves waits for its decision (docs/design.md §11.4; RULES "Points")."""

from datetime import date

import pytest

from incentives.models import PointsEntry
from incentives.services.points import balance_of, expire_points
from incentives.services.redemptions import approve_redemption, reject_redemption, request_redemption

from .conftest import earn, logins_rule, reward

pytestmark = pytest.mark.django_db
JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
LAST_DAY = date(2026, 1, 31)  # January 2025 + 12 months (POINTS_EXPIRY_MONTHS by default)
NEXT_DAY = date(2026, 2, 1)


def _expired():
    return [(e.employee_id, e.lot.month, e.points, e.on) for e in PointsEntry.objects.filter(kind="expired")]


def test_points_are_kept_on_their_last_day_and_gone_the_day_after(ops, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN)

    assert expire_points(LAST_DAY) == []
    assert balance_of(csm, LAST_DAY).balance == 10

    written = expire_points(NEXT_DAY)

    assert [(e.points, e.on) for e in written] == [(-10, NEXT_DAY)]
    assert balance_of(csm, NEXT_DAY).balance == 0
    assert balance_of(csm, LAST_DAY).balance == 10  # the ledger as of the last day still had them
    assert expire_points(NEXT_DAY) == [] and expire_points(date(2027, 1, 1), today=date(2027, 1, 1)) == []


def test_what_expires_is_what_is_left_of_each_lot_after_first_in_first_out(ops, finance, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN, FEB)
    used = request_redemption(reward=reward(ops, price=15), user=csm, today=date(2025, 6, 1))
    approve_redemption(redemption=used, user=finance, today=date(2025, 6, 2))

    expire_points(NEXT_DAY)  # January's lot was used up: nothing left of it to expire
    assert _expired() == []
    expire_points(date(2026, 3, 1))  # February's: 5 left, gone after 2026-02-28

    assert _expired() == [(csm.pk, FEB, -5, date(2026, 3, 1))]
    assert balance_of(csm, date(2026, 3, 1)).balance == 0


def test_reserved_points_do_not_expire_while_pending_and_expire_when_rejected_after_the_last_day(
    ops, finance, csm
):
    logins_rule(ops, points=10)
    earn(csm, JAN)
    pending = request_redemption(reward=reward(ops, price=6), user=csm, today=LAST_DAY)

    expire_points(NEXT_DAY)
    assert _expired() == [(csm.pk, JAN, -4, NEXT_DAY)]  # the unreserved part only

    reject_redemption(redemption=pending, user=finance, comment="out of stock", today=date(2026, 2, 10))

    assert _expired() == [(csm.pk, JAN, -4, NEXT_DAY), (csm.pk, JAN, -6, date(2026, 2, 10))]
    state = balance_of(csm, date(2026, 2, 10))
    assert (state.balance, state.reserved, state.available) == (0, 0, 0)
    assert expire_points(date(2026, 3, 1)) == []


def test_reserved_points_approved_after_the_last_day_are_redeemed_not_expired(ops, finance, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN)
    pending = request_redemption(reward=reward(ops, price=10), user=csm, today=LAST_DAY)
    expire_points(NEXT_DAY)

    approve_redemption(redemption=pending, user=finance, today=date(2026, 2, 5))

    assert _expired() == []
    assert list(PointsEntry.objects.filter(kind="redeemed").values_list("points", flat=True)) == [-10]
    assert expire_points(date(2026, 3, 1)) == []


def test_points_released_before_their_last_day_stay_until_it(ops, finance, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN)
    pending = request_redemption(reward=reward(ops, price=10), user=csm, today=date(2026, 1, 20))

    reject_redemption(redemption=pending, user=finance, comment="not now", today=LAST_DAY)

    assert _expired() == [] and balance_of(csm, LAST_DAY).available == 10
    expire_points(NEXT_DAY)
    assert _expired() == [(csm.pk, JAN, -10, NEXT_DAY)]
