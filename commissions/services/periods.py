"""Periods: the database row of a fiscal quarter, its lock, and refusals for closed quarters."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from core.calendar import CalendarError, FiscalQuarter
from core.errors import AttainError, Conflict, NotFound, PeriodClosed
from core.fiscal import calendar

from ..models import Period, Plan


def parse_quarter(code: str) -> FiscalQuarter:
    """The fiscal quarter written ``code``; raises ``AttainError`` with the project's one refusal of a
    badly written quarter (core.calendar ``not_a_quarter``)."""
    try:
        return FiscalQuarter.parse(code)
    except CalendarError as exc:
        raise AttainError(str(exc)) from None


def get_period(code: str) -> Period:
    """The Period row of ``code`` (e.g. FY22-Q2), created open on first use, whatever its fiscal year.

    For test builders and the demo; a path that writes on a person's or a schedule's behalf (the API, the
    pages, the commands, the tasks) asks ``open_period_for_writing``, which refuses quarters no plan covers.
    """
    fiscal = parse_quarter(code)
    start, end = calendar().bounds(fiscal)
    period, _ = Period.objects.get_or_create(code=fiscal.code, defaults={"start": start, "end": end})
    return period


def open_period_for_writing(code: str) -> Period:
    """The Period row of ``code``, created open on first use only when a plan of its fiscal year exists.

    The one rule of every write path that may start a quarter (a pull, a request): a quarter no plan covers
    would pay nobody and would only fill every quarter list. Raises ``AttainError`` for a code that is no
    quarter and for a quarter with no row whose fiscal year has no plan (an existing row is returned).
    """
    fiscal = parse_quarter(code)
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

    Raises ``AttainError`` for a code that is no quarter and ``NotFound`` for a quarter with no row yet:
    saying so when no plan covers it either, and by its dates why nothing is stored (``not_stored``).
    """
    fiscal = parse_quarter(code)
    period = Period.objects.filter(code=fiscal.code).first()
    if period is None:
        require_plan(fiscal, error=NotFound)
        raise NotFound(not_stored(fiscal))
    return period


NOT_STARTED, UNDER_WAY, ENDED = "not started", "under way", "ended"


def quarter_state(start: date, end: date, *, today: date | None = None) -> str:
    """Where ``today`` (default: ``timezone.localdate()``) stands to the quarter ``start``–``end``:
    ``NOT_STARTED`` before its first day, ``UNDER_WAY`` until its last day included, then ``ENDED``."""
    today = today or timezone.localdate()
    if today < start:
        return NOT_STARTED
    return UNDER_WAY if today <= end else ENDED


def not_stored(fiscal: FiscalQuarter, *, today: date | None = None) -> str:
    """Why a quarter has no row, by its dates, and the way on: ``FY28-Q1 has not started (it starts
    2027-02-01): …``, ``… is under way (it ends …): …``, or, once it has ended, ``There is no quarter
    FY22-Q3 yet: …``, each followed by ``how_a_quarter_starts``. The one wording of the command, the console
    and the API (``find_period``, ``period_to_calculate``)."""
    start, end = calendar().bounds(fiscal)
    state = quarter_state(start, end, today=today)
    if state == NOT_STARTED:
        why = (
            f"{fiscal.code} has not started (it starts {start:%Y-%m-%d}): nothing was pulled, calculated "
            "or filed for it yet."
        )
    elif state == UNDER_WAY:
        why = (
            f"{fiscal.code} is under way (it ends {end:%Y-%m-%d}): nothing was pulled, calculated or filed "
            "for it yet."
        )
    else:
        why = f"There is no quarter {fiscal.code} yet: nothing was pulled, calculated or filed for it."
    return f"{why} {how_a_quarter_starts(fiscal, ended=state == ENDED)}"


def how_a_quarter_starts(fiscal: FiscalQuarter, *, ended: bool) -> str:
    """The way on for a quarter with no row: its score pull creates it (``pulls.period_to_pull``, DESIGN §2
    and §5 "A quarter row comes into being only …"), for every plan of its year — a plan without adoption
    reads no score, yet its quarter starts with the same pull — and a calculation never does. A quarter not
    over yet is pulled from the day after it ends (``pulls.first_pull_day``)."""
    code = fiscal.code
    ways = f"the console's Pull, pull_scores {code} or POST /api/pulls/"
    if ended:
        return (
            f"Pulling its scores creates it ({ways}), for every plan of {fiscal.fy.code}, one without "
            f"adoption too; then calculate it. run_quarter_end {code} does both."
        )
    first = calendar().bounds(fiscal)[1] + timedelta(days=1)
    return f"Pulling its scores creates it ({ways}) from {first:%Y-%m-%d}, the first day after it ends."


def not_a_quarter_of(plan: Plan, quarter: str) -> str:
    """The sentence refusing ``quarter`` (a quarter code) for ``plan``, a plan of another fiscal year: a
    plan is calculated, held and explained only in the quarters of its own year (DESIGN §3 "Plans")."""
    return f"{plan.code} is a plan of {plan.fiscal_year}: {quarter} is not one of its quarters."


def require_quarter_of(period: Period, plan: Plan) -> None:
    """Refuse (``AttainError``, ``not_a_quarter_of``) ``period`` unless it is a quarter of ``plan``'s fiscal
    year."""
    if plan.fiscal_year != period.fiscal_year:
        raise AttainError(not_a_quarter_of(plan, period.code))


def require_started(code: str, start: date) -> None:
    """Refuse (``Conflict``, HTTP 409 as a refused pull) a quarter ``code`` starting on ``start`` whose first
    day has not come: a quarter is calculated from its first day on (DESIGN §5)."""
    if timezone.localdate() < start:
        raise Conflict(
            f"{code} has not started (it starts {start:%Y-%m-%d}): a quarter is calculated from its first "
            "day on."
        )


def period_to_calculate(code: str) -> Period:
    """The stored Period row of ``code`` a calculation is asked for, never created (a calculation never
    starts a quarter; its pull does).

    Raises ``AttainError`` for a code that is no quarter, ``NotFound`` for one no plan covers, ``Conflict``
    for a quarter that has not started (stored or not: ``require_started``), and ``NotFound`` for a quarter
    with no row (``find_period``, saying why by its dates).
    """
    fiscal = parse_quarter(code)
    period = Period.objects.filter(code=fiscal.code).first()
    if period is not None:
        require_started(period.code, period.start)
        return period
    require_plan(fiscal, error=NotFound)
    require_started(fiscal.code, calendar().bounds(fiscal)[0])
    return find_period(fiscal.code)


def plans_to_calculate(period_code: str, plan_code: str | None = None) -> tuple[Period, list[Plan]]:
    """The stored quarter ``period_code`` and the plans to calculate in it: the plan ``plan_code``, or
    (None) every plan of the quarter's fiscal year, by code — what the command, the console and the API
    read a calculation's request with, so each refuses the same way, naming the real problem first:

    ``AttainError`` for a code that is no quarter or an empty plan code; ``NotFound`` for an unknown plan;
    ``AttainError`` for a plan of another fiscal year (``not_a_quarter_of``), whatever the quarter's state;
    then what ``period_to_calculate`` raises; ``AttainError`` when no plan covers the quarter.
    """
    fiscal = parse_quarter(period_code)
    plan = None
    if plan_code is not None:
        if not plan_code.strip():
            raise AttainError(
                "No plan named: give a plan's code, or none to calculate every plan of the quarter."
            )
        plan = Plan.objects.filter(code=plan_code.strip()).first()
        if plan is None:
            raise NotFound(f"There is no plan {plan_code.strip()!r}.")
        if plan.fiscal_year != fiscal.fy.code:
            raise AttainError(not_a_quarter_of(plan, fiscal.code))
    period = period_to_calculate(fiscal.code)
    of_year = Plan.objects.filter(fiscal_year=fiscal.fy.code).order_by("code")
    plans = [plan] if plan is not None else list(of_year)
    if not plans:
        raise AttainError(f"No plan covers {period.code}: nothing to calculate.")
    return period, plans


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
