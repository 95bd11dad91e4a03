"""The column-at-a-time integer calculation gives, on any inputs, what the simple per-customer ``Decimal``
calculation of docs/design.md §9.2–§9.4 gives (``reference.py``), to the last digit (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.scoring.definition import parse_scorecard
from adoption.scoring.measures import Usage
from adoption.scoring.points import points_cents, points_for
from adoption.scoring.score import compute_scores

from .reference import as_decimal, reference_scores
from .strategies import (
    CUSTOMERS,
    DAY,
    history_frame,
    history_rows,
    milestone_frame,
    milestone_rows,
    point_mappings,
    scorecards,
    usage_frame,
    usage_rows,
)

PROPERTY = settings(max_examples=150, deadline=None)


def assert_same(spec, computed, customers, usage, milestones, history):
    scores, rows = reference_scores(
        spec, day=DAY, customers=customers, usage=usage, milestones=milestones, history=history
    )
    got = {
        c: (s, p)
        for c, s, p in computed.scores[["customer_id", "score", "partial"]].itertuples(index=False, name=None)
    }
    assert got == scores
    assert {c: str(s) for c, (s, _) in got.items()} == {c: str(s) for c, (s, _) in scores.items()}
    for row in computed.criteria.itertuples(index=False):
        expected = rows[row.customer_id, row.criterion]
        assert as_decimal(row.value, 6) == expected.value
        assert as_decimal(row.raw, 6) == expected.raw
        assert as_decimal(row.points, 2) == expected.points
        assert (row.weight, row.decision, row.band) == (expected.weight, expected.decision, expected.band)
        assert (None if pd.isna(row.measured_on) else row.measured_on) == expected.measured_on
    assert len(computed.criteria) == len(rows)


@PROPERTY
@given(
    spec=scorecards(),
    customers=st.lists(st.sampled_from((*CUSTOMERS, 6)), min_size=1, max_size=6),
    usage=usage_rows,
    milestones=milestone_rows,
    history=history_rows,
)
def test_columns_give_the_per_customer_decimal_scores(spec, customers, usage, milestones, history):
    usage, milestones, history = usage_frame(usage), milestone_frame(milestones), history_frame(history)
    computed = compute_scores(
        spec, day=DAY, customers=customers, usage=usage, milestones=milestones, history=history
    )
    assert_same(spec, computed, customers, usage, milestones, history)


@PROPERTY
@given(spec=scorecards(), usage=usage_rows, milestones=milestone_rows)
def test_usage_laid_out_once_for_many_days_gives_each_days_scores(spec, usage, milestones):
    # A backfill lays out a block's usage once, over every day of the range and its windows.
    usage, milestones = usage_frame(usage), milestone_frame(milestones)
    computed = compute_scores(
        spec, day=DAY, customers=list(CUSTOMERS), usage=Usage(usage), milestones=milestones, history=None
    )
    assert_same(spec, computed, list(CUSTOMERS), usage, milestones, None)


@PROPERTY
@given(
    mapping=point_mappings(), values=st.lists(st.integers(0, 1_500_000) | st.integers(0, 10**12), max_size=30)
)
def test_points_of_an_array_are_the_points_of_each_value(mapping, values):
    spec = parse_scorecard(
        {
            "code": "p",
            "name": "P",
            "version": 1,
            "effective_from": "2026-01-01",
            "criteria": [
                {
                    "code": "u",
                    "name": "U",
                    "kind": "measure",
                    "measure": "dau_mau",
                    "window_days": 1,
                    "weight": 1,
                    "points": mapping,
                    "missing": "zero",
                }
            ],
        }
    )
    points = spec.criteria[0].points
    cents, bands = points_cents(np.array(values, dtype=np.int64), points)
    for i, value in enumerate(values):
        expected, band = points_for(Decimal(value).scaleb(-6), points)
        assert Decimal(int(cents[i])).scaleb(-2) == expected
        if band is not None:
            assert points.bands[bands[i]] == band
