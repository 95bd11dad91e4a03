"""Portfolio DAU/MAU, customers active at least weekly and its 12-week trend, and key features used in
the right way and frequency (docs/design.md §10, docs/kpis.md), at their edges."""

from decimal import Decimal

import pytest

from adoption.kpis import FeatureRule, KpiRules

from .helpers import kpis_of


def test_dau_mau_is_a_ratio_of_sums_over_customers_with_mau():
    rows = [
        (1, 0, "active_users", 10),
        (1, 0, "monthly_active_users", 40),
        (2, 0, "active_users", 30),
        (2, 0, "monthly_active_users", 60),
    ]

    # (10 + 30) ÷ (40 + 60) = 0.4 (the mean of ratios would be 0.375)
    assert kpis_of(rows).dau_mau == Decimal("0.400000")


def test_a_customer_with_mau_0_has_no_dau_mau_and_is_left_out_of_both_sums():
    rows = [
        (1, 0, "active_users", 10),
        (1, 0, "monthly_active_users", 40),
        (2, 0, "active_users", 5),
        (2, 0, "monthly_active_users", 0),
        (3, 0, "monthly_active_users", 50),  # no active users row: no value either
    ]
    result = kpis_of(rows)

    assert (result.dau_mau, result.with_dau_mau) == (Decimal("0.250000"), 1)


def test_no_customer_with_mau_gives_no_dau_mau():
    assert kpis_of([(1, 0, "active_users", 3), (1, 0, "monthly_active_users", 0)]).dau_mau is None


def active_on(customer: int, *days_ago: int) -> list[tuple[int, int, str, int]]:
    return [(customer, ago, "active_users", 1) for ago in days_ago]


def test_active_at_least_weekly_means_a_day_with_active_users_in_each_of_the_last_4_weeks():
    rows = [
        *active_on(1, 6, 13, 20, 27),  # the oldest day of each week
        *active_on(2, 0, 7, 14, 28),  # week 4 (days 21–27 ago) empty
        *active_on(3, 0, 1, 2, 3),  # only this week
    ]

    assert kpis_of(rows).weekly_active == 1


def test_a_row_of_zero_active_users_is_no_activity():
    rows = [*active_on(1, 0, 7, 14), (1, 21, "active_users", 0)]

    assert kpis_of(rows).weekly_active == 0


def test_the_weekly_active_trend_counts_each_of_the_last_12_weeks_oldest_first():
    weeks = range(0, 7 * 15, 7)
    rows = [
        *active_on(1, *weeks),  # active every week for 15 weeks
        *active_on(2, *weeks[:6]),  # active in the last 6 weeks only
    ]
    trend = kpis_of(rows).weekly_active_trend

    # 2 is active at least weekly on the days whose 4 weeks lie within its last 6: k = 0, 1, 2
    assert trend == (1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2)
    assert len(trend) == 12 and trend[-1] == kpis_of(rows).weekly_active


def test_the_trend_length_and_the_weeks_are_settings():
    rows = active_on(1, 0, 7)
    result = kpis_of(rows, rules=KpiRules(weekly_weeks=1, trend_weeks=3))

    # The week of D − 14 has no active_users row: no value that week, not 0 (docs/design.md §10.2).
    assert result.weekly_active_trend == (None, 1, 1)


RULE = FeatureRule("reports", min_uses=3, min_users=2, weeks=2)


def feature(customer: int, ago: int, uses: int, users: int) -> list[tuple[int, int, str, int]]:
    return [(customer, ago, "feature:reports", uses), (customer, ago, "feature_users:reports", users)]


def test_a_key_feature_counts_customers_with_k_uses_by_m_users_in_each_of_n_weeks():
    rows = [
        *feature(1, 0, 3, 2),
        *feature(1, 7, 3, 2),  # exactly k and m each week
        *feature(2, 0, 1, 2),
        *feature(2, 1, 2, 1),
        *feature(2, 8, 3, 2),  # the uses of a week add up over its days
        *feature(3, 0, 3, 2),
        *feature(3, 7, 2, 2),  # one use short in the second week
        *feature(4, 0, 3, 1),
        *feature(4, 1, 0, 1),
        *feature(4, 7, 3, 2),  # two users in the week, but never on one day
        *feature(5, 0, 9, 9),  # nothing in the second week
    ]

    assert kpis_of(rows, rules=KpiRules(key_features=(RULE,))).key_features == {"reports": 2}


def test_each_key_feature_is_counted_on_its_own():
    rules = KpiRules(key_features=(RULE, FeatureRule("api", min_uses=1, min_users=1, weeks=1)))
    rows = [
        *feature(1, 0, 3, 2),
        *feature(1, 7, 3, 2),
        (2, 0, "feature:api", 1),
        (2, 0, "feature_users:api", 1),
    ]

    assert kpis_of(rows, rules=rules).key_features == {"reports": 1, "api": 1}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("", 1, 1, 1), "a key feature needs a name"),
        (("x", 0, 1, 1), "min_uses must be a whole number ≥ 1"),
        (("x", 1, 0, 1), "min_users must be a whole number ≥ 1"),
        (("x", 1, 1, 0), "weeks must be a whole number ≥ 1"),
    ],
)
def test_a_feature_rule_refuses_a_blank_name_no_use_no_user_or_no_week(arguments, message):
    with pytest.raises(ValueError, match=message):
        FeatureRule(*arguments)


def test_kpi_rules_refuse_a_threshold_outside_0_to_1_and_a_feature_ruled_twice():
    with pytest.raises(ValueError, match="utilisation_threshold must be 0–1"):
        KpiRules(utilisation_threshold=Decimal("60"))
    with pytest.raises(ValueError, match="a key feature has one rule"):
        KpiRules(key_features=(RULE, RULE))
