"""explain_book_kpi: a CSM's KPI down to the customers of the book that made it (docs/design.md §10.4),
computed on demand from that book's rows only, agreeing with the stored value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption.kpis import kpi_codes
from adoption.models import PortfolioKpiDay, UsageRecord
from adoption.portfolio.inputs import kpi_rules
from adoption.portfolio.kpi_days import compute_kpi_days
from adoption.portfolio.kpi_selectors import explain_book_kpi
from adoption.scoring.measures import to_ratio

from .conftest import DAY, TODAY

pytestmark = pytest.mark.django_db


def test_the_customers_below_come_first_with_their_raw_counts(world):
    rows = explain_book_kpi(world["alice"].pk, "util_below_60", DAY)

    assert rows == [
        {
            "customer_id": "C2",
            "name": world["c2"].name,
            "counted": True,
            "numerator": 1,
            "denominator": 1,
            "active_users": 59,
            "licensed_seats": 100,
            "utilisation": Decimal("0.590000"),
        },
        {
            "customer_id": "C1",
            "name": world["c1"].name,
            "counted": False,  # exactly 60 % is not below
            "numerator": 0,
            "denominator": 1,
            "active_users": 60,
            "licensed_seats": 100,
            "utilisation": Decimal("0.600000"),
        },
    ]


def test_the_rise_shows_both_days_and_the_points(world):
    rows = {r["customer_id"]: r for r in explain_book_kpi(world["alice"].pk, "util_rising", DAY)}

    assert (rows["C2"]["counted"], rows["C2"]["rise_points"]) == (True, Decimal("11.0000"))
    assert (rows["C1"]["counted"], rows["C1"]["rise_points"]) == (False, Decimal("10.0000"))
    assert (rows["C1"]["active_users_before"], rows["C1"]["licensed_seats_before"]) == (50, 100)


def test_a_customer_with_mau_0_is_shown_but_not_in_the_dau_mau(world):
    rows = explain_book_kpi(world["alice"].pk, "dau_mau", DAY)

    assert [(r["customer_id"], r["counted"], r["numerator"], r["denominator"]) for r in rows] == [
        ("C1", True, 60, 120),
        ("C2", False, 0, 0),
    ]
    assert (rows[1]["active_users"], rows[1]["monthly_active_users"]) == (59, 0)


def test_weekly_activity_and_qbr_coverage_show_what_decided_them(world):
    weekly = {r["customer_id"]: r for r in explain_book_kpi(world["bob"].pk, "weekly_active", DAY)}
    qbr = {r["customer_id"]: r for r in explain_book_kpi(world["bob"].pk, "qbr_coverage", DAY)}
    alice = {r["customer_id"]: r for r in explain_book_kpi(world["alice"].pk, "weekly_active", DAY)}

    assert (weekly["C3"]["active_weeks"], weekly["C3"]["weeks"], weekly["C3"]["counted"]) == (1, 4, False)
    assert (alice["C1"]["active_weeks"], alice["C1"]["counted"]) == (4, True)
    # C3 held a QBR but never completed onboarding: not eligible, so not in the coverage.
    assert (qbr["C3"]["past_onboarding"], qbr["C3"]["qbr_this_quarter"], qbr["C3"]["counted"]) == (
        False,
        True,
        False,
    )


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_explanation_agrees_with_the_stored_value_of_every_kpi(world, who):
    compute_kpi_days(DAY, DAY, today=TODAY)
    key = world[who].employee_id

    for kpi, unit in kpi_codes(kpi_rules()).items():
        rows = explain_book_kpi(world[who].pk, kpi, DAY)
        stored = PortfolioKpiDay.objects.get(day=DAY, level="csm", key=key, kpi=kpi)
        numerator = sum(r["numerator"] for r in rows)
        denominator = sum(r["denominator"] for r in rows)
        assert (numerator, denominator, len(rows)) == (stored.numerator, stored.denominator, stored.customers)
        if unit == "customers":
            assert stored.value == sum(r["counted"] for r in rows)
        else:
            assert stored.value == (to_ratio(numerator, denominator) if denominator else None)


def test_only_the_books_usage_is_read(world):
    with CaptureQueriesContext(connection) as queries:
        rows = explain_book_kpi(world["bob"].pk, "avg_utilisation", DAY)

    assert {r["customer_id"] for r in rows} == {"C3", "C4", "C5"}
    usage = [q["sql"] for q in queries.captured_queries if UsageRecord._meta.db_table in q["sql"]]
    assert usage  # the windowed metrics, then seats and MAU on the days compared
    ids = ", ".join(str(world[c].pk) for c in ("c3", "c4", "c5"))
    assert all(f"IN ({ids})" in sql for sql in usage)


def test_a_kpi_the_settings_do_not_compute_or_an_unknown_user_is_refused(world):
    with pytest.raises(ValueError, match="unknown KPI 'util_below_65'"):
        explain_book_kpi(world["alice"].pk, "util_below_65", DAY)
    with pytest.raises(ValueError, match="no user with id"):
        explain_book_kpi(world["alice"].pk + 100, "dau_mau", DAY)


def test_a_csm_without_customers_that_day_has_nothing_to_explain(world):
    assert explain_book_kpi(world["alice"].pk, "dau_mau", DAY.replace(year=2018)) == []
