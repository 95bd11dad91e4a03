"""End to end: usage rows → the daily portfolio KPIs → a run of plans paying on computed KPIs, higher
and lower is better, at the quarter's end and averaged, equal to the hand computation of conftest.py to
the cent (DESIGN §4.5, §10.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from adoption.models import PortfolioKpiDay
from commissions.loaders import fingerprint, load_quarter, plan_members
from commissions.models import ComponentResult, KpiActual, Payout
from commissions.services.runs import calculate

from .conftest import LAST, PERIOD

pytestmark = pytest.mark.django_db


def lines(run) -> dict[str, ComponentResult]:
    return {r.component: r for r in ComponentResult.objects.filter(run=run)}


def test_a_run_pays_weekly_active_and_util_below_60_as_computed_by_hand(world):
    run = calculate(period=world["period"], plan=world["kpi_plan"]).run

    got = lines(run)
    assert (got["WA"].metric_value, got["WA"].attainment, got["WA"].payout) == (
        Decimal(8),
        Decimal("0.8"),
        Decimal("1200.00"),
    )
    assert (got["LOW"].metric_value, got["LOW"].attainment, got["LOW"].payout) == (
        Decimal(3),
        Decimal("0.75"),
        Decimal("1125.00"),
    )
    assert Payout.objects.get(run=run).amount == Decimal("2325.00")
    assert got["LOW"].detail == {
        "kpi": "util_below_60",
        "goal": "2.000000",
        "source": "computed",
        "measure": "quarter_end",
        "direction": "lower",
        "ceiling": "6.000000",
        "days": 1,
        "missing_days": 0,
    }


def test_a_quarter_average_is_the_mean_of_the_stored_days_and_the_missing_days_are_warned(world):
    run = calculate(period=world["period"], plan=world["avg_plan"]).run

    util = lines(run)["UTIL"]
    assert (util.metric_value, util.attainment, util.payout) == (
        Decimal("0.525"),
        Decimal("0.7"),
        Decimal("1400.00"),
    )
    assert (util.detail["days"], util.detail["missing_days"]) == (3, 89)
    [warning] = [w for w in run.warnings if w["code"] == "kpi_days_missing"]
    assert warning["message"] == (
        "E-B: avg_utilisation has no stored value on 89 days of FY27-Q2 (2026-05-01, 2026-05-02, "
        "2026-05-03, 2026-05-04, 2026-05-05, …); the quarter's average of UTIL is the mean of the 3 days "
        "with a value."
    )


def test_kpi_actuals_under_a_computed_code_are_not_read(world):
    KpiActual.objects.create(period=PERIOD, employee=world["alice"], kpi="weekly_active", value=10)
    run = calculate(period=world["period"], plan=world["kpi_plan"]).run
    assert lines(run)["WA"].metric_value == Decimal(8)


def test_a_missing_quarter_end_day_gives_0_with_the_missing_kpi_warning(world):
    PortfolioKpiDay.objects.filter(day=LAST, key="E-A", kpi="util_below_60").delete()
    run = calculate(period=world["period"], plan=world["kpi_plan"]).run

    low = lines(run)["LOW"]
    assert (low.attainment, low.payout) == (Decimal(0), Decimal("0.00"))
    assert (low.detail["days"], low.detail["missing_days"]) == (0, 1)
    assert {
        "code": "missing_kpi",
        "message": "E-A has no util_below_60 KPI value for FY27-Q2 (no daily value stored for the quarter's "
        "last day); attainment 0.",
    }.items() <= next(w for w in run.warnings if w["code"] == "missing_kpi").items()


def test_the_computed_values_are_in_the_runs_fingerprint(world):
    first = calculate(period=world["period"], plan=world["kpi_plan"])
    again = calculate(period=world["period"], plan=world["kpi_plan"])
    assert first.created and not again.created  # same stored KPIs: the same inputs, no second run

    PortfolioKpiDay.objects.filter(day=LAST, key="E-A", kpi="util_below_60").update(value=Decimal(4))
    changed = calculate(period=world["period"], plan=world["kpi_plan"])
    assert changed.created and changed.run.version == 2
    assert lines(changed.run)["LOW"].payout == Decimal("750.00")  # (6 − 4) / 4 × 1500


def test_a_stored_day_outside_what_the_quarter_end_reads_leaves_the_fingerprint(world):
    period, plan = world["period"], world["kpi_plan"]

    def digest() -> str:
        return fingerprint(
            load_quarter(plan=plan, period=period, pull=None, employees=plan_members(plan, period))
        )

    before = digest()
    PortfolioKpiDay.objects.filter(day=date(2026, 7, 30), key="E-A").delete()
    assert digest() == before
