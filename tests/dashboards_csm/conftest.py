"""Fixtures of the CSM pages: the worked example calculated and closed, personas, the demo company."""

from datetime import date

import pytest

from accounts.models import Role, User
from commissions.models import Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def worked(db, cco):
    """The worked example imported; the snapshot approved; no pull yet. Returns E1."""
    load_worked_example(cco)
    user = User.objects.get(employee_id="E1")
    user.set_password("correct horse battery staple")
    user.save()
    return user


@pytest.fixture
def worked_run(worked, ops):
    """The worked example pulled, calculated and closed: returns its final run."""
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    run = calculate(period=period, plan=Plan.objects.get(), user=ops).run
    close_period(period=period, user=ops)
    run.refresh_from_db()
    return run


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", employee_id="E2")


@pytest.fixture
def demo(db):
    """The demo company with its ended quarters pulled and calculated (FY27-Q3 open, FY27-Q4 live)."""
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=DEMO_TODAY)
    run_demo_quarters(today=DEMO_TODAY)
