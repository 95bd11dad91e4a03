"""compute_kpi_days stores each portfolio's KPIs of a day through the database (docs/design.md §10.4):
the hand-computed edges of the world, per CSM, geo and company, replaced whole and idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from adoption.models import Ownership, PortfolioKpiDay
from adoption.portfolio.kpi_days import compute_kpi_days
from core.errors import AttainError
from tests.builders import make_customer

from .conftest import CUSTOMERS, DAY, TODAY, WORLD, used

pytestmark = pytest.mark.django_db


def stored(day: date = DAY) -> dict[tuple[str, str], dict[str, tuple]]:
    rows: dict[tuple[str, str], dict[str, tuple]] = {}
    for row in PortfolioKpiDay.objects.filter(day=day):
        rows.setdefault((row.level, row.key), {})[row.kpi] = (row.value, row.numerator, row.denominator)
    return rows


def test_every_portfolio_gets_the_hand_computed_kpis_per_csm_geo_and_company(world):
    written = compute_kpi_days(DAY, DAY, today=TODAY)

    assert stored() == WORLD
    assert written == 5 * 6  # 2 CSMs, 2 geos, the company × 6 KPI codes
    customers = {(r.level, r.key): r.customers for r in PortfolioKpiDay.objects.filter(kpi="dau_mau")}
    assert customers == CUSTOMERS


def test_exactly_60_percent_is_not_below_and_exactly_plus_10_points_is_not_rising(world):
    compute_kpi_days(DAY, DAY, today=TODAY)
    alice = stored()[("csm", "E-A")]

    # c1 is at exactly 60 % and exactly +10 points: only c2 (59 %, +11 points) counts in each.
    assert alice["util_below_60"] == (Decimal("1"), 1, 2)
    assert alice["util_rising"] == (Decimal("1"), 1, 2)


def test_a_customer_with_mau_0_has_no_dau_mau_and_is_left_out_of_both_sums(world):
    compute_kpi_days(DAY, DAY, today=TODAY)

    # With c2 (59 active, MAU 0) in the sums alice's DAU/MAU would be 119 ÷ 120.
    assert stored()[("csm", "E-A")]["dau_mau"] == (Decimal("0.500000"), 60, 120)


def test_average_utilisation_is_weighted_by_seats(world):
    compute_kpi_days(DAY, DAY, today=TODAY)

    # bob: 1 of 10 seats and 90 of 100 give 91 ÷ 110, not the 50 % a mean of the two ratios would give.
    assert stored()[("csm", "E-B")]["avg_utilisation"] == (Decimal("0.827273"), 91, 110)


def test_a_ratio_over_no_customer_is_stored_without_a_value(world):
    compute_kpi_days(DAY, DAY, today=TODAY)

    row = PortfolioKpiDay.objects.get(day=DAY, level="csm", key="E-B", kpi="qbr_coverage")
    assert (row.value, row.numerator, row.denominator, row.customers) == (None, 0, 0, 3)


def test_counts_are_stored_as_whole_numbers_and_ratios_with_6_decimals(world):
    compute_kpi_days(DAY, DAY, today=TODAY)

    rows = {r.kpi: r.value for r in PortfolioKpiDay.objects.filter(day=DAY, level="company")}
    assert rows["util_below_60"] == 2 and rows["util_below_60"] == rows["util_below_60"].to_integral_value()
    assert str(rows["avg_utilisation"]) == "0.677419"


def test_computing_a_day_again_stores_the_same_rows(world):
    compute_kpi_days(DAY, DAY, today=TODAY)
    first = stored()
    ids = set(PortfolioKpiDay.objects.values_list("pk", flat=True))

    assert compute_kpi_days(DAY, DAY, today=TODAY) == 30
    assert stored() == first
    assert PortfolioKpiDay.objects.count() == 30
    assert ids.isdisjoint(PortfolioKpiDay.objects.values_list("pk", flat=True))  # replaced, not added to


def test_a_recomputed_day_shows_corrected_usage_and_leaves_other_days_alone(world):
    compute_kpi_days(DAY - timedelta(days=1), DAY, today=TODAY)
    before = stored(DAY - timedelta(days=1))
    used(world["c5"], DAY, active=10, seats=100)  # a late usage file: c5 at 10 % on DAY

    compute_kpi_days(DAY, DAY, today=TODAY)

    assert stored()[("csm", "E-B")]["util_below_60"] == (Decimal("2"), 2, 3)
    assert stored(DAY - timedelta(days=1)) == before


def test_a_customer_is_in_its_owners_book_of_that_day_and_in_its_own_geo(world):
    Ownership.objects.create(customer=world["c4"], employee=world["alice"], start_date=DAY)
    compute_kpi_days(DAY - timedelta(days=1), DAY, today=TODAY)

    def books(day):
        return {
            r.key: r.customers for r in PortfolioKpiDay.objects.filter(day=day, level="csm", kpi="dau_mau")
        }

    assert books(DAY - timedelta(days=1)) == {"E-A": 2, "E-B": 3}
    assert books(DAY) == {"E-A": 3, "E-B": 2}
    geo = PortfolioKpiDay.objects.get(day=DAY, level="geo", key="EMEA", kpi="util_rising")
    assert (geo.value, geo.customers) == (Decimal("1"), 3)  # c4 stays in EMEA, its customer's geo


def test_a_customer_owned_by_nobody_is_in_no_portfolio(world):
    make_customer("C9", geo="AMER")
    compute_kpi_days(DAY, DAY, today=TODAY)

    assert PortfolioKpiDay.objects.get(day=DAY, level="company", kpi="dau_mau").customers == 5


def test_a_key_feature_rule_is_stored_under_its_own_code(world, settings):
    settings.KPI_KEY_FEATURES = [{"feature": "reports", "min_uses": 3, "min_users": 2, "weeks": 1}]
    used(world["c1"], DAY, **{"feature:reports": 3, "feature_users:reports": 2})
    used(world["c2"], DAY, **{"feature:reports": 3, "feature_users:reports": 1})  # too few users

    compute_kpi_days(DAY, DAY, today=TODAY)

    row = PortfolioKpiDay.objects.get(day=DAY, level="csm", key="E-A", kpi="key_feature:reports")
    assert (row.value, row.numerator, row.denominator) == (Decimal("1"), 1, 2)


def test_the_threshold_setting_names_the_below_count(world, settings):
    settings.KPI_UTILISATION_THRESHOLD = "0.595"
    compute_kpi_days(DAY, DAY, today=TODAY)

    codes = set(PortfolioKpiDay.objects.values_list("kpi", flat=True))
    assert "util_below_59_5" in codes and "util_below_60" not in codes
    # 59 % is below 59.5 %; exactly 60 % is not.
    assert stored()[("csm", "E-A")]["util_below_59_5"] == (Decimal("1"), 1, 2)


def test_a_day_that_has_not_ended_is_refused_before_anything_is_written(world):
    with pytest.raises(AttainError, match=r"2026-07-01 has not ended: .* up to yesterday, 2026-06-30"):
        compute_kpi_days(DAY, DAY + timedelta(days=1), today=TODAY)
    assert not PortfolioKpiDay.objects.exists()


def test_the_first_day_after_the_last_is_refused(world):
    with pytest.raises(AttainError, match="The first day 2026-06-30 is after the last day 2026-06-29"):
        compute_kpi_days(DAY, DAY - timedelta(days=1), today=TODAY)
