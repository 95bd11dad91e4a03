"""Each KPI code's two sums (adoption.kpis.kpi_terms) give the value portfolio_kpis gives, on any inputs
(hypothesis over the pure module's own strategies): what is stored is what the KPIs' definitions say."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.kpis import KpiRules, kpi_codes, kpi_terms, kpi_value, portfolio_kpis, portfolio_sums
from tests.kpis.test_properties import (
    DAY,
    QUARTER_START,
    activity_rows,
    frame,
    kpi_rules,
    portfolio_sets,
    usage_rows,
)


def field_of(kpis, code: str):
    """The ``PortfolioKpis`` field of a KPI code."""
    if code.startswith("util_below_"):
        return kpis.util_below
    if code.startswith("key_feature:"):
        return kpis.key_features[code.removeprefix("key_feature:")]
    return getattr(kpis, code)


@settings(max_examples=150, deadline=None)
@given(
    rows=usage_rows,
    acts=activity_rows,
    portfolios=portfolio_sets,
    rules=kpi_rules,
    ago=st.sampled_from((0, 3)),
)
def test_each_codes_value_from_its_sums_is_the_portfolio_kpi(rows, acts, portfolios, rules, ago):
    day = DAY - timedelta(days=ago)
    activities = pd.DataFrame(acts, columns=["customer_id", "date", "type"]).astype({"customer_id": "int64"})
    arguments = {
        "day": day,
        "usage": frame(rows),
        "activities": activities,
        "portfolios": portfolios,
        "quarter_start": QUARTER_START,
        "rules": rules,
    }
    kpis, sums = portfolio_kpis(**arguments), portfolio_sums(**arguments)
    for key in portfolios:
        for code in kpi_codes(rules):
            value = kpi_value(sums[key], code, rules)
            assert value.value == field_of(kpis[key], code)
            assert str(value.value) == str(field_of(kpis[key], code))
        assert kpi_value(sums[key], "weekly_active", rules).denominator == kpis[key].with_weekly_active
        # docs/design.md §10.2: a KPI, count or ratio, has no value exactly when its denominator is 0.
        for code in kpi_codes(rules):
            value = kpi_value(sums[key], code, rules)
            assert (value.value is None) == (value.denominator == 0)
        assert (
            kpi_value(sums[key], "avg_utilisation", rules).denominator > 0
            or kpis[key].avg_utilisation is None
        )


def test_an_unknown_code_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown KPI 'util_below_65': the computed KPIs are util_below_60, "
    ):
        kpi_terms("util_below_65", KpiRules())
