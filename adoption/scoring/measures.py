"""Measures computed from daily usage over a window ending on the scored day (docs/design.md §9.3).

``usage`` is a DataFrame of ``customer_id`` (int), ``date`` (datetime64), ``metric`` (str) and ``value``
(non-negative int): one row per customer, day and metric. ``Usage`` lays it out once as customers × days
arrays with cumulative sums along the days, so a window's sums cost two subtractions per customer and a
range of days costs little more than one day.

Every ratio is a ratio of integer sums, so it is exact and the same whatever computes it:
- license utilisation = Σ min(active_users, licensed_seats) ÷ Σ licensed_seats over the window's days that
  have both and seats > 0 (each day capped at 100 %, seat-weighted); raw = Σ active_users ÷ Σ seats;
- DAU/MAU = Σ active_users ÷ Σ monthly_active_users over the days that have both and MAU > 0;
- weeks active = weeks (7-day blocks back from the scored day) with active_users > 0 ÷ N weeks;
- key feature adoption = features with Σ ``feature:<name>`` uses ≥ k and a day of ``feature_users:<name>``
  ≥ m ÷ features named. Missing for the last two only when the customer has no usage row in the window.

Ratios are kept to 6 decimals, half-up: as integers in millionths (``ratio_millionths``), or as ``Decimal``
(``measure``). A customer without the data a measure needs is absent: missing, for the criterion's
missing-data rule to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .definition import Criterion

RATIO_PLACES = Decimal("0.000001")
MILLION = 1_000_000
ACTIVE, SEATS, MAU = "active_users", "licensed_seats", "monthly_active_users"
# Sums stay below this so that 2 × 10⁶ × a sum fits in an int64 (half-up division in millionths).
LARGEST_SUM = 2**62 // (2 * MILLION)


def to_ratio(numerator: int, denominator: int) -> Decimal:
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(
        RATIO_PLACES, rounding=ROUND_HALF_UP
    )


def half_up_div(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator ÷ denominator rounded half-up to an integer, for integers ≥ 0 and denominators > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def ratio_millionths(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator ÷ denominator in millionths, half-up (int64): the integer form of ``to_ratio``."""
    return half_up_div(
        np.asarray(numerator, dtype=np.int64) * MILLION, np.asarray(denominator, dtype=np.int64)
    )


def millionths_to_decimal(value: int) -> Decimal:
    """A ratio in millionths as the 6-decimal ``Decimal`` that ``to_ratio`` gives."""
    return Decimal(int(value)).scaleb(-6)


@dataclass(frozen=True)
class Sums:
    """A measure's integer sums for the customers that have its data (``customers`` ascending):
    value = ``numerator`` ÷ ``denominator``, raw = ``raw_numerator`` ÷ ``denominator``."""

    customers: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    raw_numerator: np.ndarray

    def value(self) -> np.ndarray:
        """The values in millionths."""
        return ratio_millionths(self.numerator, self.denominator)

    def raw(self) -> np.ndarray:
        """The raw values in millionths."""
        return ratio_millionths(self.raw_numerator, self.denominator)


class Usage:
    """Daily usage laid out for windows: the customers (ascending) × the days from the first to the last
    day of ``usage``, per metric a value array and whether the row exists; window sums come from
    cumulative sums along the days, computed once and kept.

    Raises ``ValueError`` when a customer's sum of a metric could pass ``LARGEST_SUM``."""

    def __init__(self, usage: pd.DataFrame):
        ids = usage["customer_id"].to_numpy(dtype=np.int64)
        days = usage["date"].to_numpy().astype("datetime64[D]")
        self.customers = np.unique(ids)
        self.first = days.min() if len(days) else np.datetime64("1970-01-01", "D")
        self.days = int((days.max() - self.first).astype(np.int64)) + 1 if len(days) else 0
        shape = (len(self.customers), self.days)
        cells = np.searchsorted(self.customers, ids) * self.days + (days - self.first).astype(np.int64)
        values = usage["value"].to_numpy(dtype=np.int64)
        metrics = pd.Categorical(usage["metric"])
        codes = metrics.codes
        self._values: dict[str, np.ndarray] = {}
        self._present: dict[str, np.ndarray] = {}
        self.any_row = np.zeros(shape, dtype=bool)
        for code, name in enumerate(metrics.categories.tolist()):
            at = cells[codes == code]
            value = np.zeros(shape, dtype=np.int64)
            value.flat[at] = values[codes == code]
            present = np.zeros(shape, dtype=bool)
            present.flat[at] = True
            self._values[str(name)], self._present[str(name)] = value, present
            self.any_row.flat[at] = True
        if len(values) and int(values.max()) * max(self.days, 1) >= LARGEST_SUM:
            raise ValueError(f"usage values up to {int(values.max())} are too large to sum exactly")
        self._cumulative: dict[str, np.ndarray] = {}

    def values(self, metric: str) -> np.ndarray:
        """The metric's customers × days values (0 where there is no row)."""
        return self._values.get(metric, np.zeros((len(self.customers), self.days), dtype=np.int64))

    def present(self, metric: str) -> np.ndarray:
        """Whether each customer has a row of ``metric`` on each day."""
        return self._present.get(metric, np.zeros((len(self.customers), self.days), dtype=bool))

    def column(self, day: date) -> int:
        """The index of ``day`` among the days (outside 0…days − 1 when outside the usage)."""
        return int((np.datetime64(day, "D") - self.first).astype(np.int64))

    def window_sum(self, key: str, make, day: date, days: int) -> np.ndarray:
        """Per customer, the sum over the ``days`` days up to and including ``day`` of the customers ×
        days array ``make()`` (built once and kept under ``key`` as cumulative sums)."""
        cumulative = self._cumulative.get(key)
        if cumulative is None:
            array = make()
            cumulative = np.zeros((array.shape[0], array.shape[1] + 1), dtype=np.int64)
            np.cumsum(array, axis=1, out=cumulative[:, 1:])
            self._cumulative[key] = cumulative
        end = min(max(self.column(day) + 1, 0), self.days)
        start = min(max(self.column(day) + 1 - days, 0), self.days)
        return cumulative[:, end] - cumulative[:, start]


class UsageWindow:
    """The usage of the ``days`` days up to and including ``day``, laid out as ``Usage``."""

    def __init__(self, usage: pd.DataFrame, day: date, days: int):
        stamp = pd.Timestamp(day)
        self.day = day
        self.usage = Usage(
            usage[(usage["date"] <= stamp) & (usage["date"] > stamp - pd.Timedelta(days=days))]
        )


def measure(window: UsageWindow, criterion: Criterion) -> pd.DataFrame:
    """The criterion's measure for every customer that has its data: a DataFrame indexed by
    ``customer_id`` with ``value`` (the ratio 0–1 that earns points) and ``raw`` (the uncapped ratio),
    both ``Decimal`` half-up to 6 places (see the module docstring)."""
    sums = measure_sums(window.usage, criterion, window.day)
    return pd.DataFrame(
        {
            "value": [millionths_to_decimal(v) for v in sums.value().tolist()],
            "raw": [millionths_to_decimal(v) for v in sums.raw().tolist()],
        },
        index=pd.Index(sums.customers, name="customer_id"),
        dtype=object,
    )


def measure_sums(usage: Usage, criterion: Criterion, day: date) -> Sums:
    """The criterion's integer sums on ``day`` for every customer that has its data."""
    if criterion.measure == "license_utilisation":
        return _utilisation(usage, day, criterion.window_days)
    if criterion.measure == "dau_mau":
        return _dau_mau(usage, day, criterion.window_days)
    if criterion.measure == "weeks_active":
        return _weeks_active(usage, day, criterion.window_weeks)
    if criterion.measure == "feature_adoption":
        return _feature_adoption(usage, day, criterion)
    raise ValueError(f"unknown measure {criterion.measure!r}")


def _measured(usage: Usage, has: np.ndarray, numerator, denominator, raw_numerator) -> Sums:
    def kept(a):
        return np.broadcast_to(np.asarray(a, dtype=np.int64), has.shape)[has]

    return Sums(usage.customers[has], kept(numerator), kept(denominator), kept(raw_numerator))


def _utilisation(usage: Usage, day: date, days: int) -> Sums:
    def both():  # the days with active users and seats > 0
        return usage.present(ACTIVE) & (usage.values(SEATS) > 0)

    capped = usage.window_sum(
        "util:capped", lambda: np.minimum(usage.values(ACTIVE), usage.values(SEATS)) * both(), day, days
    )
    seats = usage.window_sum("util:seats", lambda: usage.values(SEATS) * both(), day, days)
    active = usage.window_sum("util:active", lambda: usage.values(ACTIVE) * both(), day, days)
    return _measured(usage, seats > 0, capped, seats, active)


def _dau_mau(usage: Usage, day: date, days: int) -> Sums:
    def both():  # the days with active users and MAU > 0
        return usage.present(ACTIVE) & (usage.values(MAU) > 0)

    active = usage.window_sum("dau:active", lambda: usage.values(ACTIVE) * both(), day, days)
    mau = usage.window_sum("dau:mau", lambda: usage.values(MAU) * both(), day, days)
    return _measured(usage, mau > 0, active, mau, active)


def _with_usage(usage: Usage, day: date, days: int) -> np.ndarray:
    return usage.window_sum("any", lambda: usage.any_row, day, days) > 0


def _weeks_active(usage: Usage, day: date, weeks: int) -> Sums:
    has = _with_usage(usage, day, 7 * weeks)
    active = np.zeros(len(usage.customers), dtype=np.int64)
    for week in range(weeks):
        days_active = usage.window_sum(
            "weeks:active", lambda: usage.values(ACTIVE) > 0, day - timedelta(days=7 * week), 7
        )
        active += days_active > 0
    return _measured(usage, has, active, weeks, active)


def _feature_adoption(usage: Usage, day: date, criterion: Criterion) -> Sums:
    days = criterion.window_days
    has = _with_usage(usage, day, days)
    adopted = np.zeros(len(usage.customers), dtype=np.int64)
    for feature in criterion.features:
        uses_metric, users_metric = f"feature:{feature}", f"feature_users:{feature}"
        uses = usage.window_sum(uses_metric, lambda m=uses_metric: usage.values(m), day, days)
        users_days = usage.window_sum(
            f"{users_metric}>={criterion.min_users}",
            lambda m=users_metric: usage.values(m) >= criterion.min_users,
            day,
            days,
        )
        adopted += (uses >= criterion.min_uses) & (users_days > 0)
    return _measured(usage, has, adopted, len(criterion.features), adopted)
