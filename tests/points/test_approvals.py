"""Who decides on a redemption (docs/design.md §11.4, ``accounts.access``): ops or finance approves or
rejects, never the person who asked; ops hands out what is not cash; every step compares the status."""

from datetime import date

import pytest

from accounts.models import Role
from core.errors import NotAllowed
from incentives.errors import PointsInvalid, WrongStatus
from incentives.models import Redemption
from incentives.services.points import balance_of
from incentives.services.redemptions import (
    approve_redemption,
    fulfil_redemption,
    reject_redemption,
    request_redemption,
)
from tests.builders import make_user

from .conftest import earn, logins_rule, reward

pytestmark = pytest.mark.django_db
JAN, DAY = date(2025, 1, 1), date(2025, 4, 10)


@pytest.fixture
def asked(ops, csm):
    logins_rule(ops, points=10)
    earn(csm, JAN)
    return request_redemption(reward=reward(ops, price=10), user=csm, today=DAY)


@pytest.mark.parametrize("role", [Role.OPS, Role.FINANCE])
def test_ops_or_finance_approves(asked, role):
    decider = make_user(role)

    row = approve_redemption(redemption=asked, user=decider, today=DAY)

    assert (row.status, row.decided_by, row.decided_on, row.period) == ("approved", decider, DAY, None)


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.CCO])
def test_other_roles_may_not_decide(asked, role):
    with pytest.raises(NotAllowed, match="approving a reward needs the ops or finance role"):
        approve_redemption(redemption=asked, user=make_user(role), today=DAY)
    with pytest.raises(NotAllowed):
        reject_redemption(redemption=asked, user=make_user(role), comment="no", today=DAY)


def test_nobody_approves_their_own_reward(ops, finance):
    logins_rule(ops, points=10)
    earn(ops, JAN)
    own = request_redemption(reward=reward(ops, price=10), user=ops, today=DAY)

    with pytest.raises(NotAllowed, match="nobody approves their own reward"):
        approve_redemption(redemption=own, user=ops, today=DAY)
    assert approve_redemption(redemption=own, user=finance, today=DAY).status == "approved"
    with pytest.raises(NotAllowed, match="nobody hands out their own reward"):
        fulfil_redemption(redemption=own, user=ops, today=DAY)


def test_a_rejection_says_why_and_releases_the_points(asked, finance, csm):
    with pytest.raises(PointsInvalid, match="says why"):
        reject_redemption(redemption=asked, user=finance, comment=" ", today=DAY)
    assert balance_of(csm, DAY).available == 0

    row = reject_redemption(redemption=asked, user=finance, comment="out of stock", today=DAY)

    assert (row.status, row.comment) == ("rejected", "out of stock")
    assert balance_of(csm, DAY).available == 10


def test_a_decided_redemption_is_not_decided_again(asked, ops, finance):
    approve_redemption(redemption=asked, user=finance, today=DAY)

    with pytest.raises(WrongStatus, match="is approved: it is not waiting for approval"):
        approve_redemption(redemption=asked, user=ops, today=DAY)
    with pytest.raises(WrongStatus):
        reject_redemption(redemption=asked, user=ops, comment="late", today=DAY)


def test_ops_fulfils_an_approved_reward_that_is_not_cash(asked, ops, finance):
    with pytest.raises(WrongStatus, match="only an approved reward"):
        fulfil_redemption(redemption=asked, user=ops, today=DAY)
    approve_redemption(redemption=asked, user=finance, today=DAY)
    with pytest.raises(NotAllowed, match="handing out a reward needs the ops role"):
        fulfil_redemption(redemption=asked, user=finance, today=DAY)

    row = fulfil_redemption(redemption=asked, user=ops, today=DAY)

    assert (row.status, row.fulfilled_by, row.fulfilled_on) == ("fulfilled", ops, DAY)


def test_a_cash_reward_lies_in_the_quarter_of_its_approval_and_is_not_fulfilled_by_hand(ops, finance, csm):
    from tests.builders import assign_plan

    assign_plan(make_user(Role.CSM, employee_id="Z-PLAN"))  # FY22, so its quarters may be written
    logins_rule(ops, points=10, start=date(2021, 1, 1))
    earn(csm, date(2021, 4, 1))
    cash = reward(ops, code="cash", kind="cash", price=10, cash_amount="25.50", currency="usd")
    asked = request_redemption(reward=cash, user=csm, today=date(2021, 5, 3))

    row = approve_redemption(redemption=asked, user=finance, today=date(2021, 8, 2))

    assert (row.period.code, row.cash_amount, row.currency) == ("FY22-Q3", cash.cash_amount, "USD")
    with pytest.raises(WrongStatus, match="paid with the payroll"):
        fulfil_redemption(redemption=row, user=ops, today=date(2021, 8, 2))


def test_a_cash_reward_without_an_amount_is_refused(ops):
    with pytest.raises(PointsInvalid) as exc:
        reward(ops, code="cash", kind="cash", price=0)

    assert "A cash reward pays an amount above 0." in exc.value.message
    assert "price (points) must be a whole number above 0" in exc.value.message
    assert "names its currency" in exc.value.message
    assert Redemption.objects.count() == 0
