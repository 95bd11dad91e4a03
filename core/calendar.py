"""Fiscal calendar of DESIGN §2 — pure Python, no Django.

A fiscal year is named by the calendar year in which it ends: with a February start, FY22 runs
2021-02-01 … 2022-01-31. Quarters are three months; a quarter's pull date is the first day of the
month after it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_RE = re.compile(r"^FY(\d{2})-Q([1-4])$")
FISCAL_YEAR_RE = re.compile(r"^FY(\d{2})$")


# The one example every refusal of a written quarter or fiscal year gives (pages, API, commands, files).
QUARTER_EXAMPLE = "FY27-Q1"
YEAR_EXAMPLE = "FY27"


class CalendarError(ValueError):
    """A quarter or fiscal-year code that cannot be read."""


def not_a_quarter(written: object) -> str:
    """The sentence refusing ``written`` as a quarter code: ``“Q2” is not a quarter: write it like FY27-Q1.``
    (at most its first 20 characters are repeated)."""
    return f"“{str(written)[:20]}” is not a quarter: write it like {QUARTER_EXAMPLE}."


def not_a_fiscal_year(written: object) -> str:
    """The sentence refusing ``written`` as a fiscal-year code: ``“2022” is not a fiscal year: write it like
    FY27.``"""
    return f"“{str(written)[:20]}” is not a fiscal year: write it like {YEAR_EXAMPLE}."


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A fiscal year, e.g. ``FY22`` (``year`` is the full calendar year in which it ends)."""

    year: int

    @classmethod
    def parse(cls, code: str) -> FiscalYear:
        match = FISCAL_YEAR_RE.match(code.strip()) if isinstance(code, str) else None
        if not match:
            raise CalendarError(not_a_fiscal_year(code))
        return cls(2000 + int(match.group(1)))

    @property
    def code(self) -> str:
        return f"FY{self.year % 100:02d}"

    def quarters(self) -> list[FiscalQuarter]:
        return [FiscalQuarter(self.year, q) for q in (1, 2, 3, 4)]

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A fiscal quarter, e.g. ``FY22-Q2``."""

    fiscal_year: int
    quarter: int

    @classmethod
    def parse(cls, code: str) -> FiscalQuarter:
        match = PERIOD_RE.match(code.strip()) if isinstance(code, str) else None
        if not match:
            raise CalendarError(not_a_quarter(code))
        return cls(2000 + int(match.group(1)), int(match.group(2)))

    @property
    def code(self) -> str:
        return f"FY{self.fiscal_year % 100:02d}-Q{self.quarter}"

    @property
    def fy(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    def next(self) -> FiscalQuarter:
        return (
            FiscalQuarter(self.fiscal_year + 1, 1)
            if self.quarter == 4
            else FiscalQuarter(self.fiscal_year, self.quarter + 1)
        )

    def previous(self) -> FiscalQuarter:
        return (
            FiscalQuarter(self.fiscal_year - 1, 4)
            if self.quarter == 1
            else FiscalQuarter(self.fiscal_year, self.quarter - 1)
        )

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class FiscalCalendar:
    """Dates of fiscal years and quarters for a fiscal year starting in ``start_month`` (1–12)."""

    start_month: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise CalendarError(f"fiscal year start month must be 1–12, got {self.start_month}")

    def year_start(self, fy: FiscalYear) -> date:
        # The year ends in calendar year fy.year, so it starts 12 months before the month after its end.
        if self.start_month == 1:
            return date(fy.year, 1, 1)
        return date(fy.year - 1, self.start_month, 1)

    def year_bounds(self, fy: FiscalYear) -> tuple[date, date]:
        start = self.year_start(fy)
        end_year, end_month = _add_months(start.year, start.month, 12)
        return start, date(end_year, end_month, 1) - timedelta(days=1)

    def bounds(self, period: FiscalQuarter) -> tuple[date, date]:
        """First and last day of the quarter, both inclusive."""
        start = self.year_start(period.fy)
        first_year, first_month = _add_months(start.year, start.month, 3 * (period.quarter - 1))
        next_year, next_month = _add_months(first_year, first_month, 3)
        return date(first_year, first_month, 1), date(next_year, next_month, 1) - timedelta(days=1)

    def days(self, period: FiscalQuarter) -> int:
        first, last = self.bounds(period)
        return (last - first).days + 1

    def pull_date(self, period: FiscalQuarter) -> date:
        """First day of the month after the quarter ends (DESIGN §2)."""
        return self.bounds(period)[1] + timedelta(days=1)

    def fiscal_year_of(self, day: date) -> FiscalYear:
        # The fiscal year is named by the calendar year of its last day.
        year_index = day.year if day.month < self.start_month or self.start_month == 1 else day.year + 1
        return FiscalYear(year_index)

    def period_of(self, day: date) -> FiscalQuarter:
        """The quarter that contains ``day``."""
        fy = self.fiscal_year_of(day)
        months_in = (day.month - self.start_month) % 12
        return FiscalQuarter(fy.year, months_in // 3 + 1)

    def last_ended_before(self, day: date) -> FiscalQuarter:
        """The most recent quarter whose last day is before ``day``."""
        return self.period_of(day).previous()

    def is_pull_date(self, day: date) -> bool:
        return self.pull_date(self.last_ended_before(day)) == day
