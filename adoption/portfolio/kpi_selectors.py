"""Reading the stored portfolio KPIs (docs/design.md §10.4, docs/kpis.md "History"): a KPI's history, a
portfolio's KPIs on a day, a CSM's book KPI over a quarter for the commission plans, and that value
explained down to the customers of the book.

Levels and keys as ``PortfolioKpiDay`` stores them: ``"csm"`` with the CSM's employee id
(``User.employee_id``), ``"geo"`` with the geo code, ``"company"`` with "". Values are ``Decimal``: counts
of customers as whole numbers, ratios 0–1 with 6 decimals.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from accounts.models import User

from ..kpis import COUNT, KpiRules, customer_values, kpi_codes, kpi_terms
from ..kpis.customers import QBR, refuse_reach_before_calendar
from ..models import Customer, Ownership, PortfolioKpiDay
from ..scoring.measures import ACTIVE, MAU, SEATS, Usage, to_ratio
from .inputs import DayInputs, day_inputs, kpi_rules, owners_on

QUARTER_END, QUARTER_AVERAGE = "quarter_end", "quarter_average"
MEASURES = (QUARTER_END, QUARTER_AVERAGE)
PLACES = 10**6  # ratios and averages are kept to 6 decimals
# Codes of KPIs a stored history may hold under other settings: a below count at another threshold, a
# key feature no longer configured.
FORMER_CODE = re.compile(r"^(util_below_\d+(_\d+)?|key_feature:\S.*)$")


@dataclass(frozen=True)
class BookKpiValue:
    """A KPI on a CSM's book over ``first``–``last`` (``book_kpi_values``)."""

    value: Decimal | None  # the quarter-end day's value, or the mean of the daily values over the days
    days: int  # days with a stored value that count
    missing: tuple[date, ...]  # days of first..last without a value: no stored row, or a row without one


def kpi_history(level: str, key: str, kpi: str, first: date, last: date) -> list[tuple[date, Decimal | None]]:
    """Each day of ``first``–``last`` (both included, oldest first) with the portfolio's stored value of
    ``kpi``: None on a day without a row, or whose row has no value (a ratio over no customer).

    Raises ``ValueError`` for an unknown level or KPI code, or ``first`` after ``last``."""
    _check_level(level)
    _check_kpi(kpi, kpi_rules())
    _check_span(first, last)
    stored = dict(
        PortfolioKpiDay.objects.filter(
            level=level, key=key, kpi=kpi, day__gte=first, day__lte=last
        ).values_list("day", "value")
    )
    return [(day, stored.get(day)) for day in _days(first, last)]


def kpis_on(level: str, key: str, day: date) -> dict[str, PortfolioKpiDay]:
    """The portfolio's stored KPIs on ``day``: ``{kpi code: PortfolioKpiDay}`` (empty when the day was
    not computed). Raises ``ValueError`` for an unknown level."""
    _check_level(level)
    rows = PortfolioKpiDay.objects.filter(level=level, key=key, day=day).order_by("kpi")
    return {row.kpi: row for row in rows}


def book_kpi_values(
    employee_ids: Collection[int], kpi: str, first: date, last: date, measure: str
) -> dict[int, BookKpiValue]:
    """KPI ``kpi`` on the book of each CSM of ``employee_ids`` (``User`` pks) over ``first``–``last``
    (a quarter), from the stored daily rows of level "csm" (docs/design.md §10.4):

    - ``measure="quarter_end"``: the value stored for ``last`` (``days`` 1, or 0 and value None when
      ``last`` has no row or its row no value);
    - ``measure="quarter_average"``: the mean of the values of the days of ``first``–``last`` that have
      one — their exact sum ÷ their number, then half-up to 6 decimals; None when no day has one. A day
      stored without a value (no customer of the book measured, counts included: §10.2) is left out,
      never averaged as 0.

    ``missing`` lists, either way, the days of ``first``–``last`` without a value: no stored row, or a
    row stored without a value (so that a run warns about them). A CSM without an employee id has no book
    rows: value None, every day missing. Returns ``{user pk: BookKpiValue}`` for
    every id given.

    Raises ``ValueError`` naming an unknown measure, KPI code or user id, or ``first`` after ``last``."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: a KPI is measured by {' or '.join(MEASURES)}")
    _check_kpi(kpi, kpi_rules())
    _check_span(first, last)
    wanted = {int(pk) for pk in employee_ids}
    keys = dict(User.objects.filter(pk__in=wanted).values_list("pk", "employee_id"))
    unknown = sorted(wanted - set(keys))
    if unknown:
        raise ValueError(f"no user with id {', '.join(map(str, unknown))}")
    stored: dict[str, dict[date, Decimal | None]] = {key: {} for key in keys.values() if key}
    rows = PortfolioKpiDay.objects.filter(
        level=PortfolioKpiDay.Level.CSM, key__in=list(stored), kpi=kpi, day__gte=first, day__lte=last
    ).values_list("key", "day", "value")
    for key, day, value in rows:
        stored[key][day] = value
    span = list(_days(first, last))
    result = {}
    for pk in sorted(wanted):
        days = stored.get(keys[pk] or "", {})
        missing = tuple(day for day in span if days.get(day) is None)
        if measure == QUARTER_END:
            value = days.get(last)
            result[pk] = BookKpiValue(value, 0 if value is None else 1, missing)
        else:
            values = [v for v in days.values() if v is not None]
            result[pk] = BookKpiValue(mean_half_up(values), len(values), missing)
    return result


def mean_half_up(values: list[Decimal]) -> Decimal | None:
    """The exact mean of ``values`` rounded half-up to 6 decimals (docs/design.md §10.4); None for none."""
    if not values:
        return None
    mean = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
    scaled = mean * PLACES
    sign = -1 if scaled < 0 else 1
    whole = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(sign * whole).scaleb(-6)


def explain_book_kpi(employee_id: int, kpi: str, day: date) -> list[dict]:
    """The customers of CSM ``employee_id``'s book (a ``User`` pk; the customers it owns on ``day``) with
    each one's inputs to ``kpi`` on ``day``, computed on demand from that book's rows only, under the
    current settings — the same calculation the stored value came from, so that Σ ``numerator`` and
    Σ ``denominator`` over the rows are the stored row's (docs/design.md §10.4).

    Each row: ``customer_id`` (the CRM id), ``name``, ``counted`` (for a count, whether the customer is
    counted; for a ratio, whether it has a value and so is in both sums), ``numerator`` and
    ``denominator`` (its terms of the KPI), and the raw inputs of the KPI:
    - utilisation KPIs: ``active_users``, ``licensed_seats`` (None without a row), ``utilisation``
      (capped at 100 %, a ratio 0–1 to 6 decimals, None without one); the rise adds the same of D − 30
      (``active_users_before``, ``licensed_seats_before``, ``utilisation_before``) and ``rise_points``;
    - ``dau_mau``: ``active_users``, ``monthly_active_users``;
    - ``weekly_active``: ``active_weeks`` of ``weeks`` (the last weeks with active users);
    - a key feature: ``weeks_met`` of ``weeks`` (the last weeks meeting its rule);
    - ``qbr_coverage``: ``past_onboarding``, ``qbr_this_quarter``.
    Sorted so the customers that made the value come first: counted ones, then by numerator and
    denominator (largest first), then by CRM id.

    Raises ``ValueError`` naming an unknown user id or a KPI code the current settings do not compute,
    or a day whose KPIs would read usage from before 0001-01-01."""
    rules = kpi_rules()
    terms = kpi_terms(kpi, rules)
    refuse_reach_before_calendar(day, rules)
    if not User.objects.filter(pk=employee_id).exists():
        raise ValueError(f"no user with id {employee_id}")
    ever = Ownership.objects.filter(employee_id=employee_id, start_date__lte=day).values_list(
        "customer_id", flat=True
    )
    owners = owners_on(day, customers=set(ever))
    book = sorted(int(c) for c in owners.loc[owners["employee_id"] == employee_id, "customer_id"])
    if not book:
        return []
    inputs = day_inputs(day, rules=rules, customers=book)
    values = customer_values(
        day=day,
        usage=inputs.usage,
        activities=inputs.activities,
        customers=book,
        quarter_start=inputs.quarter_start,
        rules=rules,
    )
    names = dict(Customer.objects.filter(pk__in=book).values_list("pk", "customer_id"))
    titles = dict(Customer.objects.filter(pk__in=book).values_list("pk", "name"))
    raw = _raw_inputs(kpi, inputs, book, values)
    rows = []
    for at, pk in enumerate(book):
        numerator = int(values.at[pk, terms.numerator])
        denominator = int(values.at[pk, terms.denominator])
        counted = bool(numerator) if terms.unit == COUNT else bool(_has_value(terms, values, pk))
        rows.append(
            {
                "customer_id": names[pk],
                "name": titles[pk],
                "counted": counted,
                "numerator": numerator,
                "denominator": denominator,
                **{name: column[at] for name, column in raw.items()},
            }
        )
    rows.sort(key=lambda r: (not r["counted"], -r["numerator"], -r["denominator"], r["customer_id"]))
    return rows


def _has_value(terms, values, pk: int) -> bool:
    """Whether a customer is in a ratio's sums: its flag of having the ratio's data that day."""
    flag = {"util_seats": "has_util", "mau": "has_dau_mau", "qbr_eligible": "qbr_eligible"}[terms.denominator]
    return bool(values.at[pk, flag])


def _raw_inputs(kpi: str, inputs: DayInputs, book: list[int], values: pd.DataFrame) -> dict[str, list]:
    """The raw inputs a KPI is explained by, per customer of ``book`` (in order)."""
    usage, day, rules = inputs.usage, inputs.day, inputs.rules
    activities, quarter_start = inputs.activities, inputs.quarter_start
    if kpi.startswith("util_below_") or kpi == "avg_utilisation":
        return _utilisation_of(usage, day, book)
    if kpi == "util_rising":
        now = _utilisation_of(usage, day, book)
        before = _utilisation_of(usage, day - timedelta(days=rules.rise_days), book)
        points = [
            _points(a, s, a0, s0)
            for a, s, a0, s0 in zip(
                now["active_users"],
                now["licensed_seats"],
                before["active_users"],
                before["licensed_seats"],
                strict=True,
            )
        ]
        return {
            **now,
            **{f"{name}_before": column for name, column in before.items()},
            "rise_points": points,
        }
    if kpi == "dau_mau":
        return {
            "active_users": _metric_on(usage, ACTIVE, day, book),
            "monthly_active_users": _metric_on(usage, MAU, day, book),
        }
    if kpi == "weekly_active":
        weeks = rules.weekly_weeks
        active = _weeks_with(usage, day, book, weeks, lambda last: _active_days(usage, last) > 0)
        return {"active_weeks": active, "weeks": [weeks] * len(book)}
    if kpi.startswith("key_feature:"):
        rule = next(r for r in rules.key_features if f"key_feature:{r.feature}" == kpi)
        met = _weeks_with(usage, day, book, rule.weeks, lambda last: _feature_week(usage, last, rule))
        return {"weeks_met": met, "weeks": [rule.weeks] * len(book)}
    # qbr_coverage: the flags, and whether a QBR was held this quarter, eligible or not
    held = activities[
        (activities["type"] == QBR) & (pd.to_datetime(activities["date"]) >= pd.Timestamp(quarter_start))
    ]
    with_qbr = set(held["customer_id"].astype(int))
    return {
        "past_onboarding": [bool(values.at[pk, "qbr_eligible"]) for pk in book],
        "qbr_this_quarter": [pk in with_qbr for pk in book],
    }


def _rows_of(usage: Usage, book: list[int]) -> tuple[np.ndarray, np.ndarray]:
    at = np.searchsorted(usage.customers, book)
    inside = at < len(usage.customers)
    found = np.zeros(len(book), dtype=bool)
    found[inside] = usage.customers[at[inside]] == np.asarray(book)[inside]
    return at, found


def _metric_on(usage: Usage, metric: str, day: date, book: list[int]) -> list[int | None]:
    """Each customer's ``metric`` on ``day``: None without a row."""
    column = usage.column(day)
    at, found = _rows_of(usage, book)
    if not 0 <= column < usage.days:
        return [None] * len(book)
    values, present = usage.values(metric), usage.present(metric)
    return [
        int(values[r, column]) if f and present[r, column] else None for r, f in zip(at, found, strict=True)
    ]


def _utilisation_of(usage: Usage, day: date, book: list[int]) -> dict[str, list]:
    active, seats = _metric_on(usage, ACTIVE, day, book), _metric_on(usage, SEATS, day, book)
    utilisation = [
        to_ratio(min(a, s), s) if a is not None and s else None for a, s in zip(active, seats, strict=True)
    ]
    return {"active_users": active, "licensed_seats": seats, "utilisation": utilisation}


def _points(active, seats, active_before, seats_before) -> Decimal | None:
    """The change of utilisation in percentage points (exact, then half-up to 4 decimals); None unless
    both days have a utilisation."""
    if active is None or not seats or active_before is None or not seats_before:
        return None
    change = (
        Fraction(min(active, seats), seats) - Fraction(min(active_before, seats_before), seats_before)
    ) * 100
    return (Decimal(change.numerator) / Decimal(change.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def _active_days(usage: Usage, last: date) -> np.ndarray:
    return usage.window_sum("kpi:active_days", lambda: usage.values(ACTIVE) > 0, last, 7)


def _feature_week(usage: Usage, last: date, rule) -> np.ndarray:
    uses_metric, users_metric = f"feature:{rule.feature}", f"feature_users:{rule.feature}"
    uses = usage.window_sum(f"kpi:{uses_metric}", lambda: usage.values(uses_metric), last, 7)
    busy = usage.window_sum(
        f"kpi:{users_metric}>={rule.min_users}", lambda: usage.values(users_metric) >= rule.min_users, last, 7
    )
    return (uses >= rule.min_uses) & (busy > 0)


def _weeks_with(usage: Usage, day: date, book: list[int], weeks: int, holds) -> list[int]:
    """Per customer, how many of the ``weeks`` weeks ending on ``day`` ``holds(last day of the week)``."""
    at, found = _rows_of(usage, book)
    count = np.zeros(len(usage.customers), dtype=np.int64)
    for week in range(weeks):
        count += np.asarray(holds(day - timedelta(days=7 * week)), dtype=np.int64)
    return [int(count[r]) if f else 0 for r, f in zip(at, found, strict=True)]


def _check_level(level: str) -> None:
    if level not in PortfolioKpiDay.Level.values:
        raise ValueError(f"unknown level {level!r}: one of {', '.join(PortfolioKpiDay.Level.values)}")


def _check_kpi(kpi: str, rules: KpiRules) -> None:
    """A KPI code the settings compute, or one a stored history may hold from other settings."""
    codes = kpi_codes(rules)
    if kpi not in codes and not FORMER_CODE.match(kpi):
        raise ValueError(f"unknown KPI {kpi!r}: the computed KPIs are {', '.join(codes)}")


def _check_span(first: date, last: date) -> None:
    if first > last:
        raise ValueError(f"the first day {first} is after the last day {last}")


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


__all__ = [
    "MEASURES",
    "QUARTER_AVERAGE",
    "QUARTER_END",
    "BookKpiValue",
    "book_kpi_values",
    "explain_book_kpi",
    "kpi_history",
    "kpis_on",
    "mean_half_up",
]
