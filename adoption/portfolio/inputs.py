"""A day's inputs to the portfolio KPIs and segments, read from the database (docs/design.md §10).

``kpi_rules`` turns the ``KPI_*`` settings into ``adoption.kpis.KpiRules``; ``day_inputs`` reads, for one
day, the usage window every KPI and segment rule needs, the activities up to the day, and who owns each
customer (its CSM and geo) — one read per table, whatever the number of portfolios; ``span_inputs`` reads
a range of days with one read of the usage. Both may read a subset of customers only (one CSM's book).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.db.models import Max, Min

from adoption.kpis import FeatureRule, KpiRules
from adoption.models import Activity, Customer, Ownership, UsageRecord
from adoption.scorecards.frames import load_usage
from adoption.scoring.measures import ACTIVE, MAU, SEATS, Usage
from core.fiscal import calendar

# Segment rules look back at most this many days before the day (docs/design.md §10.5): the frequency
# drop compares the 30 days to D with the 30 before, D − 59 … D − 30 (segment_rules.LOOKBACK_DAYS).
SEGMENT_LOOKBACK_DAYS = 59
# Read only on the days a KPI or segment rule compares (D and D − rise_days), never summed over a window:
# a day's usage read is then mostly active users, a third of the rows of every metric over the window.
POINT_METRICS = frozenset({SEATS, MAU})
# A subset of customers is read this many ids to a query (SQLite allows 999 parameters a query).
SUBSET_CHUNK = 900


class KpiSettingsInvalid(ValueError):
    """A ``KPI_*`` setting cannot be read; the message names the setting, what it must be and its value."""


FEATURE_KEYS = ("feature", "min_uses", "min_users", "weeks")
SETTING_OF = {
    "utilisation_threshold": "KPI_UTILISATION_THRESHOLD",
    "rise_points": "KPI_RISE_POINTS",
    "rise_days": "KPI_RISE_DAYS",
    "weekly_weeks": "KPI_WEEKLY_WEEKS",
    "trend_weeks": "KPI_TREND_WEEKS",
}


def kpi_rules() -> KpiRules:
    """The KPI rules of the settings (docs/kpis.md "Settings"): ``KPI_UTILISATION_THRESHOLD`` (ratio 0–1),
    ``KPI_RISE_POINTS`` (percentage points), ``KPI_RISE_DAYS``, ``KPI_WEEKLY_WEEKS``, ``KPI_TREND_WEEKS``
    and ``KPI_KEY_FEATURES`` (a list of ``{"feature", "min_uses", "min_users", "weeks"}``). Raises
    ``KpiSettingsInvalid`` (a ``ValueError``) naming the setting and its problem; ``manage.py check``
    and every start-up run the same check (``adoption.apps``)."""
    try:
        return KpiRules(
            utilisation_threshold=_decimal("KPI_UTILISATION_THRESHOLD", "a ratio 0–1 such as 0.60"),
            rise_points=_decimal("KPI_RISE_POINTS", "percentage points 0–100 such as 10"),
            rise_days=settings.KPI_RISE_DAYS,
            weekly_weeks=settings.KPI_WEEKLY_WEEKS,
            trend_weeks=settings.KPI_TREND_WEEKS,
            key_features=_features(settings.KPI_KEY_FEATURES),
        )
    except KpiSettingsInvalid:
        raise
    except ValueError as exc:
        message = str(exc)
        for field, name in SETTING_OF.items():
            message = message.replace(field, name)
        raise KpiSettingsInvalid(message) from None


def _decimal(name: str, what: str) -> Decimal:
    value = getattr(settings, name)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise KpiSettingsInvalid(f"{name} must be {what}; got {value!r}") from None
    if not number.is_finite():
        raise KpiSettingsInvalid(f"{name} must be {what}; got {value!r}")
    return number


def _features(rules: object) -> tuple[FeatureRule, ...]:
    name = "KPI_KEY_FEATURES"
    example = '[{"feature": "reports", "min_uses": 3, "min_users": 2, "weeks": 4}]'
    if not isinstance(rules, list):
        raise KpiSettingsInvalid(f"{name} must be a JSON list such as {example}; got {rules!r}")
    features = []
    for at, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or set(rule) != set(FEATURE_KEYS):
            keys = ", ".join(FEATURE_KEYS)
            raise KpiSettingsInvalid(f"{name}: rule {at} must have exactly the keys {keys}; got {rule!r}")
        counts = {key: rule[key] for key in FEATURE_KEYS[1:]}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()):
            raise KpiSettingsInvalid(
                f"{name}: rule {at}'s min_uses, min_users and weeks must be whole numbers"
            )
        try:
            features.append(FeatureRule(feature=str(rule["feature"]), **counts))
        except ValueError as exc:
            raise KpiSettingsInvalid(f"{name}: rule {at}: {exc}") from None
    return tuple(features)


def usage_window(day: date, rules: KpiRules) -> tuple[date, date]:
    """The first and last days of usage the KPIs and segment rules of ``day`` read: back to the rise's
    D − ``rise_days``, the segments' lookback, the weekly-active weeks and each key feature's oldest week.
    Not the weekly-active trend's older weeks: the trend is read from the stored history (each day's
    ``weekly_active``, docs/kpis.md "History"), so a day's inputs never recompute it."""
    weeks = max([rules.weekly_weeks, *(rule.weeks for rule in rules.key_features)])
    back = max(rules.rise_days, SEGMENT_LOOKBACK_DAYS, 7 * weeks - 1)
    return day - timedelta(days=back), day


def metrics_read(rules: KpiRules) -> set[str]:
    """The usage metrics the KPIs read."""
    names = {ACTIVE, SEATS, MAU}
    for rule in rules.key_features:
        names |= {f"feature:{rule.feature}", f"feature_users:{rule.feature}"}
    return names


@dataclass(frozen=True)
class DayInputs:
    """What one day's KPIs and segments are computed from.

    ``usage``: the window's usage laid out for ``adoption.kpis`` (customer ids are ``Customer`` pks);
    ``activities``: customer_id, date, type of every activity on or before the day; ``owners``: one row
    per customer owned on the day — customer_id (pk), employee_id (the CSM's user pk), geo (the
    customer's); ``quarter_start``: the first day of the day's fiscal quarter."""

    day: date
    rules: KpiRules
    usage: Usage
    activities: pd.DataFrame
    owners: pd.DataFrame
    quarter_start: date


def day_inputs(
    day: date, *, rules: KpiRules | None = None, customers: Collection[int] | None = None
) -> DayInputs:
    """Read ``day``'s inputs (see ``DayInputs``): of every customer, or only of ``customers`` (pks; a CSM's
    book explained on its own reads just its rows). Raises ``ValueError`` for bad ``KPI_*`` settings."""
    return next(span_inputs(day, day, rules=rules, customers=customers))


def span_inputs(
    first: date, last: date, *, rules: KpiRules | None = None, customers: Collection[int] | None = None
) -> Iterator[DayInputs]:
    """The ``DayInputs`` of each day ``first``–``last`` in order, from one read of the usage of all their
    windows and of the activities (a range of days reads its usage once, and window sums built for one
    day serve the next); the owners are read per day. ``customers`` as ``day_inputs`` takes it.

    Raises ``ValueError`` when ``first`` is after ``last``, or for bad ``KPI_*`` settings."""
    if first > last:
        raise ValueError(f"the first day {first} is after the last day {last}")
    # The trend's older weeks are not read (``usage_window``): the inputs' rules compute no trend.
    rules = replace(rules or kpi_rules(), trend_weeks=1)
    start = usage_window(first, rules)[0]
    subset = None if customers is None else sorted({int(c) for c in customers})
    usage = Usage(_usage(start, first, last, rules, subset))
    activities = _activities(last, subset)
    stamps = pd.to_datetime(activities["date"]) if len(activities) else None
    day = first
    while day <= last:
        of_day = activities if stamps is None else activities[(stamps <= pd.Timestamp(day)).to_numpy()]
        yield DayInputs(
            day=day,
            rules=rules,
            usage=usage,
            activities=of_day.reset_index(drop=True),
            owners=owners_on(day, customers=subset),
            quarter_start=calendar().bounds(calendar().period_of(day))[0],
        )
        day += timedelta(days=1)


def _usage(
    start: date, first: date, last: date, rules: KpiRules, customers: list[int] | None
) -> pd.DataFrame:
    """The usage rows days ``first``–``last`` read: the windowed metrics from ``start`` (the first day's
    window) to ``last``; seats and MAU (``POINT_METRICS``) only on the days they are compared, each day
    and the day ``rules.rise_days`` before it. Of every customer, or of ``customers`` only."""
    metrics = metrics_read(rules)
    back = timedelta(days=rules.rise_days)
    if last - back >= first - timedelta(days=1):  # the two spans touch or overlap: one read
        points = [(first - back, last)]
    else:
        points = [(first - back, last - back), (first, last)]
    frames = [_read(start, last, metrics - POINT_METRICS, customers)]
    frames += [_read(a, b, metrics & POINT_METRICS, customers) for a, b in points]
    # One category list for every read, so that concatenating keeps the metrics as category codes.
    names = pd.CategoricalDtype(sorted({str(m) for f in frames for m in f["metric"].unique()}))
    return pd.concat([f.astype({"metric": names}) for f in frames], ignore_index=True)


def _read(first: date, last: date, metrics: set[str], customers: list[int] | None) -> pd.DataFrame:
    """The usage rows of ``metrics`` from ``first`` to ``last``: of every customer (one read by customer
    range), or of ``customers`` only."""
    if customers is None:
        bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None or not metrics:
            return load_usage(customers=(0, -1), first=first, last=last, metrics=set(), presence=False)
        return load_usage(
            customers=(bounds["low"], bounds["high"]), first=first, last=last, metrics=metrics, presence=False
        )
    rows = []
    for at in range(0, len(customers), SUBSET_CHUNK):
        rows += UsageRecord.objects.filter(
            customer_id__in=customers[at : at + SUBSET_CHUNK],
            date__gte=first,
            date__lte=last,
            metric__in=sorted(metrics),
        ).values_list("customer_id", "date", "metric", "value")
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "metric", "value"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame.astype({"customer_id": "int64", "value": "int64"})


def _activities(last: date, customers: list[int] | None) -> pd.DataFrame:
    rows = Activity.objects.filter(date__lte=last).order_by()
    if customers is not None:
        rows = rows.filter(customer_id__in=customers)
    return pd.DataFrame(
        list(rows.values_list("customer_id", "date", "type")), columns=["customer_id", "date", "type"]
    )


def owners_on(day: date, *, customers: Collection[int] | None = None) -> pd.DataFrame:
    """customer_id (pk), employee_id (user pk) and geo of every customer owned on ``day`` — of
    ``customers`` (pks) only, when given: the ownership row starting latest on or before it; customers
    owned by nobody yet are left out."""
    ownership = Ownership.objects.filter(start_date__lte=day).order_by()
    if customers is not None:
        ownership = ownership.filter(customer_id__in=list(customers))
    rows = pd.DataFrame(
        list(ownership.values_list("customer_id", "start_date", "employee_id", "customer__geo")),
        columns=["customer_id", "start_date", "employee_id", "geo"],
    )
    latest = rows.sort_values(["customer_id", "start_date"], kind="stable").drop_duplicates(
        "customer_id", keep="last"
    )
    owners = latest[["customer_id", "employee_id", "geo"]].astype({"customer_id": "int64"})
    return owners.reset_index(drop=True)
