"""Hypothesis strategies for scorecards and their inputs: any criteria, point mappings with up to 7
decimals, usage with zeros and gaps, milestones gained and lost, and earlier measured values."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from hypothesis import strategies as st

from adoption.scoring.definition import parse_scorecard

DAY = date(2026, 6, 30)
CUSTOMERS = (1, 2, 3, 4, 5)
METRICS = (
    "active_users",
    "licensed_seats",
    "monthly_active_users",
    "logins",
    "feature:reports",
    "feature_users:reports",
    "feature:api",
    "feature_users:api",
)
MILESTONES = ("sso", "sponsor")


def decimals(low: str, high: str, places: int):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


@st.composite
def point_mappings(draw):
    """``linear`` knots (values rising strictly, up to 7 decimals) or ``bands`` (uppers rising)."""
    if draw(st.booleans()):
        values = sorted(draw(st.sets(decimals("0", "1.3", draw(st.integers(0, 7))), min_size=2, max_size=4)))
        return {"linear": [[str(v), str(draw(decimals("0", "100", 3)))] for v in values]}
    uppers = sorted(
        draw(st.sets(decimals("0.0000001", "1.3", draw(st.integers(1, 7))), min_size=1, max_size=4))
    )
    bands = [
        {"upper": str(u), "points": str(draw(decimals("0", "100", 3))), "label": f"band {i}"}
        for i, u in enumerate(uppers)
    ]
    bands[0]["lower"] = str(draw(decimals("0", str(uppers[0]), 6)))
    return {"bands": bands}


@st.composite
def criteria(draw, index: int):
    kind = draw(
        st.sampled_from(["milestone", "license_utilisation", "dau_mau", "weeks_active", "feature_adoption"])
    )
    common = {"code": f"c{index}", "name": f"C{index}", "weight": draw(st.integers(1, 5))}
    if kind == "milestone":
        return {**common, "kind": "milestone", "milestone": draw(st.sampled_from(MILESTONES))}
    criterion = {
        **common,
        "kind": "measure",
        "measure": kind,
        "points": draw(point_mappings()),
        "missing": draw(
            st.sampled_from(["zero", "exclude"])
            | st.builds(lambda d: {"rule": "last_known", "days": d}, st.integers(1, 10))
        ),
    }
    if kind == "weeks_active":
        criterion["window_weeks"] = draw(st.integers(1, 4))
    else:
        criterion["window_days"] = draw(st.integers(1, 30))
    if kind == "feature_adoption":
        criterion["features"] = draw(st.sampled_from([["reports"], ["reports", "api"]]))
        criterion["min_uses"] = draw(st.integers(1, 6))
        criterion["min_users"] = draw(st.integers(1, 3))
    return criterion


@st.composite
def scorecards(draw):
    count = draw(st.integers(1, 4))
    return parse_scorecard(
        {
            "code": "p",
            "name": "P",
            "version": 1,
            "effective_from": "2026-01-01",
            "criteria": [draw(criteria(i)) for i in range(count)],
        }
    )


usage_rows = st.lists(
    st.tuples(
        st.sampled_from(CUSTOMERS),
        st.integers(-2, 32),  # days before DAY (negative: after it, outside every window)
        st.sampled_from(METRICS),
        st.integers(0, 12) | st.integers(0, 10**9),
    ),
    unique_by=lambda row: row[:3],
    max_size=120,
)
milestone_rows = st.lists(
    st.tuples(
        st.sampled_from(CUSTOMERS),
        st.sampled_from(MILESTONES),
        st.integers(-5, 5),
        st.none() | st.integers(0, 8),
    ),
    max_size=8,
)
history_rows = st.lists(
    st.tuples(
        st.sampled_from(CUSTOMERS),
        st.integers(0, 3),
        st.integers(1, 12),
        decimals("0", "1.5", 6),
    ),
    unique_by=lambda row: row[:3],
    max_size=15,
)


def usage_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, pd.Timestamp(DAY - timedelta(days=ago)), m, v) for c, ago, m, v in rows],
        columns=["customer_id", "date", "metric", "value"],
    ).astype({"customer_id": "int64", "value": "int64", "date": "datetime64[ns]"})


def milestone_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                c,
                name,
                DAY - timedelta(days=ago),
                None if lost is None else DAY - timedelta(days=ago) + timedelta(days=lost + 1),
            )
            for c, name, ago, lost in rows
        ],
        columns=["customer_id", "milestone", "achieved_on", "lost_on"],
    )


def history_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (c, f"c{i}", DAY - timedelta(days=ago), v.quantize(Decimal("0.000001")), v)
            for c, i, ago, v in rows
        ],
        columns=["customer_id", "criterion", "measured_on", "value", "raw"],
    )
