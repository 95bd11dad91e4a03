"""Measures computed from daily usage over a window ending on the scored day (docs/design.md §9.3).

``usage`` is a DataFrame of ``customer_id`` (int), ``date`` (datetime64), ``metric`` (str) and ``value``
(non-negative int): one row per customer, day and metric. Each measure returns a DataFrame indexed by
``customer_id`` with ``value`` (the ratio 0–1 that earns points) and ``raw`` (the uncapped ratio shown beside
it), both ``Decimal`` rounded half-up to 6 places. A customer without the data a measure needs is absent:
missing, for the criterion's missing-data rule to decide.

Every ratio is a ratio of integer sums, so it is exact and the same whatever computes it:
- license utilisation = Σ min(active_users, licensed_seats) ÷ Σ licensed_seats over the window's days that
  have both and seats > 0 (each day capped at 100 %, seat-weighted); raw = Σ active_users ÷ Σ seats;
- DAU/MAU = Σ active_users ÷ Σ monthly_active_users over the days that have both and MAU > 0;
- weeks active = weeks (7-day blocks back from the scored day) with active_users > 0 ÷ N weeks;
- key feature adoption = features with Σ ``feature:<name>`` uses ≥ k and a day of ``feature_users:<name>``
  ≥ m ÷ features named. Missing for the last two only when the customer has no usage row in the window.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .definition import Criterion

RATIO_PLACES = Decimal("0.000001")
ACTIVE, SEATS, MAU = "active_users", "licensed_seats", "monthly_active_users"


def to_ratio(numerator: int, denominator: int) -> Decimal:
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(
        RATIO_PLACES, rounding=ROUND_HALF_UP
    )


class UsageWindow:
    """The usage rows of the ``days`` days up to and including ``day``, with each row's age in days
    (0 = the scored day). Built once per scored day and shared by every criterion."""

    def __init__(self, usage: pd.DataFrame, day: date, days: int):
        stamp = pd.Timestamp(day)
        frame = usage[(usage["date"] <= stamp) & (usage["date"] > stamp - pd.Timedelta(days=days))]
        self.day = day
        self.frame = pd.DataFrame(
            {
                "customer_id": frame["customer_id"].to_numpy(),
                "age": (stamp - frame["date"]).dt.days.to_numpy(),
                "metric": frame["metric"].to_numpy(),
                "value": frame["value"].to_numpy(dtype=np.int64),
            }
        )

    def rows(self, days: int, metric: str | None = None) -> pd.DataFrame:
        frame = self.frame[self.frame["age"] < days]
        return frame if metric is None else frame[frame["metric"] == metric]


def measure(window: UsageWindow, criterion: Criterion) -> pd.DataFrame:
    """The criterion's measure for every customer that has its data (see the module docstring)."""
    if criterion.measure == "license_utilisation":
        return _utilisation(window, criterion.window_days)
    if criterion.measure == "dau_mau":
        return _dau_mau(window, criterion.window_days)
    if criterion.measure == "weeks_active":
        return _weeks_active(window, criterion.window_weeks)
    if criterion.measure == "feature_adoption":
        return _feature_adoption(window, criterion)
    raise ValueError(f"unknown measure {criterion.measure!r}")


def _pair(window: UsageWindow, days: int, numerator: str, denominator: str) -> pd.DataFrame:
    """Per customer and day, the two metrics side by side where both exist and the denominator > 0."""
    num = window.rows(days, numerator)[["customer_id", "age", "value"]]
    den = window.rows(days, denominator)[["customer_id", "age", "value"]]
    both = num.merge(den, on=["customer_id", "age"], suffixes=("_num", "_den"))
    return both[both["value_den"] > 0]


def _result(numerator: pd.Series, denominator: pd.Series, raw_numerator: pd.Series) -> pd.DataFrame:
    values = [to_ratio(n, d) for n, d in zip(numerator, denominator, strict=True)]
    raws = [to_ratio(n, d) for n, d in zip(raw_numerator, denominator, strict=True)]
    return pd.DataFrame({"value": values, "raw": raws}, index=numerator.index, dtype=object)


def _utilisation(window: UsageWindow, days: int) -> pd.DataFrame:
    both = _pair(window, days, ACTIVE, SEATS)
    both = both.assign(capped=np.minimum(both["value_num"], both["value_den"]))
    sums = both.groupby("customer_id")[["capped", "value_den", "value_num"]].sum()
    return _result(sums["capped"], sums["value_den"], sums["value_num"])


def _dau_mau(window: UsageWindow, days: int) -> pd.DataFrame:
    sums = _pair(window, days, ACTIVE, MAU).groupby("customer_id")[["value_num", "value_den"]].sum()
    return _result(sums["value_num"], sums["value_den"], sums["value_num"])


def _customers_with_usage(window: UsageWindow, days: int) -> pd.Index:
    return pd.Index(window.rows(days)["customer_id"].unique(), name="customer_id").sort_values()


def _weeks_active(window: UsageWindow, weeks: int) -> pd.DataFrame:
    days = 7 * weeks
    customers = _customers_with_usage(window, days)
    active = window.rows(days, ACTIVE)
    active = active[active["value"] > 0]
    counts = (active["age"] // 7).groupby(active["customer_id"]).nunique()
    counts = counts.reindex(customers, fill_value=0)
    return _result(counts, pd.Series(weeks, index=customers), counts)


def _feature_adoption(window: UsageWindow, criterion: Criterion) -> pd.DataFrame:
    days = criterion.window_days
    customers = _customers_with_usage(window, days)
    adopted = pd.Series(0, index=customers, dtype=np.int64)
    for feature in criterion.features:
        uses = window.rows(days, f"feature:{feature}").groupby("customer_id")["value"].sum()
        users = window.rows(days, f"feature_users:{feature}").groupby("customer_id")["value"].max()
        uses = uses.reindex(customers, fill_value=0)
        users = users.reindex(customers, fill_value=0)
        adopted += ((uses >= criterion.min_uses) & (users >= criterion.min_users)).astype(np.int64)
    return _result(adopted, pd.Series(len(criterion.features), index=customers), adopted)
