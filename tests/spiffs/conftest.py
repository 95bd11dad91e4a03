"""SPIFF personas and builders (docs/design.md §11.3): each test makes just the SPIFF it needs."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from tests.builders import assign_plan, make_user

# FY22 (fiscal year from February): Q2 is 2021-05-01 – 2021-07-31.
START, END = date(2021, 5, 1), date(2021, 5, 31)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO)


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE)


@pytest.fixture
def plan(db):
    """A plan of FY22, so that its quarters may be written (``open_period_for_writing``)."""
    return assign_plan(make_user(Role.CSM, employee_id="Z-PLAN"))


def rule_spiff(ops, *, budget="100.00", amount="40.00", per="event", people=None, **fields):
    return create_spiff(
        user=ops,
        code=fields.pop("code", "logins-may"),
        name="Logins in May",
        start=fields.pop("start", START),
        end=fields.pop("end", END),
        currency="USD",
        kind="rule",
        metric="login_rate",
        threshold=Decimal("90"),
        amount=amount,
        per=per,
        budget=budget,
        eligibility=fields.pop("eligibility", "list" if people else "all"),
        people=people,
        **fields,
    )


def approved(spiff, ops, cco, finance=None):
    spiff = propose_spiff(spiff=spiff, user=ops)
    spiff = approve_spiff(spiff=spiff, user=cco)
    if finance is not None:
        spiff = approve_spiff(spiff=spiff, user=finance)
    return spiff
