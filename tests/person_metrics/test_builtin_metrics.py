"""The built-in metrics per CSM through the one reader, ``stored_metric_values`` (docs/design.md §11.1
"Built-in metrics"): ``kpi.<code>`` from the stored daily portfolio KPIs of the CSM's book,
``scorecard_average`` the mean adoption score of the book on a day (half-up to 4 decimals), and the
quarter's ``attainment``, which no daily reader has. A day without a value is left out, never 0."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import Ownership, PortfolioKpiDay, ScoreObservation
from commissions.models import PersonMetric
from commissions.services.person_metrics import (
    MetricUnavailable,
    MetricValue,
    month_means,
    stored_metric_values,
)
from tests.builders import make_customer, make_user

pytestmark = pytest.mark.django_db

D1, D2, D3 = date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)


@pytest.fixture
def csms():
    return make_user(Role.CSM, employee_id="E1"), make_user(Role.CSM, employee_id="E2")


def store_kpi(key: str, kpi: str, values: dict[date, str | None], level: str = "csm") -> None:
    PortfolioKpiDay.objects.bulk_create(
        PortfolioKpiDay(day=day, level=level, key=key, kpi=kpi, value=None if v is None else Decimal(v))
        for day, v in values.items()
    )


def read(metric: str, people, first=D1, last=D3) -> set[tuple]:
    found = stored_metric_values(metric=metric, employees=[p.pk for p in people], first=first, last=last)
    return {(v.employee, v.day, v.value) for v in found}


def score(customer, day: date, value: str) -> None:
    ScoreObservation.objects.create(customer=customer, as_of=day, score=Decimal(value))


# --- kpi.<code> ---------------------------------------------------------------------------------------


def test_a_kpi_is_the_books_stored_daily_value_and_a_day_without_one_has_none(csms):
    e1, e2 = csms
    # D2 stored without a value (no customer of the book measured), D3 not stored: neither is 0.
    store_kpi("E1", "dau_mau", {D1: "0.512345", D2: None})
    store_kpi("E2", "dau_mau", {D3: "0.250000"})
    store_kpi("E1", "avg_utilisation", {D1: "0.9"})  # another KPI
    store_kpi("AMER", "dau_mau", {D1: "0.7"}, level="geo")  # another portfolio

    assert read("kpi.dau_mau", [e1, e2]) == {
        (e1.pk, D1, Decimal("0.512345")),
        (e2.pk, D3, Decimal("0.250000")),
    }
    assert read("kpi.dau_mau", [e1]) == {(e1.pk, D1, Decimal("0.512345"))}
    assert read("kpi.dau_mau", [e2], first=D1, last=D2) == set()


def test_a_count_kpi_reads_as_a_whole_number_and_its_month_mean_leaves_out_days_without_a_value(csms):
    e1, _ = csms
    store_kpi("E1", "util_below_60", {D1: "3", D2: None, D3: "4"})

    values = stored_metric_values(metric="kpi.util_below_60", employees=[e1.pk], first=D1, last=D3)

    # (3 + 4) ÷ 2 = 3.5; counting D2 as 0 would give 7 ÷ 3.
    assert month_means(values) == {e1.pk: Decimal("3.5")}


def test_a_kpi_no_setting_computes_is_refused_naming_the_computed_ones(csms):
    with pytest.raises(MetricUnavailable) as caught:
        read("kpi.logins", csms)

    assert "kpi.logins names no computed KPI" in str(caught.value)
    assert "kpi.dau_mau" in str(caught.value)


def test_a_kpi_code_of_former_settings_is_read_as_stored(csms):
    e1, _ = csms
    store_kpi("E1", "util_below_55", {D1: "2"})

    assert read("kpi.util_below_55", [e1]) == {(e1.pk, D1, Decimal("2"))}


# --- scorecard_average --------------------------------------------------------------------------------


def test_the_scorecard_average_is_the_books_exact_mean_rounded_half_up_to_four_decimals(csms):
    e1, _ = csms
    book = [make_customer(owner=e1, start_date=date(2026, 1, 1)) for _ in range(8)]
    # 50.01 + 7 × 50.00 = 400.01; ÷ 8 = 50.00125 → 50.0013 (half-up; half-even would give 50.0012).
    score(book[0], D1, "50.01")
    for customer in book[1:]:
        score(customer, D1, "50.00")

    assert read("scorecard_average", [e1]) == {(e1.pk, D1, Decimal("50.0013"))}


def test_a_customer_without_a_score_is_left_out_and_a_day_without_any_has_no_value(csms):
    e1, _ = csms
    a, b, c = (make_customer(owner=e1, start_date=date(2026, 1, 1)) for _ in range(3))
    score(a, D1, "80.00")
    score(b, D1, "70.00")  # c has no score on D1: (80 + 70) ÷ 2 = 75, not ÷ 3
    score(c, D2, "60.00")  # D2: c alone; D3: nobody, no value

    assert read("scorecard_average", [e1]) == {
        (e1.pk, D1, Decimal("75.0000")),
        (e1.pk, D2, Decimal("60.0000")),
    }


def test_the_book_of_a_day_is_whoever_owns_the_customer_by_its_latest_ownership_row(csms):
    e1, e2 = csms
    moved = make_customer(owner=e1, start_date=date(2026, 1, 1))
    Ownership.objects.create(customer=moved, employee=e2, start_date=D2)  # E2's from D2 on
    kept = make_customer(owner=e2, start_date=date(2026, 1, 1))
    nobodys = make_customer(start_date=date(2026, 1, 1))  # owned by nobody: in no book
    for day, value in ((D1, "90.00"), (D2, "40.00"), (D3, "41.00")):
        score(moved, day, value)
    score(kept, D2, "60.00")
    score(nobodys, D1, "10.00")

    assert read("scorecard_average", [e1, e2]) == {
        (e1.pk, D1, Decimal("90.0000")),
        (e2.pk, D2, Decimal("50.0000")),  # (40 + 60) ÷ 2
        (e2.pk, D3, Decimal("41.0000")),
    }
    assert read("scorecard_average", [e1], first=D2) == set()


def test_the_scorecard_average_is_not_an_imported_row_of_that_name(csms):
    e1, _ = csms
    # A row stored under the reserved code (the import refuses it now) is not what the reader gives.
    PersonMetric.objects.create(employee=e1, date=D1, metric="scorecard_average", value=Decimal(99))

    assert read("scorecard_average", [e1]) == set()


# --- attainment and imported codes --------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["attainment", "attainment.PRS"])
def test_the_quarters_attainment_is_not_a_daily_value(csms, metric):
    with pytest.raises(MetricUnavailable) as caught:
        read(metric, csms)

    assert f"{metric} is a quarter's attainment" in str(caught.value)
    assert "a plan escalator can gate on it" in str(caught.value)


def test_an_imported_code_still_reads_the_person_metrics_import(csms):
    e1, _ = csms
    PersonMetric.objects.create(employee=e1, date=D2, metric="data_quality", value=Decimal("96.5"))

    assert stored_metric_values(metric="data_quality", employees=[e1.pk], first=D1, last=D3) == [
        MetricValue(e1.pk, D2, Decimal("96.5000"))
    ]
