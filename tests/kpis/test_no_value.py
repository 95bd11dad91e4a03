"""A KPI whose denominator — the portfolio's members with a value that day — is 0 has no value that day,
counts included (docs/design.md §10.2, docs/kpis.md "Common rules"); each count is judged on its own
members with a value."""

from datetime import date

import pytest

from adoption.kpis import FeatureRule, KpiRules, kpi_value, portfolio_sums

from .helpers import DAY, NO_ACTIVITIES, QUARTER_START, activities, kpis_of, usage, utilisation

REPORTS = FeatureRule("reports", min_uses=1, min_users=1, weeks=2)
RULES = KpiRules(key_features=(REPORTS,))


def test_a_day_without_usage_gives_every_count_no_value_not_zero():
    # Only a QBR activity: the portfolio has members, but none has usage in any window the counts read.
    acts = activities((1, date(2026, 1, 10), "onboarding_completed"), (1, date(2026, 5, 1), "qbr"))
    result = kpis_of([], customers=[1, 2], acts=acts, rules=RULES)

    assert (result.util_below, result.util_rising, result.weekly_active) == (None, None, None)
    assert result.key_features == {"reports": None}
    assert result.weekly_active_trend == (None,) * 12
    assert (result.with_utilisation, result.with_rise, result.with_weekly_active) == (0, 0, 0)
    assert result.qbr_coverage is not None  # coverage reads activities, which this day has


def test_the_stored_terms_of_a_count_without_value_are_0_of_0_and_its_value_none():
    sums = portfolio_sums(
        day=DAY,
        usage=usage(),
        activities=NO_ACTIVITIES,
        portfolios={"book": [1, 2]},
        quarter_start=QUARTER_START,
        rules=RULES,
    )["book"]

    for code in ("util_below_60", "util_rising", "weekly_active", "key_feature:reports"):
        value = kpi_value(sums, code, RULES)
        assert (value.value, value.numerator, value.denominator) == (None, 0, 0), code


def test_a_count_of_zero_is_a_value_when_a_member_was_measured():
    # 1: 60 of 100 seats (exactly 60 %, not below), same 30 days before (no rise), active every week.
    rows = [*utilisation(1, 60, 100), *utilisation(1, 60, 100, ago=30)]
    rows += [(1, ago, "active_users", 60) for ago in (7, 14, 21)]
    result = kpis_of(rows, customers=[1, 2])

    assert (result.util_below, result.with_utilisation) == (0, 1)
    assert (result.util_rising, result.with_rise) == (0, 1)
    assert (result.weekly_active, result.with_weekly_active) == (1, 1)


def test_weekly_active_is_judged_on_the_members_with_an_active_users_row_in_its_weeks():
    rows = [
        *[(1, ago, "active_users", 1) for ago in (0, 7, 14, 21)],  # active each week: counted
        (2, 27, "active_users", 0),  # a row of 0 in the oldest week: measured, not active
        (3, 28, "active_users", 5),  # its only row is before the 4 weeks: no value, left out
        (4, 0, "licensed_seats", 10),  # no active_users row at all: no value, left out
    ]
    sums = portfolio_sums(
        day=DAY,
        usage=usage(*rows),
        activities=NO_ACTIVITIES,
        portfolios={"book": [1, 2, 3, 4, 5]},
        quarter_start=QUARTER_START,
        rules=KpiRules(),
    )["book"]

    value = kpi_value(sums, "weekly_active", KpiRules())
    assert (value.value, value.numerator, value.denominator) == (1, 1, 2)


def test_a_key_feature_is_judged_on_the_members_with_a_row_of_its_metrics_in_its_weeks():
    rows = [
        (1, 0, "feature:reports", 1),
        (1, 0, "feature_users:reports", 1),
        (1, 7, "feature:reports", 1),
        (1, 7, "feature_users:reports", 1),  # each of the 2 weeks: counted
        (2, 13, "feature_users:reports", 0),  # a users row in the older week: measured, not counted
        (3, 14, "feature:reports", 9),  # before the rule's 2 weeks: no value
        (4, 0, "active_users", 3),  # usage, but none of the feature: no value
    ]
    sums = portfolio_sums(
        day=DAY,
        usage=usage(*rows),
        activities=NO_ACTIVITIES,
        portfolios={"book": [1, 2, 3, 4]},
        quarter_start=QUARTER_START,
        rules=RULES,
    )["book"]

    value = kpi_value(sums, "key_feature:reports", RULES)
    assert (value.value, value.numerator, value.denominator) == (1, 1, 2)


def test_the_weekly_trend_has_no_value_in_the_weeks_without_an_active_users_row():
    rows = [(1, ago, "active_users", 1) for ago in (0, 7, 14, 21, 28, 35)]  # rows in the last 6 weeks
    trend = kpis_of(rows).weekly_active_trend

    # Week k reads D − 7k − 27 … D − 7k: a row in it up to k = 5 (the row 35 days ago), none for k ≥ 6;
    # active in each of its 4 weeks up to k = 2.
    assert trend == (None, None, None, None, None, None, 0, 0, 0, 1, 1, 1)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1, 4, 14)])
def test_a_day_whose_usage_would_start_before_year_1_is_refused(day):
    # The default rules read 7 × (4 + 12 − 1) − 1 = 104 days back; 0001-04-14 is day 104 of year 1.
    with pytest.raises(ValueError, match=f"the KPIs of {day} read usage from 104 days before it, before"):
        kpis_of([], customers=[1], day=day, quarter_start=day)


def test_the_first_day_whose_usage_starts_on_year_1_is_computed():
    assert kpis_of([], customers=[1], day=date(1, 4, 15), quarter_start=date(1, 4, 15)).weekly_active is None
