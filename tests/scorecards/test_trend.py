"""A score's trend over 30 or 90 days, flagged across a version change (docs/design.md §9.6)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from adoption.models import Scorecard
from adoption.scorecards.computing import compute_day
from adoption.scorecards.loading import load_scorecard
from adoption.scorecards.selectors import score_trend

from .conftest import CORE_YAML, DAY, add_usage, scorecard_yaml

pytestmark = pytest.mark.django_db


def test_the_trend_is_the_signed_change_in_points_over_the_window(world):
    load_scorecard(CORE_YAML, user=None)
    earlier = DAY - timedelta(days=30)
    # On DAY − 30 ENT-A is fully used (100 points × 3) and SSO is met (since 2026-05-01): 100.00.
    add_usage(world["ent_a"], earlier, active_users=10, licensed_seats=10)
    compute_day(earlier)
    compute_day(DAY)  # 82.50

    trend = score_trend(world["ent_a"], Scorecard.objects.get(code="core"), DAY, days=30)

    assert (trend.start, trend.end, trend.change) == (Decimal("100.00"), Decimal("82.50"), Decimal("-17.50"))
    assert trend.versions_differ is False and trend.versions == (1,)
    falling = score_trend(world["ent_b"], Scorecard.objects.get(code="core"), DAY, days=30)
    # ENT-B on DAY − 30: no usage (0 points × 3), SSO met (lost only on DAY): 25.00; on DAY 15.00.
    assert (falling.start, falling.change) == (Decimal("25.00"), Decimal("-10.00"))


def test_a_trend_across_a_version_change_is_flagged(world):
    load_scorecard(CORE_YAML, user=None)
    new_weights = scorecard_yaml(
        CORE_YAML, version="2", effective_from=(DAY - timedelta(days=10)).isoformat()
    )
    load_scorecard(new_weights.replace("weight: 3", "weight: 1"), user=None)
    compute_day(DAY - timedelta(days=90))
    compute_day(DAY)

    trend = score_trend(world["ent_a"], Scorecard.objects.get(code="core"), DAY, days=90)

    assert trend.versions_differ is True and trend.versions == (1, 2)
    # v1 on DAY − 90 (no usage: 0 points; SSO not yet achieved): 0.00; v2 on DAY: (76.67 + 100) / 2 = 88.34.
    assert trend.change == Decimal("88.34")


def test_a_trend_without_a_score_at_either_end_has_no_change(world):
    load_scorecard(CORE_YAML, user=None)
    compute_day(DAY)

    trend = score_trend(world["ent_a"], Scorecard.objects.get(code="core"), DAY, days=30)

    assert trend.change is None and trend.end == Decimal("82.50")
    with pytest.raises(ValueError, match="30 or 90 days"):
        score_trend(world["ent_a"], Scorecard.objects.get(code="core"), DAY, days=7)
