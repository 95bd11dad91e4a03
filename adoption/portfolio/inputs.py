"""A day's inputs to the portfolio KPIs and segments, read from the database (docs/design.md §10).

``kpi_rules`` turns the ``KPI_*`` settings into ``adoption.kpis.KpiRules``; ``day_inputs`` reads, for one
day, the usage window every KPI and segment rule needs, the activities up to the day, and who owns each
customer (its CSM and geo) — one read per table, whatever the number of portfolios.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.db.models import Max, Min

from adoption.kpis import FeatureRule, KpiRules
from adoption.models import Activity, Customer, Ownership
from adoption.scorecards.frames import load_usage
from adoption.scoring.measures import ACTIVE, MAU, SEATS, Usage
from core.fiscal import calendar

# Segment rules look back at most this many days before the day (a drop "over 30 days", the rise's D − 30).
SEGMENT_LOOKBACK_DAYS = 30


def kpi_rules() -> KpiRules:
    """The KPI rules of the settings (docs/kpis.md "Settings"): ``KPI_UTILISATION_THRESHOLD`` (ratio 0–1),
    ``KPI_RISE_POINTS`` (percentage points), ``KPI_RISE_DAYS``, ``KPI_WEEKLY_WEEKS``, ``KPI_TREND_WEEKS``
    and ``KPI_KEY_FEATURES`` (a list of ``{"feature", "min_uses", "min_users", "weeks"}``). Raises
    ``ValueError`` naming the setting's problem, as ``KpiRules`` does."""
    features = tuple(
        FeatureRule(
            feature=str(rule["feature"]),
            min_uses=int(rule["min_uses"]),
            min_users=int(rule["min_users"]),
            weeks=int(rule["weeks"]),
        )
        for rule in settings.KPI_KEY_FEATURES
    )
    return KpiRules(
        utilisation_threshold=Decimal(str(settings.KPI_UTILISATION_THRESHOLD)),
        rise_points=Decimal(str(settings.KPI_RISE_POINTS)),
        rise_days=settings.KPI_RISE_DAYS,
        weekly_weeks=settings.KPI_WEEKLY_WEEKS,
        trend_weeks=settings.KPI_TREND_WEEKS,
        key_features=features,
    )


def usage_window(day: date, rules: KpiRules) -> tuple[date, date]:
    """The first and last days of usage the KPIs and segment rules of ``day`` read: back to the rise's
    D − ``rise_days``, the weekly trend's oldest week and each key feature's oldest week."""
    weeks = max([rules.weekly_weeks + rules.trend_weeks - 1, *(rule.weeks for rule in rules.key_features)])
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


def day_inputs(day: date, *, rules: KpiRules | None = None) -> DayInputs:
    """Read ``day``'s inputs (see ``DayInputs``). Raises ``ValueError`` for bad ``KPI_*`` settings."""
    rules = rules or kpi_rules()
    first, last = usage_window(day, rules)
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        usage = load_usage(customers=(0, -1), first=first, last=last, metrics=set(), presence=False)
    else:
        usage = load_usage(
            customers=(bounds["low"], bounds["high"]),
            first=first,
            last=last,
            metrics=metrics_read(rules),
            presence=False,
        )
    activities = pd.DataFrame(
        list(Activity.objects.filter(date__lte=day).order_by().values_list("customer_id", "date", "type")),
        columns=["customer_id", "date", "type"],
    )
    quarter = calendar().period_of(day)
    return DayInputs(
        day=day,
        rules=rules,
        usage=Usage(usage),
        activities=activities,
        owners=owners_on(day),
        quarter_start=calendar().bounds(quarter)[0],
    )


def owners_on(day: date) -> pd.DataFrame:
    """customer_id (pk), employee_id (user pk) and geo of every customer owned on ``day``: the ownership
    row starting latest on or before it; customers owned by nobody yet are left out."""
    rows = pd.DataFrame(
        list(
            Ownership.objects.filter(start_date__lte=day)
            .order_by()
            .values_list("customer_id", "start_date", "employee_id", "customer__geo")
        ),
        columns=["customer_id", "start_date", "employee_id", "geo"],
    )
    latest = rows.sort_values(["customer_id", "start_date"], kind="stable").drop_duplicates(
        "customer_id", keep="last"
    )
    owners = latest[["customer_id", "employee_id", "geo"]].astype({"customer_id": "int64"})
    return owners.reset_index(drop=True)
