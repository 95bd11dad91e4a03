"""FY22-Q2 of the worked example (DESIGN §4) pulled and calculated, ready for ops to close, and the SPIFFs
and rewards that may hold its close (docs/incentives.md "Operations")."""

from datetime import date

import pytest

from accounts.models import Role, User
from commissions.models import PayoutLine, Period, PeriodEvent, Plan, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from incentives.services.spiffs import create_spiff
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example
from tests.spiffs.conftest import approved

Q2_START, Q2_END = date(2021, 5, 1), date(2021, 7, 31)  # FY22-Q2 (fiscal years from February)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com")


@pytest.fixture
def quarter(db, cco, ops) -> Period:
    """FY22-Q2, pulled and calculated: nothing but the incentives stands in the way of its close."""
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    return period


@pytest.fixture
def erin(quarter) -> User:
    """E1 of the worked example, a CSM."""
    return User.objects.get(employee_id="E1")


def manual_spiff(ops, cco, *, code="saves-q2", budget="1000.00", start=Q2_START, end=Q2_END):
    spiff = create_spiff(
        user=ops,
        code=code,
        name="Renewal saves",
        start=start,
        end=end,
        currency="USD",
        kind="manual",
        budget=budget,
    )
    return approved(spiff, ops, cco)


def untouched(period: Period) -> bool:
    """Nothing of a close was written: still open, no close event, no final run, no payout line."""
    period.refresh_from_db()
    return (
        not period.is_closed
        and period.closed_at is None
        and not PeriodEvent.objects.filter(period=period).exists()
        and not Run.objects.filter(period=period, is_final=True).exists()
        and not PayoutLine.objects.filter(period=period).exists()
    )
