"""The criteria stored with each daily score (docs/design.md §9.4), written for every customer at once,
read back as the mapping each criterion's per-customer ``Decimal`` values give (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.scorecards.computing import criteria_json
from adoption.scoring.score import compute_scores
from tests.scoring.reference import reference_scores
from tests.scoring.strategies import (
    CUSTOMERS,
    DAY,
    history_frame,
    history_rows,
    milestone_frame,
    milestone_rows,
    scorecards,
    usage_frame,
    usage_rows,
)


def text(value) -> str | None:
    return None if value is None else str(value)


@settings(max_examples=100, deadline=None)
@given(
    spec=scorecards(),
    customers=st.lists(st.sampled_from((*CUSTOMERS, 6)), min_size=1, max_size=6),
    usage=usage_rows,
    milestones=milestone_rows,
    history=history_rows,
)
def test_stored_criteria_are_each_customers_values_points_and_decisions(
    spec, customers, usage, milestones, history
):
    usage, milestones, history = usage_frame(usage), milestone_frame(milestones), history_frame(history)
    scored = compute_scores(
        spec, day=DAY, customers=customers, usage=usage, milestones=milestones, history=history
    )
    _, rows = reference_scores(
        spec, day=DAY, customers=customers, usage=usage, milestones=milestones, history=history
    )

    stored = {customer: json.loads(text) for customer, text in criteria_json(scored).items()}

    assert stored == {
        customer: {
            c.code: {
                "value": text(rows[customer, c.code].value),
                "raw": text(rows[customer, c.code].raw),
                "points": text(rows[customer, c.code].points),
                "weight": c.weight,
                "decision": rows[customer, c.code].decision,
                "band": rows[customer, c.code].band,
                "measured_on": text(
                    rows[customer, c.code].measured_on and rows[customer, c.code].measured_on.isoformat()
                ),
            }
            for c in spec.criteria
        }
        for customer in sorted(set(customers))
    }
