"""Computing and storing the portfolio KPIs of each day (docs/design.md §10.4, docs/kpis.md "History").

``compute_kpi_days(first, last)`` reads each day's inputs (``inputs.span_inputs``: the usage of a block
of days read once), makes the day's portfolios — each CSM's book (key: the CSM's employee id), each geo
(the customers' geo) and the company (key "") — from the customers owned that day, computes them with
``adoption.kpis``, and replaces the day's ``PortfolioKpiDay`` rows in one transaction: one row per
portfolio and KPI code of ``kpi_codes(rules)``. Computing a day again stores the same rows.

A day whose KPIs a closed quarter read is kept as stored: the closed-quarter check lives above adoption
(``commissions`` registers it with ``register_frozen_days``), so adoption only asks the registered checks.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import AttainError

from ..kpis import KpiRules, kpi_codes, kpi_value, portfolio_sums
from ..models import PortfolioKpiDay
from .inputs import SEGMENT_LOOKBACK_DAYS, DayInputs, kpi_rules, span_inputs

# Days computed from one read of usage: each block reads its days plus the longest window before them.
DAYS_PER_READ = 7
BATCH = 5000
CSM, GEO, COMPANY = "csm", "geo", "company"  # PortfolioKpiDay.Level
# The first day computed (the segments' too): a day's inputs reach back to its look-back windows and its
# fiscal quarter's first day, so a day near 0001-01-01 would leave the calendar (docs/design.md §10.4).
EARLIEST_DAY = date(1900, 1, 1)
QUARTER_DAYS = 92  # the most a day's fiscal quarter can start before it

FrozenDays = Callable[[date, date], Mapping[date, str]]
_frozen_checks: list[FrozenDays] = []


def register_frozen_days(check: FrozenDays) -> None:
    """Have ``check(first, last)`` say which days of ``first``–``last`` are frozen, each with the reason
    (e.g. the closed quarter's code): ``commissions`` registers the closed quarters at start-up."""
    if check not in _frozen_checks:
        _frozen_checks.append(check)


def frozen_days(first: date, last: date) -> dict[date, str]:
    """The days of ``first``–``last`` that the registered checks freeze, with the first check's reason."""
    frozen: dict[date, str] = {}
    for check in _frozen_checks:
        for day, why in check(first, last).items():
            frozen.setdefault(day, why)
    return frozen


def kept_days(first: date, last: date) -> dict[date, str]:
    """The days of ``first``–``last`` that ``compute_kpi_days`` leaves as stored: frozen (a closed
    quarter) and already with rows — the KPIs the quarter's run read never change (docs/design.md
    §10.4). A frozen day without rows is computed once; then it is kept too."""
    frozen = frozen_days(first, last)
    if not frozen:
        return {}
    stored = set(
        PortfolioKpiDay.objects.filter(day__in=list(frozen)).values_list("day", flat=True).distinct()
    )
    return {day: why for day, why in sorted(frozen.items()) if day in stored}


def refuse_days_not_ended(first: date, last: date, *, today: date | None = None) -> None:
    """Raise ``AttainError`` when ``first``–``last`` reaches past yesterday (``today``: default the
    current day, UTC), naming the first such day: a day's KPIs are computed once it has ended, as its
    scores are (docs/design.md §9.5, §10.4)."""
    yesterday = (today or timezone.now().date()) - timedelta(days=1)
    if last > yesterday:
        day = max(first, yesterday + timedelta(days=1))
        raise AttainError(
            f"{day} has not ended: portfolio KPIs are computed for days up to yesterday, {yesterday}."
        )


def refuse_days_out_of_range(first: date, rules: KpiRules | None = None) -> None:
    """Raise ``AttainError`` when ``first`` is before ``EARLIEST_DAY`` (1900-01-01), or when the usage its
    KPIs read under ``rules`` (default the settings) would start before 0001-01-01 (docs/design.md
    §10.4): the message names the day and the first day computed."""
    if first < EARLIEST_DAY:
        raise AttainError(
            f"{first} is out of range: portfolio KPIs are computed for days from {EARLIEST_DAY} on."
        )
    rules = replace(rules or kpi_rules(), trend_weeks=1)  # the trend is read from the stored history
    reach = max(rules.reach_days, SEGMENT_LOOKBACK_DAYS) + QUARTER_DAYS
    if first.toordinal() - reach < date.min.toordinal():
        earliest = date.fromordinal(date.min.toordinal() + reach)
        raise AttainError(
            f"{first} is out of range: under the KPI settings a day's KPIs read usage up to {reach} days "
            f"before it, so the first day computed is {earliest}."
        )


def compute_kpi_days(first: date, last: date, *, today: date | None = None) -> int:
    """Compute and store the portfolio KPIs of each day ``first``–``last`` (both included); returns the
    number of ``PortfolioKpiDay`` rows written.

    Side effects: per day, one transaction deletes the day's rows and writes the new ones (PostgreSQL:
    under a transaction-level advisory lock of the day, so two computations of a day never interleave).
    A day ``kept_days`` names is skipped and its rows stay as they are.

    Raises ``AttainError`` when ``first`` is after ``last``, a day has not ended (after yesterday,
    ``today`` default the current day, UTC) or ``first`` is out of range (``refuse_days_out_of_range``),
    before anything is written; ``ValueError`` for bad ``KPI_*`` settings."""
    if first > last:
        raise AttainError(f"The first day {first} is after the last day {last}.")
    refuse_days_not_ended(first, last, today=today)
    rules = kpi_rules()
    refuse_days_out_of_range(first, rules)
    written = 0
    for block_first, block_last in _blocks(first, last):
        kept = kept_days(block_first, block_last)
        todo = [d for d in _days(block_first, block_last) if d not in kept]
        if not todo:
            continue
        for inputs in span_inputs(todo[0], todo[-1], rules=rules):
            if inputs.day in kept:
                continue
            written += _store_day(inputs.day, day_rows(inputs))
    return written


def store_kpi_day(inputs: DayInputs) -> int:
    """Compute and store the KPIs of ``inputs.day`` from inputs already read (the daily job reads a day's
    inputs once for the KPIs and the segments); returns the rows written, 0 for a kept day (left as
    stored). The caller refuses days that have not ended (``refuse_days_not_ended``) and days out of
    range (``refuse_days_out_of_range``)."""
    return _store_day(inputs.day, day_rows(inputs))


def day_rows(inputs: DayInputs) -> list[PortfolioKpiDay]:
    """The unsaved ``PortfolioKpiDay`` rows of ``inputs.day``: per portfolio (CSMs by employee id, then
    geos, then the company) one row per KPI code of ``kpi_codes(inputs.rules)``."""
    rules: KpiRules = inputs.rules
    portfolios = portfolios_of(inputs.owners)
    summed = portfolio_sums(
        day=inputs.day,
        usage=inputs.usage,
        activities=inputs.activities,
        portfolios=portfolios,
        quarter_start=inputs.quarter_start,
        rules=rules,
    )
    codes = list(kpi_codes(rules))
    rows = []
    for (level, key), portfolio in summed.items():
        for code in codes:
            kpi = kpi_value(portfolio, code, rules)
            rows.append(
                PortfolioKpiDay(
                    day=inputs.day,
                    level=level,
                    key=key,
                    kpi=code,
                    value=kpi.value,
                    numerator=kpi.numerator,
                    denominator=kpi.denominator,
                    customers=portfolio.customers,
                )
            )
    return rows


def portfolios_of(owners: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    """The day's portfolios from its owners (``DayInputs.owners``): ``{(level, key): customer pks}`` —
    each CSM's book keyed by the CSM's ``employee_id`` (a CSM without one has no row of its own; its
    customers still count in their geo and the company), each geo, and the company (key ""). A customer
    owned by nobody that day is in no portfolio."""
    employee_ids = dict(
        User.objects.filter(pk__in=owners["employee_id"].unique().tolist()).values_list("pk", "employee_id")
    )
    portfolios: dict[tuple[str, str], list[int]] = {}
    for user_pk, group in owners.groupby("employee_id", sort=False):
        employee_id = employee_ids.get(int(user_pk))
        if employee_id:
            portfolios[(CSM, employee_id)] = group["customer_id"].tolist()
    portfolios = dict(sorted(portfolios.items()))
    for geo, group in owners.groupby("geo", sort=True):
        portfolios[(GEO, str(geo))] = group["customer_id"].tolist()
    portfolios[(COMPANY, "")] = owners["customer_id"].tolist()
    return portfolios


def _store_day(day: date, rows: list[PortfolioKpiDay]) -> int:
    """Replace ``day``'s rows with ``rows`` in one transaction, unless the day became kept meanwhile."""
    with transaction.atomic():
        _lock_day(day)
        if kept_days(day, day):
            return 0
        PortfolioKpiDay.objects.filter(day=day).delete()
        PortfolioKpiDay.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _lock_day(day: date) -> None:
    """PostgreSQL: a transaction-level advisory lock of the day (SQLite serialises writers itself)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(b"portfolio_kpi_day") * 1_000_000 + day.toordinal()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _blocks(first: date, last: date) -> Iterable[tuple[date, date]]:
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=DAYS_PER_READ - 1))
        yield start, end
        start = end + timedelta(days=1)
