"""Weights, milestones and missing-data rules roll up to a score out of 100 (docs/design.md §9.4)."""

from datetime import date, timedelta
from decimal import Decimal

from adoption.scoring.score import EXCLUDED, LAST_KNOWN, ZERO_FOR_MISSING, compute_scores

from .helpers import DAY, NO_MILESTONES, history, milestone, milestones, spec, usage, utilisation

D = Decimal


def scores_of(result):
    return {row.customer_id: (row.score, row.partial) for row in result.scores.itertuples()}


def test_score_is_the_weighted_mean_of_points_half_up_to_two_decimals():
    # SSO met (100 points, weight 3); utilisation 0.45 → 45 points (weight 5); sponsor not met (0, weight 1).
    # (3 × 100 + 5 × 45 + 1 × 0) / 9 = 525 / 9 = 58.333… → 58.33
    definition = spec(milestone("sso", 3), utilisation(weight=5), milestone("sponsor", 1))
    frame = usage(
        (1, 0, "active_users", 10),
        (1, 0, "licensed_seats", 10),
        (1, 1, "active_users", 5),
        (1, 1, "licensed_seats", 10),
        (1, 2, "active_users", 3),
        (1, 2, "licensed_seats", 20),
    )
    result = compute_scores(
        definition,
        day=DAY,
        customers=[1],
        usage=frame,
        milestones=milestones((1, "sso", date(2026, 1, 5), None)),
    )
    assert scores_of(result) == {1: (D("58.33"), False)}


def test_all_weights_five_and_all_points_hundred_score_exactly_100():
    definition = spec(milestone("a", 5), milestone("b", 5))
    result = compute_scores(
        definition,
        day=DAY,
        customers=[1],
        usage=usage(),
        milestones=milestones((1, "a", DAY, None), (1, "b", DAY, None)),
    )
    assert scores_of(result) == {1: (D("100.00"), False)}


def test_milestone_counts_from_its_day_and_stops_on_the_day_it_is_lost():
    definition = spec(milestone("sso"))
    frame = milestones(
        (1, "sso", DAY, None), (2, "sso", DAY + timedelta(days=1), None), (3, "sso", date(2026, 1, 1), DAY)
    )
    result = compute_scores(definition, day=DAY, customers=[1, 2, 3], usage=usage(), milestones=frame)
    assert scores_of(result) == {1: (D("100.00"), False), 2: (D("0.00"), False), 3: (D("0.00"), False)}


def test_missing_zero_counts_no_points_and_keeps_the_weight():
    definition = spec(milestone("sso"), utilisation(missing="zero"))
    result = compute_scores(
        definition, day=DAY, customers=[1], usage=usage(), milestones=milestones((1, "sso", DAY, None))
    )
    assert scores_of(result) == {1: (D("50.00"), False)}
    assert ZERO_FOR_MISSING in set(result.criteria["decision"])


def test_missing_exclude_renormalises_the_weights_and_flags_the_score_partial():
    definition = spec(milestone("sso"), utilisation(missing="exclude", weight=4))
    result = compute_scores(
        definition, day=DAY, customers=[1], usage=usage(), milestones=milestones((1, "sso", DAY, None))
    )
    assert scores_of(result) == {1: (D("100.00"), True)}
    assert EXCLUDED in set(result.criteria["decision"])


def test_every_criterion_excluded_leaves_no_score():
    definition = spec(utilisation(missing="exclude"))
    result = compute_scores(definition, day=DAY, customers=[1], usage=usage(), milestones=NO_MILESTONES)
    assert scores_of(result) == {1: (None, True)}


def test_last_known_carries_the_value_within_n_days_including_day_n():
    definition = spec(utilisation(missing={"rule": "last_known", "days": 7}))
    earlier = history(
        (1, "util", DAY - timedelta(days=7), "0.8"),  # exactly 7 days before: still within
        (2, "util", DAY - timedelta(days=8), "0.8"),  # 8 days before: too old
        (3, "util", DAY - timedelta(days=9), "0.2"),
        (3, "util", DAY - timedelta(days=2), "0.6"),  # the latest one counts
    )
    result = compute_scores(
        definition, day=DAY, customers=[1, 2, 3], usage=usage(), milestones=NO_MILESTONES, history=earlier
    )
    assert scores_of(result) == {1: (D("80.00"), False), 2: (None, True), 3: (D("60.00"), False)}
    carried = result.criteria.set_index("customer_id")
    assert carried.loc[1, "decision"] == LAST_KNOWN
    assert carried.loc[1, "measured_on"] == DAY - timedelta(days=7)
    assert carried.loc[2, "decision"] == EXCLUDED


def test_measured_data_wins_over_last_known():
    definition = spec(utilisation(missing={"rule": "last_known", "days": 7}))
    frame = usage((1, 0, "active_users", 1), (1, 0, "licensed_seats", 4))
    result = compute_scores(
        definition,
        day=DAY,
        customers=[1],
        usage=frame,
        milestones=NO_MILESTONES,
        history=history((1, "util", DAY - timedelta(days=1), "0.9")),
    )
    assert scores_of(result) == {1: (D("25.00"), False)}
