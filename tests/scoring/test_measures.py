"""Each measure against hand-computed ratios (docs/design.md §9.3)."""

from decimal import Decimal

from adoption.scoring.measures import UsageWindow, measure

from .helpers import DAY, spec, usage, utilisation

D = Decimal


def measured(criterion: dict, frame):
    definition = spec(criterion)
    return measure(UsageWindow(frame, DAY, definition.longest_window_days), definition.criteria[0])


def test_utilisation_caps_each_day_at_100_percent_and_weights_by_seats():
    # day 0: 12 active of 10 seats (capped to 10); day 1: 5 of 10; day 2: 3 of 20.
    # capped = (10 + 5 + 3) / 40 = 0.45; raw = (12 + 5 + 3) / 40 = 0.5
    frame = usage(
        (1, 0, "active_users", 12),
        (1, 0, "licensed_seats", 10),
        (1, 1, "active_users", 5),
        (1, 1, "licensed_seats", 10),
        (1, 2, "active_users", 3),
        (1, 2, "licensed_seats", 20),
        (1, 3, "active_users", 99),
        (1, 3, "licensed_seats", 100),  # outside the 3-day window
    )
    result = measured(utilisation(), frame)
    assert result.loc[1, "value"] == D("0.45")
    assert result.loc[1, "raw"] == D("0.5")


def test_utilisation_is_missing_without_seats_or_active_users():
    frame = usage((1, 0, "active_users", 4), (2, 0, "licensed_seats", 0), (2, 0, "active_users", 1))
    assert measured(utilisation(), frame).empty


def test_dau_mau_is_a_ratio_of_sums_over_days_with_mau():
    criterion = {
        "code": "d",
        "name": "DAU/MAU",
        "kind": "measure",
        "measure": "dau_mau",
        "window_days": 2,
        "weight": 1,
        "points": {"linear": [[0, 0], [1, 100]]},
        "missing": "zero",
    }
    frame = usage(
        (1, 0, "active_users", 1),
        (1, 0, "monthly_active_users", 3),
        (1, 1, "active_users", 1),
        (1, 1, "monthly_active_users", 0),  # MAU 0: the day has no value
    )
    assert measured(criterion, frame).loc[1, "value"] == D("0.333333")


def test_weeks_active_counts_seven_day_blocks_back_from_the_day():
    criterion = {
        "code": "w",
        "name": "Weeks",
        "kind": "measure",
        "measure": "weeks_active",
        "window_weeks": 4,
        "weight": 1,
        "points": {"linear": [[0, 0], [1, 100]]},
        "missing": "zero",
    }
    frame = usage(
        (1, 0, "active_users", 2),
        (1, 6, "active_users", 1),  # both in week 0
        (1, 7, "active_users", 1),  # week 1
        (1, 14, "active_users", 0),  # week 2: a row, but nobody active
        (1, 28, "active_users", 5),  # week 4: outside the 4 weeks
        (2, 3, "licensed_seats", 10),  # usage, never active: 0 weeks, not missing
    )
    result = measured(criterion, frame)
    assert result.loc[1, "value"] == D("0.5")
    assert result.loc[2, "value"] == D("0")
    assert 3 not in result.index  # no usage row at all: missing


def test_key_feature_adoption_needs_k_uses_and_m_users():
    criterion = {
        "code": "f",
        "name": "Features",
        "kind": "measure",
        "measure": "feature_adoption",
        "window_days": 7,
        "features": ["reports", "alerts", "api"],
        "min_uses": 5,
        "min_users": 2,
        "weight": 1,
        "points": {"linear": [[0, 0], [1, 100]]},
        "missing": "zero",
    }
    frame = usage(
        (1, 0, "feature:reports", 3),
        (1, 1, "feature:reports", 2),
        (1, 1, "feature_users:reports", 2),  # 5 uses, 2 users
        (1, 0, "feature:alerts", 9),
        (1, 0, "feature_users:alerts", 1),  # one user only
        (1, 0, "feature:api", 4),
        (1, 0, "feature_users:api", 3),  # 4 uses only
    )
    assert measured(criterion, frame).loc[1, "value"] == D("0.333333")
