"""Personas and the names every path that stores a metric is tried with (docs/design.md §11.1): each test
makes just the SPIFF, rule, contest or config it needs."""

from datetime import date

import pytest

from accounts.models import Role
from tests.builders import make_user

# FY22 (fiscal year from February): May 2021 lies in FY22-Q2.
START, END = date(2021, 5, 1), date(2021, 5, 31)

# (name, the words the refusal must hold): what the one reader cannot serve day by day.
REFUSED = [
    ("attainment", "attainment is a quarter's attainment"),
    ("attainment.PRS", "attainment.PRS is a quarter's attainment"),
    ("kpi.nope", "kpi.nope names no computed KPI"),
    ("bad code!", "'bad code!' is no metric"),
]
# An imported code no row holds yet (metrics are data), a computed KPI and the scorecard average.
ACCEPTED = ["login_rate", "kpi.dau_mau", "scorecard_average"]


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, employee_id="E1", geo="AMER")
