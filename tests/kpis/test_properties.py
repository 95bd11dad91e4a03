"""The column-at-a-time KPIs give, on any inputs, what the slow per-customer calculation of
docs/design.md §10 gives (``reference.py``), to the last digit (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.kpis import FeatureRule, KpiRules, portfolio_kpis

from .reference import Reference

DAY = date(2026, 6, 30)
QUARTER_START = date(2026, 4, 1)
CUSTOMERS = (1, 2, 3, 4, 5)
METRICS = (
    "active_users",
    "licensed_seats",
    "monthly_active_users",
    "feature:reports",
    "feature_users:reports",
)
# Days around the edges that matter: the day, D − 30 and its neighbours, week boundaries, the trend's reach.
AGES = st.one_of(st.sampled_from((0, 1, 6, 7, 13, 14, 27, 28, 29, 30, 31, 83, 84)), st.integers(0, 110))
# Small counts so that exact edges (60 %, +10 points, k and m) come up often.
VALUES = st.one_of(st.integers(0, 12), st.sampled_from((60, 100, 1000)), st.integers(0, 10**6))

usage_rows = st.dictionaries(
    st.tuples(st.sampled_from(CUSTOMERS), AGES, st.sampled_from(METRICS)), VALUES, max_size=60
)
activity_rows = st.lists(
    st.tuples(
        st.sampled_from(CUSTOMERS),
        st.integers(-40, 140).map(lambda ago: DAY - timedelta(days=ago)),
        st.sampled_from(("qbr", "onboarding_completed", "key_user_left", "nps")),
    ),
    max_size=12,
)
portfolio_sets = st.dictionaries(
    st.sampled_from(("a", "b", "c")), st.lists(st.sampled_from((*CUSTOMERS, 6)), max_size=6), min_size=1
)
kpi_rules = st.builds(
    KpiRules,
    utilisation_threshold=st.sampled_from((Decimal("0.6"), Decimal("0.5"), Decimal("0.333"), Decimal("1"))),
    rise_points=st.sampled_from((Decimal("10"), Decimal("0"), Decimal("12.5"))),
    rise_days=st.sampled_from((30, 1, 7)),
    weekly_weeks=st.integers(1, 4),
    trend_weeks=st.integers(1, 12),
    key_features=st.lists(
        st.builds(
            FeatureRule,
            feature=st.just("reports"),
            min_uses=st.integers(1, 5),
            min_users=st.integers(1, 3),
            weeks=st.integers(1, 3),
        ),
        max_size=1,
    ).map(tuple),
)


def frame(rows: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, pd.Timestamp(DAY - timedelta(days=ago)), m, v) for (c, ago, m), v in rows.items()],
        columns=["customer_id", "date", "metric", "value"],
    ).astype({"customer_id": "int64", "value": "int64", "date": "datetime64[ns]"})


@settings(max_examples=200, deadline=None)
@given(
    rows=usage_rows,
    acts=activity_rows,
    portfolios=portfolio_sets,
    rules=kpi_rules,
    ago=st.sampled_from((0, 3)),
)
def test_portfolio_kpis_equal_the_per_customer_reference(rows, acts, portfolios, rules, ago):
    day = DAY - timedelta(days=ago)
    activities = pd.DataFrame(acts, columns=["customer_id", "date", "type"]).astype({"customer_id": "int64"})
    computed = portfolio_kpis(
        day=day,
        usage=frame(rows),
        activities=activities,
        portfolios=portfolios,
        quarter_start=QUARTER_START,
        rules=rules,
    )
    reference = Reference([(c, DAY - timedelta(days=a), m, v) for (c, a, m), v in rows.items()], acts, rules)
    for key, members in portfolios.items():
        got = dataclasses.asdict(computed[key])
        assert got.pop("day") == day
        expected = reference.kpis(members, day, QUARTER_START)
        assert got == expected
        assert {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in expected.items()}
