"""Approved cash rewards are paid with the payroll of the quarter of their approval, as their own lines
(docs/design.md §11.4): commission, SPIFF and reward lines sum to the cent, and a closed quarter's rewards
never change."""

import csv
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest

from accounts.models import User
from commissions.services.export import write_payouts
from commissions.services.periods import get_period
from core.errors import PeriodClosed
from incentives.services.awards import approve_grant, grant_spiff
from incentives.services.payroll import reward_payroll_lines
from incentives.services.redemptions import approve_redemption, create_reward, request_redemption
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from tests.quarter.conftest import cco, load_worked_example, ops  # noqa: F401 (fixtures)
from tests.trueups.conftest import close_quarter

from .conftest import earn, logins_rule

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def q2_with_rewards(cco, ops, finance):  # noqa: F811
    """The worked example's FY22-Q2 (E1 paid 2,333.33 USD of commission), E1 granted a 40.01 SPIFF and
    redeeming 30 points (earned 10 a month in February–April 2021) for a 25.50 and a 0.49 USD cash reward
    and a training, all approved in Q2; then closed and signed off."""
    load_worked_example(cco)
    q2 = get_period("FY22-Q2")
    e1 = User.objects.get(employee_id="E1")
    day = q2.start + timedelta(days=3)
    spiff = create_spiff(
        user=ops,
        code="thanks",
        name="Thanks",
        start=q2.start,
        end=q2.end,
        currency="USD",
        kind="manual",
        budget="50.00",
        eligibility="list",
        people=[e1],
    )
    spiff = approve_spiff(spiff=propose_spiff(spiff=spiff, user=ops), user=cco)
    approve_grant(
        award=grant_spiff(spiff=spiff, employee=e1, amount="40.01", day=day, reason="A renewal", user=ops),
        user=cco,
    )
    logins_rule(ops, points=10, start=date(2021, 1, 1))
    earn(e1, date(2021, 2, 1), date(2021, 3, 1), date(2021, 4, 1))
    rewards = [
        create_reward(
            user=ops, code="cash", name="Cash", kind="cash", price=10, cash_amount="25.50", currency="USD"
        ),
        create_reward(
            user=ops, code="coins", name="Coins", kind="cash", price=10, cash_amount="0.49", currency="USD"
        ),
        create_reward(user=ops, code="course", name="Course", kind="training", price=10),
    ]
    for reward in rewards:
        asked = request_redemption(reward=reward, user=e1, today=day)
        approve_redemption(redemption=asked, user=finance, today=day)
    return close_quarter("FY22-Q2", ops)


def _rows(period, ops):  # noqa: F811
    out = StringIO()
    write_payouts(period, out, user=ops)
    return list(csv.DictReader(StringIO(out.getvalue())))


def test_commission_spiff_and_reward_lines_sum_to_the_cent(q2_with_rewards, ops):  # noqa: F811
    rows = _rows(q2_with_rewards, ops)

    assert [
        (r["employee_id"], r["plan"], r["amount"], r["type"]) for r in rows if r["employee_id"] == "E1"
    ] == [
        # After the plans' lines, the others by code (commissions.services.export).
        ("E1", "CS-FY22", "2333.33", "commission"),
        ("E1", "cash", "25.50", "reward"),
        ("E1", "coins", "0.49", "reward"),
        ("E1", "thanks", "40.01", "spiff"),
    ]
    rewards = sum(D(r["amount"]) for r in rows if r["type"] == "reward")
    others = sum(D(r["amount"]) for r in rows if r["type"] != "reward")
    assert rewards == D("25.99")
    assert sum(D(r["amount"]) for r in rows) == others + D("25.99")
    assert sum(D(r["amount"]) for r in rows if r["employee_id"] == "E1") == D("2399.33")


def test_a_quarter_without_approved_cash_rewards_has_no_reward_lines(q2_with_rewards):
    assert reward_payroll_lines(get_period("FY22-Q3")) == []


def test_a_cash_reward_is_not_approved_into_a_closed_quarter(q2_with_rewards, ops, finance):  # noqa: F811
    e1 = User.objects.get(employee_id="E1")
    logins_rule(ops, code="later", points=10, start=date(2021, 1, 1))
    earn(e1, date(2021, 1, 1))
    from incentives.models import Reward

    asked = request_redemption(reward=Reward.objects.get(code="cash"), user=e1, today=date(2021, 7, 1))

    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed: a reward cannot be paid in it"):
        approve_redemption(redemption=asked, user=finance, today=date(2021, 7, 1))
    asked.refresh_from_db()
    assert asked.status == "pending"


def test_a_paid_reward_of_a_closed_quarter_is_frozen_below_the_orm_too(q2_with_rewards):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the closed-quarter triggers are PostgreSQL only (SQLite relies on the services)")
    for sql in (
        "UPDATE incentives_redemption SET cash_amount = 99 WHERE period_id IS NOT NULL",
        "DELETE FROM incentives_redemption WHERE period_id IS NOT NULL",
    ):
        with (
            pytest.raises(DatabaseError, match="its paid rewards cannot change"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
