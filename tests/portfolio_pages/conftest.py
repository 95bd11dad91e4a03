"""Personas and builders of the portfolio pages' tests: KPI rows are written by hand, as the daily job
stores them (adoption.models.PortfolioKpiDay), so each test states the values it reads."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from accounts.models import Role
from adoption.models import PortfolioKpiDay
from tests.builders import make_user

DAY = date(2026, 12, 5)  # the latest day computed in these tests

# The KPIs under the default settings (adoption.kpis.kpi_codes): (code, value, numerator, denominator).
BOOK = [
    ("util_below_60", Decimal("3.000000"), 3, 10),
    ("avg_utilisation", Decimal("0.827273"), 91, 110),
    ("util_rising", Decimal("1.000000"), 1, 9),
    ("dau_mau", Decimal("0.250000"), 50, 200),
    ("weekly_active", Decimal("12.000000"), 12, 12),
    ("qbr_coverage", Decimal("0.750000"), 3, 4),
]


def store(level: str, key: str, day: date, values=BOOK, customers: int = 12) -> None:
    """One portfolio's KPI rows on ``day``."""
    PortfolioKpiDay.objects.bulk_create(
        PortfolioKpiDay(
            day=day,
            level=level,
            key=key,
            kpi=code,
            value=value,
            numerator=numerator,
            denominator=denominator,
            customers=customers,
        )
        for code, value, numerator, denominator in values
    )


def store_weekly_active(level: str, key: str, counts: list[int | None], day: date = DAY) -> None:
    """``weekly_active`` on the 12 weekly days ending ``day``, oldest first (None: not stored that day)."""
    weeks = len(counts)
    rows = [
        PortfolioKpiDay(
            day=day - timedelta(days=7 * (weeks - 1 - index)),
            level=level,
            key=key,
            kpi="weekly_active",
            value=Decimal(count),
            numerator=count,
            denominator=count,
            customers=count,
        )
        for index, count in enumerate(counts)
        if count is not None
    ]
    PortfolioKpiDay.objects.bulk_create(rows)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # no projection of an earlier test is served


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", name="Ana Csm", employee_id="E100")


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", name="Ben Csm", employee_id="E200")


@pytest.fixture
def emea_csm(db):
    return make_user(Role.CSM, geo="EMEA", name="Eva Csm", employee_id="E300")


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, geo="AMER", name="Vic Vp")


@pytest.fixture
def emea_csvp(db):
    return make_user(Role.CSVP, geo="EMEA", name="Emil Vp")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, name="Cora Cco")
