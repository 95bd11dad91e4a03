"""Points personas and builders (docs/design.md §11.4): each test earns just the lots it needs."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from incentives.services.points import create_points_rule, earn_points
from incentives.services.redemptions import create_reward
from tests.builders import make_user

D = Decimal
LATER = date(2030, 1, 1)  # a "today" after every month the tests earn in


@pytest.fixture
def ops(db):
    return make_user(Role.OPS)


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE)


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, employee_id="C-1")


def logins_rule(ops, *, points=10, threshold="90", start=date(2025, 1, 1), **fields):
    return create_points_rule(
        user=ops,
        code=fields.pop("code", "logins"),
        name="Login rate",
        metric="login_rate",
        threshold=threshold,
        points=points,
        start=start,
        **fields,
    )


def earn(person, *months: date, value="95"):
    """Earn each month's lots for ``person`` from one qualifying login_rate row on the month's first day."""
    for month in months:
        earn_points(month, metrics=values_from([(person.pk, month, D(value))]), today=LATER)


def reward(ops, *, code="mug", price=15, kind="training", **fields):
    return create_reward(user=ops, code=code, name=code.title(), kind=kind, price=price, **fields)
