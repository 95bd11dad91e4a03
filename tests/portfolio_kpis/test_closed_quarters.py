"""The KPIs a closed quarter read never change (docs/design.md §10.4): a day inside a closed quarter that
already has rows is kept as stored, whatever the usage says now; the days around it are computed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from adoption.models import PortfolioKpiDay
from adoption.portfolio.kpi_days import compute_kpi_days, kept_days
from commissions.closed import closed_days

from .conftest import TODAY, close_quarter, used

pytestmark = pytest.mark.django_db

Q1_END = date(2026, 4, 30)  # FY27-Q1 is 2026-02-01 … 2026-04-30


def below(day: date) -> tuple:
    row = PortfolioKpiDay.objects.get(day=day, level="csm", key="E-A", kpi="util_below_60")
    return row.value, row.numerator, row.denominator


def test_a_closed_quarters_stored_day_is_kept_and_the_next_days_are_computed(world):
    used(world["c1"], Q1_END, active=10, seats=100)
    compute_kpi_days(Q1_END, Q1_END, today=TODAY)
    close_quarter("FY27-Q1", date(2026, 2, 1), Q1_END)
    stamps = dict(PortfolioKpiDay.objects.filter(day=Q1_END).values_list("pk", "computed_at"))
    used(world["c2"], Q1_END, active=10, seats=100)  # a late file for the closed day
    used(world["c2"], Q1_END + timedelta(days=1), active=10, seats=100)

    written = compute_kpi_days(Q1_END, Q1_END + timedelta(days=1), today=TODAY)

    assert below(Q1_END) == (Decimal("1"), 1, 1)  # as the quarter read it: c2's late row is not in it
    assert dict(PortfolioKpiDay.objects.filter(day=Q1_END).values_list("pk", "computed_at")) == stamps
    assert below(Q1_END + timedelta(days=1)) == (Decimal("1"), 1, 1)
    assert written == 30  # the open day only


def test_a_closed_day_without_rows_is_computed_once_then_kept(world):
    close_quarter("FY27-Q1", date(2026, 2, 1), Q1_END)
    used(world["c1"], Q1_END, active=10, seats=100)

    assert kept_days(Q1_END, Q1_END) == {}
    assert compute_kpi_days(Q1_END, Q1_END, today=TODAY) == 30
    assert kept_days(Q1_END, Q1_END) == {Q1_END: "FY27-Q1"}
    used(world["c2"], Q1_END, active=10, seats=100)
    assert compute_kpi_days(Q1_END, Q1_END, today=TODAY) == 0
    assert below(Q1_END) == (Decimal("1"), 1, 1)


def test_the_closed_days_are_the_closed_quarters_days_only():
    close_quarter("FY27-Q1", date(2026, 2, 1), Q1_END)

    days = closed_days(date(2026, 1, 30), date(2026, 5, 2))

    assert min(days) == date(2026, 2, 1) and max(days) == Q1_END
    assert len(days) == 89 and set(days.values()) == {"FY27-Q1"}
