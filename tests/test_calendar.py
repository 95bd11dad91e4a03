"""The fiscal calendar of DESIGN §2: years, quarters, pull dates, codes."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import CalendarError, FiscalCalendar, FiscalQuarter, FiscalYear

FEB = FiscalCalendar(2)
JAN = FiscalCalendar(1)
JUL = FiscalCalendar(7)


def p(code: str) -> FiscalQuarter:
    return FiscalQuarter.parse(code)


# --- codes -------------------------------------------------------------------------------------------------


def test_codes_round_trip():
    assert p("FY22-Q2") == FiscalQuarter(2022, 2)
    assert p("FY22-Q2").code == "FY22-Q2"
    assert str(p("FY05-Q4")) == "FY05-Q4"
    assert FiscalYear.parse("FY22") == FiscalYear(2022)
    assert FiscalYear(2022).code == str(FiscalYear(2022)) == "FY22"
    assert p("FY22-Q3").fy == FiscalYear(2022)
    assert FiscalYear(2022).quarters() == [FiscalQuarter(2022, q) for q in (1, 2, 3, 4)]


def test_codes_allow_surrounding_whitespace():
    assert p(" FY22-Q1 ") == FiscalQuarter(2022, 1)
    assert FiscalYear.parse("FY22\n") == FiscalYear(2022)


@pytest.mark.parametrize(
    "code",
    ["", "FY22", "FY22-Q0", "FY22-Q5", "fy22-q2", "FY2022-Q2", "FY22Q2", "FY22-Q2x", "FY2-Q2", None, 22],
)
def test_bad_period_codes_are_refused(code):
    with pytest.raises(CalendarError, match="is not a quarter: write it like FY27-Q1"):
        FiscalQuarter.parse(code)


@pytest.mark.parametrize("code", ["", "FY22-Q2", "FY2022", "fy22", "22", "FY2", None])
def test_bad_fiscal_year_codes_are_refused(code):
    with pytest.raises(CalendarError, match="is not a fiscal year"):
        FiscalYear.parse(code)


def test_calendar_error_is_a_value_error():
    assert issubclass(CalendarError, ValueError)


@pytest.mark.parametrize("month", [0, 13, -1])
def test_start_month_must_be_a_month(month):
    with pytest.raises(CalendarError, match="start month"):
        FiscalCalendar(month)


def test_periods_order_by_year_then_quarter():
    assert sorted([p("FY23-Q1"), p("FY22-Q4"), p("FY22-Q1")]) == [p("FY22-Q1"), p("FY22-Q4"), p("FY23-Q1")]
    assert FiscalYear(2021) < FiscalYear(2022)


# --- next / previous ---------------------------------------------------------------------------------------


def test_next_and_previous_cross_years():
    assert p("FY22-Q4").next() == p("FY23-Q1")
    assert p("FY23-Q1").previous() == p("FY22-Q4")
    assert p("FY22-Q2").next() == p("FY22-Q3")
    assert p("FY22-Q2").previous() == p("FY22-Q1")
    assert p("FY99-Q4").next() == FiscalQuarter(2100, 1)


# --- February start (the default): FY22 runs 2021-02-01 … 2022-01-31 -------------------------------------


def test_february_year_bounds():
    assert FEB.year_start(FiscalYear(2022)) == date(2021, 2, 1)
    assert FEB.year_bounds(FiscalYear(2022)) == (date(2021, 2, 1), date(2022, 1, 31))


@pytest.mark.parametrize(
    ("code", "first", "last", "pull"),
    [
        ("FY22-Q1", date(2021, 2, 1), date(2021, 4, 30), date(2021, 5, 1)),
        ("FY22-Q2", date(2021, 5, 1), date(2021, 7, 31), date(2021, 8, 1)),
        ("FY22-Q3", date(2021, 8, 1), date(2021, 10, 31), date(2021, 11, 1)),
        ("FY22-Q4", date(2021, 11, 1), date(2022, 1, 31), date(2022, 2, 1)),
    ],
)
def test_february_quarters_and_pull_dates(code, first, last, pull):
    assert FEB.bounds(p(code)) == (first, last)
    assert FEB.pull_date(p(code)) == pull


def test_february_year_boundary():
    assert FEB.period_of(date(2022, 1, 31)) == p("FY22-Q4")
    assert FEB.period_of(date(2022, 2, 1)) == p("FY23-Q1")
    assert FEB.fiscal_year_of(date(2022, 1, 31)) == FiscalYear(2022)
    assert FEB.fiscal_year_of(date(2022, 2, 1)) == FiscalYear(2023)
    assert FEB.fiscal_year_of(date(2021, 2, 1)) == FiscalYear(2022)
    assert FEB.fiscal_year_of(date(2021, 12, 31)) == FiscalYear(2022)


@pytest.mark.parametrize(
    ("code", "days"),
    [
        ("FY22-Q1", 89),
        ("FY22-Q2", 92),
        ("FY22-Q3", 92),
        ("FY22-Q4", 92),
        ("FY25-Q1", 90),
    ],  # FY25-Q1: Feb 2024
)
def test_february_days(code, days):
    assert FEB.days(p(code)) == days


def test_a_quarter_spanning_a_leap_february_counts_its_29th():
    # With a December start, FY24-Q1 is Dec 2023 – Feb 2024 (leap year).
    dec = FiscalCalendar(12)
    assert dec.bounds(p("FY24-Q1")) == (date(2023, 12, 1), date(2024, 2, 29))
    assert dec.days(p("FY24-Q1")) == 91
    assert dec.days(p("FY23-Q1")) == 90


# --- January start: FY22 is calendar 2022 ---------------------------------------------------------------


def test_january_year_and_quarters():
    assert JAN.year_bounds(FiscalYear(2022)) == (date(2022, 1, 1), date(2022, 12, 31))
    assert [JAN.bounds(q) for q in FiscalYear(2022).quarters()] == [
        (date(2022, 1, 1), date(2022, 3, 31)),
        (date(2022, 4, 1), date(2022, 6, 30)),
        (date(2022, 7, 1), date(2022, 9, 30)),
        (date(2022, 10, 1), date(2022, 12, 31)),
    ]
    assert [JAN.days(q) for q in FiscalYear(2024).quarters()] == [91, 91, 92, 92]
    assert JAN.pull_date(p("FY22-Q4")) == date(2023, 1, 1)


def test_january_year_boundary():
    assert JAN.period_of(date(2021, 12, 31)) == p("FY21-Q4")
    assert JAN.period_of(date(2022, 1, 1)) == p("FY22-Q1")
    assert JAN.last_ended_before(date(2022, 1, 1)) == p("FY21-Q4")
    assert JAN.is_pull_date(date(2022, 1, 1))


# --- July start: FY25 runs 2024-07-01 … 2025-06-30 ------------------------------------------------------


def test_july_year_and_quarters():
    assert JUL.year_bounds(FiscalYear(2025)) == (date(2024, 7, 1), date(2025, 6, 30))
    assert [JUL.bounds(q)[0] for q in FiscalYear(2025).quarters()] == [
        date(2024, 7, 1),
        date(2024, 10, 1),
        date(2025, 1, 1),
        date(2025, 4, 1),
    ]
    assert JUL.period_of(date(2024, 6, 30)) == p("FY24-Q4")
    assert JUL.period_of(date(2024, 7, 1)) == p("FY25-Q1")
    assert JUL.period_of(date(2025, 1, 15)) == p("FY25-Q3")
    assert JUL.pull_date(p("FY25-Q4")) == date(2025, 7, 1)


# --- period_of / last_ended_before / is_pull_date ---------------------------------------------------------


def test_period_of_and_last_ended_before():
    assert FEB.period_of(date(2021, 7, 31)) == p("FY22-Q2")
    assert FEB.period_of(date(2021, 8, 1)) == p("FY22-Q3")
    assert FEB.last_ended_before(date(2021, 8, 1)) == p("FY22-Q2")
    assert FEB.last_ended_before(date(2021, 7, 31)) == p("FY22-Q1")
    assert FEB.last_ended_before(date(2022, 2, 1)) == p("FY22-Q4")
    assert FEB.last_ended_before(date(2021, 2, 15)) == p("FY21-Q4")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 5, 1), True),
        (date(2021, 8, 1), True),
        (date(2021, 11, 1), True),
        (date(2022, 2, 1), True),
        (date(2021, 6, 1), False),
        (date(2021, 8, 2), False),
        (date(2021, 7, 31), False),
    ],
)
def test_is_pull_date_with_february_start(day, expected):
    assert FEB.is_pull_date(day) is expected


# --- properties ---------------------------------------------------------------------------------------------

days_ = st.dates(min_value=date(1950, 1, 1), max_value=date(2098, 12, 31))
months = st.integers(min_value=1, max_value=12)


@given(day=days_, month=months)
def test_a_day_lies_in_its_period_and_after_the_last_ended_one(day, month):
    cal = FiscalCalendar(month)
    period = cal.period_of(day)
    first, last = cal.bounds(period)
    assert first <= day <= last
    assert period.fy == cal.fiscal_year_of(day)
    year_first, year_last = cal.year_bounds(period.fy)
    assert year_first <= first <= last <= year_last
    assert year_last.year == period.fiscal_year  # named by the calendar year in which it ends
    ended = cal.last_ended_before(day)
    assert cal.bounds(ended)[1] < day
    assert cal.pull_date(ended) <= day
    assert cal.pull_date(ended) == first  # the pull of the last ended quarter is this quarter's first day
    assert cal.is_pull_date(day) == (day == first)


@given(day=days_, month=months)
def test_quarters_tile_the_year(day, month):
    cal = FiscalCalendar(month)
    fy = cal.fiscal_year_of(day)
    quarters = fy.quarters()
    assert cal.bounds(quarters[0])[0] == cal.year_bounds(fy)[0]
    assert cal.bounds(quarters[-1])[1] == cal.year_bounds(fy)[1]
    for a, b in zip(quarters, quarters[1:], strict=False):
        assert cal.bounds(a)[1] + timedelta(days=1) == cal.bounds(b)[0]
        assert a.next() == b and b.previous() == a
    assert sum(cal.days(q) for q in quarters) == (cal.year_bounds(fy)[1] - cal.year_bounds(fy)[0]).days + 1
    assert all(89 <= cal.days(q) <= 92 for q in quarters)
    assert cal.pull_date(quarters[-1]) == cal.year_bounds(FiscalYear(fy.year + 1))[0]


@given(year=st.integers(min_value=2000, max_value=2099), quarter=st.integers(min_value=1, max_value=4))
def test_period_codes_round_trip(year, quarter):
    period = FiscalQuarter(year, quarter)
    assert FiscalQuarter.parse(period.code) == period
    assert FiscalYear.parse(period.fy.code) == period.fy
