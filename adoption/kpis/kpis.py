"""Portfolio KPIs on a day (docs/design.md §10; each KPI's definition in docs/kpis.md).

A portfolio is a set of customers (a CSM's book, a geo, the company). Each KPI is computed from the sums of
its members' ``customer_values`` over the portfolio: ratios are ratios of sums, never means of
per-customer ratios, and a member without a value that day is left out of both sums (missing, not zero).
Final ratios are ``Decimal`` from 0 to 1 (shown as percentages), half-up to 6 decimals like the scorecard
measures (§9.3); counts are ints. A KPI whose denominator — the members with a value that day — is 0 has no
value (None), counts included: a day on which no member was measured is never a count of 0 (§10.2).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from adoption.scoring.measures import Usage, to_ratio

from .customers import (
    customer_values,
    feature_column,
    feature_measured_column,
    weekly_column,
    weekly_measured_column,
)
from .rules import KpiRules

Sums = Mapping[str, int]


def _count(sums: Sums, numerator: str, denominator: str) -> int | None:
    """A count of customers over the members it is judged on: None when no member has a value."""
    return int(sums[numerator]) if sums[denominator] else None


def util_below(sums: Sums) -> int | None:
    """Customers below the utilisation threshold: the members whose utilisation on the day,
    min(active_users, licensed_seats) ÷ licensed_seats, is strictly less than the threshold X (a setting,
    default 60 %; exactly X is not below). A member with no seats or no rows that day has no utilisation
    and is not counted. Unit: customers; None when no member has a utilisation."""
    return _count(sums, "below", "has_util")


def avg_utilisation(sums: Sums) -> Decimal | None:
    """Seat-weighted average utilisation: Σ min(active_users, licensed_seats) ÷ Σ licensed_seats over the
    members with a utilisation that day (a ratio of sums; each customer capped at 100 %, as in §9.3).
    Unit: a ratio 0–1, ``Decimal`` half-up to 6 decimals; None when no member has a utilisation."""
    if not sums["util_seats"]:
        return None
    return to_ratio(sums["util_active"], sums["util_seats"])


def util_rising(sums: Sums) -> int | None:
    """Customers whose utilisation rose: the members with a utilisation both on the day D and on D − 30
    whose utilisation on D is strictly more than 10 percentage points above the one on D − 30 (exactly
    +10 points does not count; the points and the 30 days are settings). Unit: customers; None when no
    member has a utilisation on both days."""
    return _count(sums, "rose", "has_rise")


def dau_mau(sums: Sums) -> Decimal | None:
    """Portfolio DAU/MAU: Σ active_users ÷ Σ monthly_active_users on the day over the members having both
    rows with MAU > 0 (a ratio of sums; a member with MAU 0 has no value and is left out of both sums).
    Unit: a ratio 0–1 (or above when the daily users exceed the monthly ones), ``Decimal`` half-up to 6
    decimals; None when no member has a value."""
    if not sums["mau"]:
        return None
    return to_ratio(sums["dau"], sums["mau"])


def weekly_active(sums: Sums, weeks_before: int = 0) -> int | None:
    """Customers active at least weekly: the members with active_users > 0 on at least one day of each
    of the last 4 weeks (7-day blocks counted back from the day, the day included; the number of weeks is
    a setting), ``weeks_before`` weeks before the day. Judged on the members with at least one
    active_users row in those weeks. Unit: customers; None when no member has such a row."""
    return _count(sums, weekly_column(weeks_before), weekly_measured_column(weeks_before))


def weekly_active_trend(sums: Sums, weeks: int) -> tuple[int | None, ...]:
    """The weekly-active count on the day and on each of the ``weeks`` − 1 weeks before it, oldest
    first (12 values by default: D − 77, D − 70, …, D; None for a week without a value). Unit: customers
    per week."""
    return tuple(weekly_active(sums, k) for k in reversed(range(weeks)))


def key_feature(sums: Sums, feature: str) -> int | None:
    """Customers using a key feature in the right way and frequency: the members for whom, in each of
    the rule's N weeks (7-day blocks back from the day), Σ ``feature:<name>`` uses ≥ k and
    ``feature_users:<name>`` ≥ m on at least one day (``FeatureRule``). Judged on the members with any
    row of the feature's two metrics in those weeks. Unit: customers; None when no member has one."""
    return _count(sums, feature_column(feature), feature_measured_column(feature))


def qbr_coverage(sums: Sums) -> Decimal | None:
    """QBR coverage: covered ÷ eligible, where eligible = the members past onboarding (an
    ``onboarding_completed`` activity on or before the day) and covered = those of them with a ``qbr``
    activity in the day's fiscal quarter, from its first day to the day. Unit: a ratio 0–1, ``Decimal``
    half-up to 6 decimals; None when no member is past onboarding."""
    if not sums["qbr_eligible"]:
        return None
    return to_ratio(sums["qbr_covered"], sums["qbr_eligible"])


@dataclass(frozen=True)
class PortfolioKpis:
    """A portfolio's KPIs on ``day`` (the functions above define each): ``customers`` its members,
    ``with_utilisation``, ``with_rise``, ``with_dau_mau`` and ``with_weekly_active`` those with a value
    that day; ``key_features`` maps each key feature to its count; ``qbr_eligible`` and ``qbr_covered``
    are coverage's two counts. A count is None, like a ratio, when no member has a value that day."""

    day: date
    customers: int
    with_utilisation: int
    util_below: int | None
    avg_utilisation: Decimal | None
    with_rise: int
    util_rising: int | None
    with_dau_mau: int
    dau_mau: Decimal | None
    with_weekly_active: int
    weekly_active: int | None
    weekly_active_trend: tuple[int | None, ...]
    qbr_eligible: int
    qbr_covered: int
    qbr_coverage: Decimal | None
    key_features: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioSums:
    """A portfolio's members on a day and the exact integer sums over them of each ``customer_values``
    column (flags summed as counts): what every KPI of the portfolio is made of (``kpi_value``)."""

    customers: int
    sums: dict[str, int]


def portfolio_sums(
    *,
    day: date,
    usage: pd.DataFrame | Usage,
    activities: pd.DataFrame,
    portfolios: Mapping[Hashable, Iterable[int]],
    quarter_start: date,
    rules: KpiRules | None = None,
) -> dict[Hashable, PortfolioSums]:
    """Every portfolio's sums on ``day`` (arguments as ``portfolio_kpis`` takes them): ``{key:
    PortfolioSums}`` in the order of ``portfolios``; an empty portfolio's sums are zeros. A customer in
    several portfolios is counted once in each. Raises ``ValueError`` as ``customer_values`` does."""
    rules = rules or KpiRules()
    keys = list(portfolios)
    pairs = [(at, int(c)) for at, key in enumerate(keys) for c in set(map(int, portfolios[key]))]
    members = pd.DataFrame(pairs, columns=["portfolio", "customer_id"]).astype("int64")
    values = customer_values(
        day=day,
        usage=usage,
        activities=activities,
        customers=members["customer_id"].unique().tolist(),
        quarter_start=quarter_start,
        rules=rules,
    )
    summed = [name for name in values.columns if name not in ("earlier_active", "earlier_seats")]
    joined = members.join(values[summed].astype(object if _large(values) else "int64"), on="customer_id")
    sums = joined.groupby("portfolio")[summed].sum()
    sizes = members.groupby("portfolio").size()
    zero = dict.fromkeys(summed, 0)
    result = {}
    for at, key in enumerate(keys):
        row = sums.loc[at].to_dict() if at in sums.index else zero
        result[key] = PortfolioSums(int(sizes.get(at, 0)), {name: int(v) for name, v in row.items()})
    return result


def portfolio_kpis(
    *,
    day: date,
    usage: pd.DataFrame | Usage,
    activities: pd.DataFrame,
    portfolios: Mapping[Hashable, Iterable[int]],
    quarter_start: date,
    rules: KpiRules | None = None,
) -> dict[Hashable, PortfolioKpis]:
    """Every portfolio's KPIs on ``day``: ``portfolios`` maps a key (a CSM, a geo, "company") to its
    customer ids; a customer may belong to several portfolios, and is counted once in each. Inputs as
    ``customer_values`` takes them (``quarter_start``: the first day of the day's fiscal quarter).

    Returns ``{key: PortfolioKpis}`` in the order of ``portfolios``; an empty portfolio has no value for
    any KPI. Raises ``ValueError`` as ``customer_values`` does."""
    rules = rules or KpiRules()
    summed = portfolio_sums(
        day=day,
        usage=usage,
        activities=activities,
        portfolios=portfolios,
        quarter_start=quarter_start,
        rules=rules,
    )
    return {key: _kpis(day, each.sums, each.customers, rules) for key, each in summed.items()}


def _large(values: pd.DataFrame) -> bool:
    """Whether a portfolio's sums of these counts could pass int64: then they are summed as integers."""
    largest = max((int(values[c].max()) for c in ("util_seats", "mau") if len(values)), default=0)
    return largest * max(len(values), 1) >= 2**62


def _kpis(day: date, sums: Sums, customers: int, rules: KpiRules) -> PortfolioKpis:
    return PortfolioKpis(
        day=day,
        customers=customers,
        with_utilisation=int(sums["has_util"]),
        util_below=util_below(sums),
        avg_utilisation=avg_utilisation(sums),
        with_rise=int(sums["has_rise"]),
        util_rising=util_rising(sums),
        with_dau_mau=int(sums["has_dau_mau"]),
        dau_mau=dau_mau(sums),
        with_weekly_active=int(sums["has_weekly_active"]),
        weekly_active=weekly_active(sums),
        weekly_active_trend=weekly_active_trend(sums, rules.trend_weeks),
        qbr_eligible=int(sums["qbr_eligible"]),
        qbr_covered=int(sums["qbr_covered"]),
        qbr_coverage=qbr_coverage(sums),
        key_features={rule.feature: key_feature(sums, rule.feature) for rule in rules.key_features},
    )


__all__ = [
    "PortfolioKpis",
    "PortfolioSums",
    "avg_utilisation",
    "dau_mau",
    "key_feature",
    "portfolio_kpis",
    "portfolio_sums",
    "qbr_coverage",
    "util_below",
    "util_rising",
    "weekly_active",
    "weekly_active_trend",
]
