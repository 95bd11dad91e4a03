"""book_kpi_values: a CSM's book KPI over a quarter for the commission plans (docs/design.md §10.4) —
the quarter-end day's value, or the exact mean of the days with a value, half-up to 6 decimals; the
days without a stored row named."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import PortfolioKpiDay
from adoption.portfolio.kpi_days import compute_kpi_days
from adoption.portfolio.kpi_selectors import (
    BookKpiValue,
    book_kpi_values,
    kpi_history,
    kpis_on,
    mean_half_up,
)
from tests.builders import make_user

from .conftest import DAY, TODAY

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 6, 1), date(2026, 6, 3)


def store(key: str, kpi: str, values: dict[date, str | None]) -> None:
    PortfolioKpiDay.objects.bulk_create(
        PortfolioKpiDay(day=day, level="csm", key=key, kpi=kpi, value=None if v is None else Decimal(v))
        for day, v in values.items()
    )


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, employee_id="E-7")


def test_quarter_end_is_the_last_days_value_and_a_missing_day_is_named(csm):
    store("E-7", "avg_utilisation", {FIRST: "0.400000", LAST: "0.612345"})

    got = book_kpi_values([csm.pk], "avg_utilisation", FIRST, LAST, "quarter_end")

    assert got == {csm.pk: BookKpiValue(Decimal("0.612345"), 1, (date(2026, 6, 2),))}


def test_quarter_end_without_a_row_on_the_last_day_has_no_value(csm):
    store("E-7", "avg_utilisation", {FIRST: "0.400000"})

    got = book_kpi_values([csm.pk], "avg_utilisation", FIRST, LAST, "quarter_end")[csm.pk]

    assert (got.value, got.days, got.missing) == (None, 0, (date(2026, 6, 2), LAST))


def test_quarter_average_is_the_mean_of_the_days_with_a_value_half_up(csm):
    # 0.000002 and 0.000003 average 0.0000025: half-up gives 0.000003 (half-even would give 0.000002).
    # The missing day and the day whose row has no value are left out, not counted as 0, and both are
    # reported as missing (docs/design.md §10.4), so that a run warns about them.
    store("E-7", "dau_mau", {FIRST: "0.000002", LAST: "0.000003"})
    store("E-7", "qbr_coverage", {FIRST: "0.5", date(2026, 6, 2): None, LAST: "1"})

    dau_mau = book_kpi_values([csm.pk], "dau_mau", FIRST, LAST, "quarter_average")[csm.pk]
    qbr = book_kpi_values([csm.pk], "qbr_coverage", FIRST, LAST, "quarter_average")[csm.pk]

    assert dau_mau == BookKpiValue(Decimal("0.000003"), 2, (date(2026, 6, 2),))
    assert qbr == BookKpiValue(Decimal("0.750000"), 2, (date(2026, 6, 2),))


def test_a_mean_of_counts_is_exact_before_rounding():
    assert mean_half_up([Decimal(1), Decimal(0), Decimal(0)]) == Decimal("0.333333")
    assert mean_half_up([Decimal(2), Decimal(0), Decimal(0)]) == Decimal("0.666667")
    assert mean_half_up([]) is None


def test_each_csm_reads_its_own_book_and_one_without_an_employee_id_has_every_day_missing(csm):
    other = make_user(Role.CSM, employee_id="E-8")
    nobody = make_user(Role.CSM)
    nobody.employee_id = None
    nobody.save()
    store("E-7", "weekly_active", {FIRST: "3", date(2026, 6, 2): "4", LAST: "5"})
    store("E-8", "weekly_active", {LAST: "9"})

    got = book_kpi_values([csm.pk, other.pk, nobody.pk], "weekly_active", FIRST, LAST, "quarter_average")

    assert got[csm.pk] == BookKpiValue(Decimal("4.000000"), 3, ())
    assert got[other.pk] == BookKpiValue(Decimal("9.000000"), 1, (FIRST, date(2026, 6, 2)))
    assert got[nobody.pk] == BookKpiValue(None, 0, (FIRST, date(2026, 6, 2), LAST))


def test_stored_days_computed_through_the_database_with_a_missing_day(world):
    alice = world["alice"]
    compute_kpi_days(DAY - timedelta(days=2), DAY - timedelta(days=2), today=TODAY)
    compute_kpi_days(DAY, DAY, today=TODAY)  # DAY − 1 never computed

    end = book_kpi_values([alice.pk], "util_below_60", DAY - timedelta(days=2), DAY, "quarter_end")[alice.pk]
    mean = book_kpi_values([alice.pk], "util_below_60", DAY - timedelta(days=2), DAY, "quarter_average")

    assert end == BookKpiValue(Decimal("1"), 1, (DAY - timedelta(days=2), DAY - timedelta(days=1)))
    # DAY − 2: no usage, so no utilisation in the book: stored without a value (not 0 below) and left out
    # of the mean; DAY: 1 below → 1 ÷ 1. Both DAY − 2 (no value) and DAY − 1 (no row) are missing.
    assert mean[alice.pk] == BookKpiValue(
        Decimal("1.000000"), 1, (DAY - timedelta(days=2), DAY - timedelta(days=1))
    )


@pytest.mark.parametrize(
    ("kpi", "measure", "message"),
    [
        ("util_below_60", "quarter_median", "unknown measure 'quarter_median'"),
        ("nps", "quarter_end", "unknown KPI 'nps': the computed KPIs are util_below_60, avg_utilisation"),
    ],
)
def test_an_unknown_measure_or_kpi_is_refused_naming_it(csm, kpi, measure, message):
    with pytest.raises(ValueError, match=message):
        book_kpi_values([csm.pk], kpi, FIRST, LAST, measure)


def test_an_unknown_user_or_a_reversed_span_is_refused(csm):
    with pytest.raises(ValueError, match=f"no user with id {csm.pk + 100}"):
        book_kpi_values([csm.pk + 100], "dau_mau", FIRST, LAST, "quarter_end")
    with pytest.raises(ValueError, match="the first day 2026-06-03 is after the last day 2026-06-01"):
        book_kpi_values([csm.pk], "dau_mau", LAST, FIRST, "quarter_end")


def test_a_below_count_of_another_threshold_is_still_read_from_the_history(csm):
    store("E-7", "util_below_65", {LAST: "2"})

    assert book_kpi_values([csm.pk], "util_below_65", LAST, LAST, "quarter_end")[csm.pk].value == 2


def test_the_history_has_each_day_and_none_where_nothing_is_stored(csm):
    store("E-7", "dau_mau", {FIRST: "0.25", LAST: None})

    assert kpi_history("csm", "E-7", "dau_mau", FIRST, LAST) == [
        (FIRST, Decimal("0.250000")),
        (date(2026, 6, 2), None),
        (LAST, None),
    ]
    with pytest.raises(ValueError, match="unknown level 'team'"):
        kpi_history("team", "E-7", "dau_mau", FIRST, LAST)


def test_kpis_on_a_day_are_keyed_by_code(world):
    compute_kpi_days(DAY, DAY, today=TODAY)

    company = kpis_on("company", "", DAY)

    assert list(company) == sorted(company)
    assert company["dau_mau"].value == Decimal("0.469231")
    assert kpis_on("company", "", DAY - timedelta(days=1)) == {}


def test_a_book_without_usage_on_some_days_averages_only_the_measured_days_and_reports_the_others(world):
    # The trial's example: days on which no customer of the book had usage were stored as "0 below" and
    # pulled a lower-is-better quarter average down. c1 and c2 (alice's) have utilisation on DAY − 30 and
    # DAY only: every day between is stored without a value (0 of 0) and left out.
    alice = world["alice"]
    first = DAY - timedelta(days=30)
    compute_kpi_days(first, DAY, today=TODAY)

    rows = PortfolioKpiDay.objects.filter(level="csm", key="E-A", kpi="util_below_60")
    assert rows.get(day=first).value == 2  # c1: 50 of 100, c2: 48 of 100; on DAY only c2 (59 of 100)
    between = rows.filter(day__gt=first, day__lt=DAY)
    assert between.count() == 29
    assert set(between.values_list("value", "numerator", "denominator")) == {(None, 0, 0)}

    mean = book_kpi_values([alice.pk], "util_below_60", first, DAY, "quarter_average")[alice.pk]
    gaps = tuple(first + timedelta(days=n) for n in range(1, 30))
    # (2 + 1) ÷ 2 over the two measured days, not (2 + 0 × 29 + 1) ÷ 31 = 0.096774.
    assert mean == BookKpiValue(Decimal("1.500000"), 2, gaps)
