"""Each segment rule of docs/design.md §10.5 against hand-computed values at its edges: exactly the
threshold is not low, exactly +10 points is not rising, a drop of exactly X % is not a drop, ties at the
top-N cut-off are all in, and a customer without the value a rule reads is not a member."""

from datetime import timedelta
from decimal import Decimal

import pytest

from adoption.kpis import KpiRules
from adoption.portfolio.segment_rules import SegmentParamsError, describe, validate_params

from .rules_helpers import DAY, activities, member_ids, utilisation


def active_days(customer: int, days_ago: range, active: int = 1) -> list[tuple[int, int, str, int]]:
    """An active_users row of ``active`` on each of the days ``days_ago`` before DAY."""
    return [(customer, ago, "active_users", active) for ago in days_ago]


# --- low_utilisation ---------------------------------------------------------------------------------


def test_exactly_60_percent_is_not_low_utilisation_and_just_below_is():
    rows = [*utilisation(1, 60, 100), *utilisation(2, 599, 1000), *utilisation(3, 3, 5)]

    assert member_ids("low_utilisation", {}, rows, customers=[1, 2, 3]) == [2]


def test_low_utilisation_threshold_param_is_strict_too():
    rows = [*utilisation(1, 50, 100), *utilisation(2, 49, 100), *utilisation(3, 51, 100)]

    assert member_ids("low_utilisation", {"threshold": "0.5"}, rows, customers=[1, 2, 3]) == [2]
    # a YAML number is read from its text: 0.5 is exactly one half
    assert member_ids("low_utilisation", {"threshold": 0.5}, rows, customers=[1, 2, 3]) == [2]


def test_low_utilisation_default_is_the_kpi_threshold_setting():
    rows = [*utilisation(1, 50, 100), *utilisation(2, 49, 100)]
    rules = KpiRules(utilisation_threshold=Decimal("0.5"))

    assert member_ids("low_utilisation", {}, rows, customers=[1, 2], rules=rules) == [2]


def test_a_customer_without_utilisation_is_not_low_missing_not_zero():
    rows = [
        *utilisation(1, 0, 0),  # no seats
        (2, 0, "licensed_seats", 10),  # no active_users row
        *utilisation(3, 0, 10),  # 0 % : a value, and low
        *utilisation(4, 0, 10, ago=1),  # yesterday only
    ]

    assert member_ids("low_utilisation", {}, rows, customers=[1, 2, 3, 4, 5]) == [3]


# --- rising_utilisation ------------------------------------------------------------------------------


def test_exactly_10_points_is_not_rising_and_just_over_is():
    rows = [
        *utilisation(1, 50, 100, ago=30),
        *utilisation(1, 60, 100),  # +10 points exactly
        *utilisation(2, 1, 2, ago=30),
        *utilisation(2, 601, 1000),  # 50 % -> 60.1 %: +10.1 points
        *utilisation(3, 60, 100),  # nothing on D − 30
        *utilisation(4, 10, 100, ago=29),  # D − 29 is not D − 30
        *utilisation(4, 90, 100),
    ]

    assert member_ids("rising_utilisation", {}, rows, customers=[1, 2, 3, 4]) == [2]


# --- usage_drop --------------------------------------------------------------------------------------


def test_a_utilisation_drop_of_exactly_x_percent_is_not_a_drop_and_just_over_is():
    rows = [
        *utilisation(1, 50, 100, ago=30),
        *utilisation(1, 40, 100),  # 50 % -> 40 %: exactly 20 % less
        *utilisation(2, 50, 100, ago=30),
        *utilisation(2, 39, 100),  # 22 % less
        *utilisation(3, 50, 100, ago=30),
        *utilisation(3, 8, 20),  # 40 % on other seats: exactly 20 % less
        *utilisation(4, 5, 10, ago=30),
        *utilisation(4, 399, 1000),  # 39.9 %: 20.2 % less
    ]
    params = {"measure": "utilisation", "drop_percent": 20}

    assert member_ids("usage_drop", params, rows, customers=[1, 2, 3, 4]) == [2, 4]


def test_a_utilisation_drop_needs_both_days_and_something_to_drop_from():
    rows = [
        *utilisation(1, 10, 100),  # nothing on D − 30
        *utilisation(2, 0, 100, ago=30),
        *utilisation(2, 0, 100),  # 0 % -> 0 %: nothing to drop from
        *utilisation(3, 50, 100, ago=30),  # nothing on D
    ]

    assert member_ids("usage_drop", {}, rows, customers=[1, 2, 3]) == []


def test_the_default_drop_is_utilisation_and_more_than_20_percent():
    rows = [
        *utilisation(1, 50, 100, ago=30),
        *utilisation(1, 40, 100),
        *utilisation(2, 50, 100, ago=30),
        *utilisation(2, 39, 100),
    ]

    assert member_ids("usage_drop", {}, rows, customers=[1, 2]) == [2]


def test_a_frequency_drop_compares_active_days_of_the_last_30_with_the_30_before():
    rows = [
        # 10 active days in D − 59 … D − 30, 5 in D − 29 … D: exactly 50 % less
        *active_days(1, range(30, 40)),
        *active_days(1, range(0, 5)),
        *active_days(1, range(5, 30), active=0),
        # 10 before, 4 now: 60 % less
        *active_days(2, range(50, 60)),
        *active_days(2, range(25, 29)),
        # the edges of the periods: D − 59 and D − 30 count before, D − 29 counts now
        *active_days(3, [59, 30]),
        *active_days(3, [29]),
    ]
    params = {"measure": "frequency", "drop_percent": "50"}

    assert member_ids("usage_drop", params, rows, customers=[1, 2, 3]) == [2]


def test_a_frequency_drop_needs_usage_in_both_periods_and_active_days_before():
    rows = [
        *active_days(1, range(30, 40)),  # no active_users row in the last 30 days: missing, not 0
        *active_days(2, range(30, 40), active=0),  # rows but no active day before
        *active_days(2, range(0, 3), active=0),
        *active_days(3, range(60, 70)),  # before D − 59: outside both periods
        *active_days(3, range(0, 3), active=0),
        *active_days(4, range(30, 40)),
        *active_days(4, range(0, 3), active=0),  # 10 -> 0: a drop
    ]
    params = {"measure": "frequency", "drop_percent": 50}

    assert member_ids("usage_drop", params, rows, customers=[1, 2, 3, 4]) == [4]


# --- top_usage ---------------------------------------------------------------------------------------


def top_rows():
    return [
        (1, 0, "active_users", 10),
        (2, 0, "active_users", 8),
        (3, 0, "active_users", 8),
        (4, 0, "active_users", 5),
        (5, 0, "active_users", 0),  # no active users: not ranked
        (6, 1, "active_users", 99),  # yesterday only: no value on D
    ]


def test_top_n_includes_every_customer_tied_at_the_cut_off():
    customers = [1, 2, 3, 4, 5, 6, 7]

    assert member_ids("top_usage", {"top": 2}, top_rows(), customers=customers) == [1, 2, 3]
    assert member_ids("top_usage", {"top": 1}, top_rows(), customers=customers) == [1]
    assert member_ids("top_usage", {"top": 3}, top_rows(), customers=customers) == [1, 2, 3]
    assert member_ids("top_usage", {"top": 4}, top_rows(), customers=customers) == [1, 2, 3, 4]
    assert member_ids("top_usage", {"top": 50}, top_rows(), customers=customers) == [1, 2, 3, 4]


def test_top_percent_is_ceil_of_the_share_of_ranked_customers_at_least_one():
    customers = [1, 2, 3, 4, 5, 6]

    # 4 customers ranked: 50 % is 2, and the tie at 8 is in
    assert member_ids("top_usage", {"top_percent": 50}, top_rows(), customers=customers) == [1, 2, 3]
    # 10 % of 4 is 0.4: ceil gives 1
    assert member_ids("top_usage", {"top_percent": "10"}, top_rows(), customers=customers) == [1]
    # 76 % of 4 is 3.04: ceil gives 4
    assert member_ids("top_usage", {"top_percent": 76}, top_rows(), customers=customers) == [1, 2, 3, 4]


def test_top_usage_defaults_to_the_top_10():
    rows = [(c, 0, "active_users", c) for c in range(1, 13)]

    assert member_ids("top_usage", {}, rows, customers=range(1, 13)) == list(range(3, 13))


# --- onboarding and activities -----------------------------------------------------------------------


def test_past_onboarding_is_onboarding_completed_on_or_before_the_day():
    acts = activities(
        (1, DAY, "onboarding_completed"),
        (2, DAY + timedelta(days=1), "onboarding_completed"),
        (3, DAY, "qbr"),
    )

    assert member_ids("past_onboarding", {}, [], customers=[1, 2, 3], acts=acts) == [1]


def test_low_engagement_after_onboarding_needs_onboarding_at_least_days_ago_and_utilisation_below():
    rows = [
        *utilisation(1, 50, 100),
        *utilisation(2, 50, 100),
        *utilisation(3, 60, 100),  # exactly 60 %: not below
        (4, 0, "licensed_seats", 100),  # no utilisation
        *utilisation(5, 10, 100),
    ]
    acts = activities(
        (1, DAY - timedelta(days=30), "onboarding_completed"),  # exactly 30 days ago: in
        (2, DAY - timedelta(days=29), "onboarding_completed"),  # 29 days ago: not yet
        (3, DAY - timedelta(days=90), "onboarding_completed"),
        (4, DAY - timedelta(days=90), "onboarding_completed"),
    )

    assert member_ids("low_engagement_after_onboarding", {}, rows, customers=[1, 2, 3, 4, 5], acts=acts) == [
        1
    ]
    params = {"days": 29, "max_utilisation": "0.61"}
    assert member_ids(
        "low_engagement_after_onboarding", params, rows, customers=[1, 2, 3, 4, 5], acts=acts
    ) == [1, 2, 3]


def test_key_user_left_within_the_last_30_days_counts_the_day_as_the_first():
    acts = activities(
        (1, DAY, "key_user_left"),
        (2, DAY - timedelta(days=29), "key_user_left"),  # the 30th day back: in
        (3, DAY - timedelta(days=30), "key_user_left"),  # the 31st: out
        (4, DAY, "nps"),
    )

    assert member_ids("key_user_left", {}, [], customers=[1, 2, 3, 4], acts=acts) == [1, 2]
    assert member_ids("key_user_left", {"days": 31}, [], customers=[1, 2, 3, 4], acts=acts) == [1, 2, 3]
    assert member_ids("key_user_left", {"days": 1}, [], customers=[1, 2, 3, 4], acts=acts) == [1]


# --- params ------------------------------------------------------------------------------------------


def test_validate_params_fills_the_defaults():
    assert validate_params("usage_drop", {}) == {"measure": "utilisation", "drop_percent": Decimal(20)}
    assert validate_params("top_usage", None) == {"top": 10, "top_percent": None}
    assert validate_params("low_utilisation", {}) == {"threshold": None}
    assert validate_params("key_user_left", {"days": "7"}) == {"days": 7}


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        ("often_late", {}, r"unknown rule 'often_late': the rules are past_onboarding, usage_drop"),
        (
            "low_utilisation",
            {"treshold": 0.5},
            r"low_utilisation: unknown param treshold \(it takes threshold\)",
        ),
        ("past_onboarding", {"days": 3}, r"past_onboarding: unknown param days \(it takes none\)"),
        (
            "low_utilisation",
            {"threshold": "1.5"},
            r"threshold must be a ratio from 0 to 1 \(0.6 for 60 %\), not '1.5'",
        ),
        ("low_utilisation", {"threshold": True}, r"low_utilisation: threshold must be a ratio"),
        ("usage_drop", {"measure": "logins"}, r"usage_drop: measure must be one of utilisation, frequency"),
        ("usage_drop", {"drop_percent": 100}, r"drop_percent must be a percentage from 0 to less than 100"),
        ("usage_drop", {"drop_percent": "a lot"}, r"usage_drop: drop_percent must be a percentage"),
        ("top_usage", {"top": 0}, r"top_usage: top must be a whole number from 1 to 1,000,000, not 0"),
        ("top_usage", {"top": 2.5}, r"top_usage: top must be a whole number from 1 to 1,000,000, not 2.5"),
        ("top_usage", {"top": 3, "top_percent": 10}, r"top_usage: give top or top_percent, not both"),
        ("top_usage", {"top_percent": 0}, r"top_percent must be a percentage above 0, at most 100"),
        ("key_user_left", {"days": 0}, r"key_user_left: days must be a whole number from 1 to 3,650, not 0"),
        (
            "low_engagement_after_onboarding",
            {"days": -1},
            r"days must be a whole number from 0 to 3,650, not -1",
        ),
        ("low_utilisation", ["threshold"], r"params must be a mapping"),
    ],
)
def test_bad_params_are_refused_naming_the_rule_and_the_param(rule, params, message):
    with pytest.raises(SegmentParamsError, match=message):
        validate_params(rule, params)


def test_each_rule_is_described_in_words_with_its_params():
    assert describe("low_utilisation", {}) == "Utilisation below 60 %"
    assert describe("low_utilisation", {"threshold": "0.55"}) == "Utilisation below 55 %"
    assert describe("usage_drop", {"measure": "frequency", "drop_percent": 30}) == (
        "More than 30 % drop in days with active users in the last 30 days against the 30 before"
    )
    assert (
        describe("top_usage", {"top": 5}) == "Top 5 of customers by active users on the day (ties included)"
    )
    assert describe("key_user_left", {}) == "A key user left in the last 30 days"
