"""What each computed KPI code is made of (docs/design.md §10.4, docs/kpis.md): which ``customer_values``
column its numerator sums and which its denominator sums, so that a stored KPI, its exact terms and a
customer-by-customer explanation all come from the same two columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adoption.scoring.measures import to_ratio

from .customers import feature_column, feature_measured_column
from .kpis import PortfolioSums
from .rules import COUNT, RATIO, KpiRules, kpi_codes


@dataclass(frozen=True)
class KpiTerms:
    """A KPI's terms: ``numerator`` and ``denominator`` name ``customer_values`` columns summed over the
    portfolio's members; ``unit`` is ``COUNT`` (the value is the numerator, the denominator the members
    with a value) or ``RATIO`` (the value is numerator ÷ denominator). Either way a denominator of 0 means
    no value that day (docs/design.md §10.2)."""

    numerator: str
    denominator: str
    unit: str


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value on a portfolio with its exact integer terms: ``value`` a ``Decimal`` (a count as a
    whole number, a ratio 0–1 half-up to 6 decimals; None, count or ratio, when the denominator is 0)."""

    value: Decimal | None
    numerator: int
    denominator: int


def kpi_terms(code: str, rules: KpiRules) -> KpiTerms:
    """The terms of KPI ``code`` under ``rules`` (a code of ``kpi_codes(rules)``).

    Raises ``ValueError`` naming the code and the known ones when ``rules`` compute no such KPI."""
    codes = kpi_codes(rules)
    if code not in codes:
        raise ValueError(f"unknown KPI {code!r}: the computed KPIs are {', '.join(codes)}")
    below = next(iter(codes))  # util_below_<threshold>, the first code
    fixed = {
        below: KpiTerms("below", "has_util", COUNT),
        "avg_utilisation": KpiTerms("util_active", "util_seats", RATIO),
        "util_rising": KpiTerms("rose", "has_rise", COUNT),
        "dau_mau": KpiTerms("dau", "mau", RATIO),
        "weekly_active": KpiTerms("weekly_active", "has_weekly_active", COUNT),
        "qbr_coverage": KpiTerms("qbr_covered", "qbr_eligible", RATIO),
    }
    if code in fixed:
        return fixed[code]
    feature = code.removeprefix("key_feature:")
    return KpiTerms(feature_column(feature), feature_measured_column(feature), COUNT)


def kpi_value(portfolio: PortfolioSums, code: str, rules: KpiRules) -> KpiValue:
    """KPI ``code`` of a portfolio from its sums (``portfolio_sums``): the value the matching
    ``PortfolioKpis`` field holds, with its numerator and denominator. Raises ``ValueError`` as
    ``kpi_terms`` does."""
    terms = kpi_terms(code, rules)
    sums = portfolio.sums
    numerator = int(sums.get(terms.numerator, 0))
    denominator = int(sums.get(terms.denominator, 0))
    if not denominator:
        return KpiValue(None, numerator, denominator)
    if terms.unit == COUNT:
        return KpiValue(Decimal(numerator), numerator, denominator)
    return KpiValue(to_ratio(numerator, denominator), numerator, denominator)
