"""Thresholds to points: linear between knots, bands with their edges (docs/design.md §9.2)."""

from decimal import Decimal

import pytest

from adoption.scoring.definition import parse_scorecard
from adoption.scoring.points import points_for

from .helpers import utilisation

D = Decimal


def mapping(points):
    return (
        parse_scorecard(
            {
                "code": "c",
                "name": "C",
                "version": 1,
                "effective_from": "2026-01-01",
                "criteria": [utilisation(points=points)],
            }
        )
        .criteria[0]
        .points
    )


LINEAR = mapping({"linear": [[0.2, 0], [0.6, 50], [0.9, 100]]})
BANDS = mapping(
    {
        "bands": [
            {"lower": 0.1, "upper": 0.4, "points": 0, "label": "Low", "colour": "#b3261e"},
            {"upper": 0.7, "points": 60, "label": "Medium"},
            {"upper": 1, "points": 100, "label": "High"},
        ]
    }
)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("0", "0.00"),  # below the first knot: the first knot's points
        ("0.2", "0.00"),
        ("0.4", "25.00"),  # half-way between 0.2 (0) and 0.6 (50)
        ("0.6", "50.00"),
        ("0.7", "66.67"),  # 50 + 0.1 × 50 / 0.3 = 66.666… → half-up to 2 decimals
        ("0.9", "100.00"),
        ("1.2", "100.00"),  # above the last knot: the last knot's points
    ],
)
def test_linear_points_interpolate_between_knots_and_stay_flat_outside(value, points):
    assert points_for(D(value), LINEAR) == (D(points), None)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("0.05", "Low"),  # below the first band's lower edge: the first band
        ("0.1", "Low"),  # the first band includes its lower edge
        ("0.4", "Low"),  # each band includes its upper edge
        ("0.400001", "Medium"),  # just above an upper edge: the next band
        ("0.7", "Medium"),
        ("0.700001", "High"),
        ("1", "High"),
        ("1.5", "High"),  # above the last upper edge: the last band
    ],
)
def test_band_includes_its_upper_edge_and_only_the_first_its_lower_edge(value, label):
    points, band = points_for(D(value), BANDS)
    assert band.label == label
    assert points == {"Low": D(0), "Medium": D(60), "High": D(100)}[label]


def test_band_edge_compares_the_exact_value_not_a_rounded_display():
    # 0.4000004 displays as 40.0% but lies above the Low band's upper edge.
    assert points_for(D("0.4000004"), BANDS)[1].label == "Medium"
