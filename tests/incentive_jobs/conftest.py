"""Personas and builders of the incentives' scheduled jobs (docs/incentives.md "Operations")."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import PersonMetric
from tests.builders import assign_plan, make_user


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def plan(db):
    """A plan of FY22, so that its quarters may be written (``open_period_for_writing``)."""
    return assign_plan(make_user(Role.CSM, employee_id="Z-PLAN"))


def metric(person, day: date, value: str, *, name: str = "login_rate", month: bool = False) -> PersonMetric:
    """One row of the person_metrics import, stored as the import stores it."""
    return PersonMetric.objects.create(
        employee=person,
        date=day,
        metric=name,
        period="month" if month else "day",
        value=Decimal(value),
    )
