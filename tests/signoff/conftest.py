"""The worked example of DESIGN §4 closed by ops (FY22-Q2 pays E1 2333.33 on an OTI of 3000.00), not yet
signed off; and the people who act on it."""

import pytest

from accounts.models import Role
from commissions.models import Period, Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

COMMENT = "Totals checked against the on-target amounts."


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", name="Olive Ops")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com", name="Fran Finance")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com")


def close_quarter(code: str, ops) -> Period:
    """Pull, calculate and close the worked example's plan in ``code`` as ``ops``."""
    period = get_period(code)
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=period, user=ops)
    period.refresh_from_db()
    return period


@pytest.fixture
def worked(db, cco):
    load_worked_example(cco)


@pytest.fixture
def closed(worked, ops) -> Period:
    """FY22-Q2 of the worked example, closed by ops; not signed off."""
    return close_quarter("FY22-Q2", ops)
