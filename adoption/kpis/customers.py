"""Each customer's inputs to the portfolio KPIs on a day (docs/design.md §10, docs/kpis.md).

``usage`` is the daily usage of ``adoption.scoring.measures`` (a DataFrame of ``customer_id`` int,
``date``, ``metric``, ``value`` int ≥ 0, or that frame already laid out as ``Usage``); ``activities`` a
DataFrame of ``customer_id`` int, ``date`` and ``type`` (``qbr``, ``onboarding_completed``,
``key_user_left``, ``nps``; other columns are ignored).

Every value is an integer count or a flag, so a portfolio's KPI is a ratio of integer sums and every
comparison with a threshold is exact (cross-multiplied integers, never a rounded ratio).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from adoption.scoring.measures import ACTIVE, MAU, SEATS, Usage

from .rules import KpiRules

QBR, ONBOARDING_COMPLETED = "qbr", "onboarding_completed"
# Products of two counts and a fraction's terms stay in int64 below this; above it, Python integers.
INT64_SAFE = 2**62


def weekly_column(weeks_before: int) -> str:
    """The column saying whether a customer was active at least weekly ``weeks_before`` weeks before the
    day (0: on the day)."""
    return f"weekly_active_{weeks_before}"


def weekly_measured_column(weeks_before: int) -> str:
    """The column saying whether a customer has at least one ``active_users`` row in the weeks
    ``weekly_column(weeks_before)`` reads: the customers the weekly-active count is judged on."""
    return f"has_weekly_active_{weeks_before}"


def feature_column(feature: str) -> str:
    return f"feature:{feature}"


def feature_measured_column(feature: str) -> str:
    """The column saying whether a customer has any row of the feature's metrics (``feature:<name>`` or
    ``feature_users:<name>``) in the weeks its rule reads: the customers its count is judged on."""
    return f"has_feature:{feature}"


def customer_values(
    *,
    day: date,
    usage: pd.DataFrame | Usage,
    activities: pd.DataFrame,
    customers: Iterable[int],
    quarter_start: date,
    rules: KpiRules | None = None,
) -> pd.DataFrame:
    """One row per customer of ``customers`` (index ``customer_id``, ascending) with its KPI inputs on
    ``day``; a customer without usage or activities has a row of zeros and False.

    Every count has a ``has_…`` flag beside it, the customers it is judged on (its denominator): a
    portfolio none of whose members has the flag has no value for that count that day, never 0
    (docs/design.md §10.2).

    Columns (counts are int64, flags bool):
    - ``util_active``, ``util_seats``: min(active_users, licensed_seats) and licensed_seats on the day;
      both 0 and ``has_util`` False when the day lacks either row or has no seats (no value, not zero);
    - ``below``: has a utilisation strictly below ``rules.utilisation_threshold``;
    - ``earlier_active``, ``earlier_seats``, ``has_earlier``: the same ``rules.rise_days`` days before;
      ``has_rise``: both days have a utilisation (the customers the rise is judged on); ``rose``: and
      the day's utilisation is strictly more than ``rules.rise_points`` percentage points above the
      earlier one;
    - ``dau``, ``mau``, ``has_dau_mau``: active_users and monthly_active_users on the day; 0 and False
      when the day lacks either row or MAU is 0;
    - ``weekly_active_<k>`` for k in 0 … ``rules.trend_weeks`` − 1: active users on at least one day of
      each of the ``rules.weekly_weeks`` weeks ending k weeks before the day; ``weekly_active`` is k = 0;
      ``has_weekly_active_<k>`` (``has_weekly_active`` for k = 0): at least one ``active_users`` row,
      whatever its value, in those weeks (a customer without any has no value, it is not "inactive");
    - ``feature:<name>`` per key feature rule: the rule holds in each of its weeks (``FeatureRule``);
      ``has_feature:<name>``: at least one row of ``feature:<name>`` or ``feature_users:<name>`` in
      those weeks;
    - ``qbr_eligible``: an ``onboarding_completed`` activity on or before the day (past onboarding);
      ``qbr_covered``: eligible and a ``qbr`` activity from ``quarter_start`` to the day, both included.

    Raises ``ValueError`` when ``quarter_start`` is after ``day``, or when the usage the day's KPIs read
    (``rules.reach_days`` before it) would start before the calendar's first day, 0001-01-01.
    """
    if quarter_start > day:
        raise ValueError(f"the quarter starts on {quarter_start}, after the day {day}")
    rules = rules or KpiRules()
    refuse_reach_before_calendar(day, rules)
    laid_out = usage if isinstance(usage, Usage) else Usage(usage)
    ids = np.unique(np.fromiter((int(c) for c in customers), dtype=np.int64))
    columns = {
        **_utilisation(laid_out, day, rules),
        **_dau_mau(laid_out, day),
        **_weekly(laid_out, day, rules),
        **_features(laid_out, day, rules),
    }
    at = np.searchsorted(laid_out.customers, ids)
    found = np.zeros(len(ids), dtype=bool)
    inside = at < len(laid_out.customers)
    found[inside] = laid_out.customers[at[inside]] == ids[inside]
    frame = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    for name, values in columns.items():
        picked = np.zeros(len(ids), dtype=values.dtype)
        picked[found] = values[at[found]]
        frame[name] = picked
    frame["weekly_active"] = frame[weekly_column(0)]
    frame["has_weekly_active"] = frame[weekly_measured_column(0)]
    eligible, covered = _qbr(activities, day, quarter_start)
    frame["qbr_eligible"] = np.isin(ids, eligible)
    frame["qbr_covered"] = frame["qbr_eligible"].to_numpy() & np.isin(ids, covered)
    return frame


def refuse_reach_before_calendar(day: date, rules: KpiRules) -> None:
    """Raise ``ValueError`` when the usage ``day``'s KPIs read, ``rules.reach_days`` days back, would
    start before ``date.min`` (0001-01-01): no such day exists to read."""
    if day.toordinal() - rules.reach_days < date.min.toordinal():
        raise ValueError(
            f"the KPIs of {day} read usage from {rules.reach_days} days before it, "
            f"before the calendar's first day {date.min}"
        )


def _on(usage: Usage, array: np.ndarray, day: date) -> np.ndarray:
    """The customers' values of the customers × days ``array`` on ``day`` (zeros outside the usage)."""
    column = usage.column(day)
    if 0 <= column < usage.days:
        return array[:, column]
    return np.zeros(len(usage.customers), dtype=array.dtype)


def _exact(*arrays: np.ndarray, bound: int) -> tuple[np.ndarray, ...]:
    """The arrays as int64 when ``bound`` (the largest product to come) fits, else as Python integers."""
    if bound < INT64_SAFE:
        return tuple(np.asarray(a, dtype=np.int64) for a in arrays)
    return tuple(np.asarray(a, dtype=np.int64).astype(object) for a in arrays)


def _utilisation_on(usage: Usage, day: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    active, seats = _on(usage, usage.values(ACTIVE), day), _on(usage, usage.values(SEATS), day)
    has = _on(usage, usage.present(ACTIVE), day) & (seats > 0)
    return np.where(has, np.minimum(active, seats), 0), np.where(has, seats, 0), has


def _utilisation(usage: Usage, day: date, rules: KpiRules) -> dict[str, np.ndarray]:
    active, seats, has = _utilisation_on(usage, day)
    before, before_seats, had = _utilisation_on(usage, day - timedelta(days=rules.rise_days))
    largest = int(max(seats.max(initial=0), before_seats.max(initial=0)))
    threshold, rise = rules.threshold, rules.rise
    terms = max(threshold.numerator, threshold.denominator, rise.numerator, rise.denominator)
    a, s, a0, s0 = _exact(active, seats, before, before_seats, bound=largest * largest * terms + 1)
    # active ÷ seats < p ÷ q  ⇔  active × q < p × seats (seats > 0)
    below = has & np.asarray(a * threshold.denominator < threshold.numerator * s, dtype=bool)
    # a ÷ s − a0 ÷ s0 > p ÷ q  ⇔  (a × s0 − a0 × s) × q > p × s × s0 (s, s0 > 0)
    gain = (a * s0 - a0 * s) * rise.denominator
    rose = has & had & np.asarray(gain > rise.numerator * s * s0, dtype=bool)
    return {
        "util_active": active,
        "util_seats": seats,
        "has_util": has,
        "below": below,
        "earlier_active": before,
        "earlier_seats": before_seats,
        "has_earlier": had,
        "has_rise": has & had,
        "rose": rose,
    }


def _dau_mau(usage: Usage, day: date) -> dict[str, np.ndarray]:
    active, mau = _on(usage, usage.values(ACTIVE), day), _on(usage, usage.values(MAU), day)
    has = _on(usage, usage.present(ACTIVE), day) & (mau > 0)
    return {"dau": np.where(has, active, 0), "mau": np.where(has, mau, 0), "has_dau_mau": has}


def _every_week(usage: Usage, day: date, weeks: int, week_holds) -> np.ndarray:
    """Whether ``week_holds(last_day_of_week)`` holds for each of the ``weeks`` weeks ending on ``day``."""
    holds = np.ones(len(usage.customers), dtype=bool)
    for week in range(weeks):
        holds &= week_holds(day - timedelta(days=7 * week))
    return holds


def _weekly(usage: Usage, day: date, rules: KpiRules) -> dict[str, np.ndarray]:
    def active_in_week(last: date) -> np.ndarray:
        days = usage.window_sum("kpi:active_days", lambda: usage.values(ACTIVE) > 0, last, 7)
        return days > 0

    span = 7 * rules.weekly_weeks
    columns = {}
    for k in range(rules.trend_weeks):
        last = day - timedelta(days=7 * k)
        columns[weekly_column(k)] = _every_week(usage, last, rules.weekly_weeks, active_in_week)
        rows = usage.window_sum("kpi:active_rows", lambda: usage.present(ACTIVE), last, span)
        columns[weekly_measured_column(k)] = rows > 0
    return columns


def _features(usage: Usage, day: date, rules: KpiRules) -> dict[str, np.ndarray]:
    columns = {}
    for rule in rules.key_features:
        uses_metric, users_metric = f"feature:{rule.feature}", f"feature_users:{rule.feature}"

        def week_holds(last: date, rule=rule, uses_metric=uses_metric, users_metric=users_metric):
            uses = usage.window_sum(f"kpi:{uses_metric}", lambda: usage.values(uses_metric), last, 7)
            busy_days = usage.window_sum(
                f"kpi:{users_metric}>={rule.min_users}",
                lambda: usage.values(users_metric) >= rule.min_users,
                last,
                7,
            )
            return (uses >= rule.min_uses) & (busy_days > 0)

        columns[feature_column(rule.feature)] = _every_week(usage, day, rule.weeks, week_holds)
        rows = usage.window_sum(
            f"kpi:rows:{rule.feature}",
            lambda uses_metric=uses_metric, users_metric=users_metric: (
                usage.present(uses_metric) | usage.present(users_metric)
            ),
            day,
            7 * rule.weeks,
        )
        columns[feature_measured_column(rule.feature)] = rows > 0
    return columns


def _qbr(activities: pd.DataFrame, day: date, quarter_start: date) -> tuple[np.ndarray, np.ndarray]:
    """The customers past onboarding on ``day``, and those with a QBR from ``quarter_start`` to ``day``."""
    if activities.empty:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    dates = pd.to_datetime(activities["date"]).to_numpy().astype("datetime64[D]")
    ids = activities["customer_id"].to_numpy(dtype=np.int64)
    kinds = activities["type"].to_numpy()
    on_or_before = dates <= np.datetime64(day, "D")
    eligible = ids[(kinds == ONBOARDING_COMPLETED) & on_or_before]
    covered = ids[(kinds == QBR) & on_or_before & (dates >= np.datetime64(quarter_start, "D"))]
    return np.unique(eligible), np.unique(covered)
