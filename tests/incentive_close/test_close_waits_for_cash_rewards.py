"""A quarter does not close while a cash reward asked on one of its days waits for a decision; other
rewards, and requests of another quarter, do not hold it (docs/incentives.md "Operations", §11.4)."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.close import close_period
from commissions.services.person_metrics import values_from
from core.errors import AttainError
from incentives.models import Redemption
from incentives.services.points import earn_points
from incentives.services.redemptions import approve_redemption, reject_redemption, request_redemption
from tests.points.conftest import logins_rule, reward

from .conftest import untouched


@pytest.fixture
def rich(quarter, ops, erin):
    """E1 with 100 points of April 2021 (valid until 2022-04-30)."""
    logins_rule(ops, points=100, start=date(2021, 4, 1))
    earn_points(date(2021, 4, 1), metrics=values_from([(erin.pk, date(2021, 4, 1), Decimal(95))]))
    return erin


@pytest.fixture
def voucher(ops):
    return reward(ops, code="voucher", price=30, kind="cash", cash_amount="50.00", currency="USD")


def test_a_pending_cash_reward_asked_in_the_quarter_holds_it_until_decided(
    quarter, ops, finance, rich, voucher
):
    asked = request_redemption(reward=voucher, user=rich, today=date(2021, 7, 20))

    with pytest.raises(AttainError) as refused:
        close_period(period=quarter, user=ops)

    assert str(refused.value) == (
        f"FY22-Q2 has cash rewards waiting for a decision: #{asked.pk} Voucher (50.00 USD) for "
        "e1@example.com, asked 2021-07-20. Approve or reject them first (an approved one is paid with the "
        "payroll of the quarter it is approved in)."
    )
    assert untouched(quarter)

    paid = approve_redemption(redemption=asked, user=finance, today=date(2021, 8, 2))
    close_period(period=quarter, user=ops)

    quarter.refresh_from_db()
    assert quarter.is_closed
    assert paid.period.code == "FY22-Q3"  # paid with the payroll of the quarter of its approval


def test_a_rejected_cash_reward_lets_the_quarter_close(quarter, ops, finance, rich, voucher):
    asked = request_redemption(reward=voucher, user=rich, today=date(2021, 7, 20))
    reject_redemption(redemption=asked, user=finance, comment="Out of stock.", today=date(2021, 8, 2))

    close_period(period=quarter, user=ops)


def test_other_rewards_and_cash_asked_in_another_quarter_do_not_hold_it(quarter, ops, rich, voucher):
    mug = reward(ops, code="mug", price=15, kind="training")
    request_redemption(reward=mug, user=rich, today=date(2021, 7, 20))
    request_redemption(reward=voucher, user=rich, today=date(2021, 8, 1))  # FY22-Q3's first day

    close_period(period=quarter, user=ops)

    assert Redemption.objects.filter(status=Redemption.Status.PENDING).count() == 2
