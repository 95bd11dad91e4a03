"""Periods: the database row of a fiscal quarter, its lock, and refusals for closed quarters."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from core.calendar import CalendarError, FiscalQuarter
from core.errors import AttainError, NotFound, PeriodClosed
from core.fiscal import calendar

from ..models import Period, Plan


def get_period(code: str) -> Period:
    """The Period row of ``code`` (e.g. FY22-Q2), created open on first use, whatever its fiscal year.

    For test builders and the demo; a path that writes on a person's or a schedule's behalf (the API, the
    pages, the commands, the tasks) asks ``open_period_for_writing``, which refuses quarters no plan covers.
    """
    try:
        fiscal = FiscalQuarter.parse(code)
    except CalendarError as exc:
        raise AttainError(str(exc)) from None
    start, end = calendar().bounds(fiscal)
    period, _ = Period.objects.get_or_create(code=fiscal.code, defaults={"start": start, "end": end})
    return period


def open_period_for_writing(code: str) -> Period:
    """The Period row of ``code``, created open on first use only when a plan of its fiscal year exists.

    The one rule of every write path that may start a quarter (a pull, a request): a quarter no plan covers
    would pay nobody and would only fill every quarter list. Raises ``AttainError`` for a code that is no
    quarter and for a quarter with no row whose fiscal year has no plan (an existing row is returned).
    """
    try:
        fiscal = FiscalQuarter.parse(code)
    except CalendarError as exc:
        raise AttainError(str(exc)) from None
    period = Period.objects.filter(code=fiscal.code).first()
    if period is not None:
        return period
    require_plan(fiscal)
    return get_period(fiscal.code)


def require_plan(fiscal: FiscalQuarter, *, error: type[AttainError] = AttainError) -> None:
    """Refuse (``error``) a quarter whose fiscal year has no plan, naming the fiscal years that have one."""
    if Plan.objects.filter(fiscal_year=fiscal.fy.code).exists():
        return
    years = sorted(set(Plan.objects.values_list("fiscal_year", flat=True)))
    known = f"plans exist for {', '.join(years)}" if years else "no plan is loaded yet"
    raise error(f"No plan covers {fiscal.code} ({known}).")


def find_period(code: str) -> Period:
    """The Period row of ``code``, never created: what a read (a GET) asks for.

    Raises ``AttainError`` for a code that is no quarter and ``NotFound`` for a quarter with no row yet
    (saying so when no plan covers it either).
    """
    try:
        fiscal = FiscalQuarter.parse(code)
    except CalendarError as exc:
        raise AttainError(str(exc)) from None
    period = Period.objects.filter(code=fiscal.code).first()
    if period is None:
        require_plan(fiscal, error=NotFound)
        raise NotFound(
            f"There is no quarter {fiscal.code} yet: nothing was pulled, calculated or filed for it."
        )
    return period


def require_open(period: Period, *, action: str) -> None:
    if period.is_closed:
        raise PeriodClosed(f"{period.code} is closed: cannot {action}. Re-open it first (with a reason).")


@contextmanager
def period_lock(period: Period) -> Iterator[None]:
    """Serialise calculations and pulls of one quarter across processes.

    PostgreSQL: a session-level advisory lock keyed by the period, held outside any transaction so a
    run can commit its progress while it holds it. SQLite serialises writers by itself.
    """
    if connection.vendor != "postgresql":
        yield
        return
    key = zlib.crc32(f"attain-period:{period.code}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
