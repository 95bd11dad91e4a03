"""The activities import (docs/design.md §10.1, docs/imports.md): a customer's QBR, completed onboarding,
key user who left or NPS on a day; the natural key is (customer_id, date, type); all or nothing."""

import io
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from adoption.models import Activity
from commissions.models import ImportRecord
from commissions.services.imports import KINDS
from tests.imports_pages.conftest import xlsx

from .conftest import ACTIVITIES, lines

pytestmark = pytest.mark.django_db


def stored() -> set[tuple]:
    return set(Activity.objects.values_list("customer__customer_id", "date", "type", "value"))


def test_activities_is_an_import_kind():
    assert "activities" in KINDS


def test_activities_are_upserted_on_customer_date_and_type(customers, run_import):
    first = run_import(
        lines(
            ACTIVITIES,
            "C1,2026-01-10,onboarding_completed,",
            "C1,2026-04-14,qbr,",
            "C2,2026-04-14,nps,30",
            "C2,2026-05-02,key_user_left,",
        )
    )
    assert (first.rows, first.created, first.updated, first.unchanged) == (4, 4, 0, 0)
    again = run_import(lines(ACTIVITIES, "C1,2026-04-14,qbr,", "C2,2026-04-14,nps,-20"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert stored() == {
        ("C1", date(2026, 1, 10), "onboarding_completed", None),
        ("C1", date(2026, 4, 14), "qbr", None),
        ("C2", date(2026, 4, 14), "nps", -20),
        ("C2", date(2026, 5, 2), "key_user_left", None),
    }


def test_an_nps_needs_a_whole_value_from_minus_100_to_100_and_other_types_none(customers, refusal):
    errors = refusal(
        lines(
            ACTIVITIES,
            "C1,2026-04-01,nps,",
            "C1,2026-04-02,nps,101",
            "C1,2026-04-03,nps,7.5",
            "C1,2026-04-04,qbr,3",
            "C1,2026-04-05,nps,-100",
            "C1,2026-04-06,nps,100",
        )
    )
    assert errors == [
        (2, "value", "", "an nps activity needs its value, a whole number from -100 to 100"),
        (3, "value", "101", "an NPS value must be between -100 and 100"),
        (4, "value", "7.5", "at most 0 decimal places"),
        (5, "value", "3", "only an nps activity has a value: leave it empty for qbr"),
    ]
    assert not Activity.objects.exists()


def test_an_unknown_type_customer_or_date_and_a_repeated_key_refuse_the_whole_file(customers, refusal):
    errors = refusal(
        lines(
            ACTIVITIES,
            "C1,2026-04-14,qbr,",
            "C1,2026-04-14,meeting,",
            "C9,2026-04-14,qbr,",
            "C1,14/04/2026,qbr,",
            "C1,2026-04-14,qbr,",
        )
    )
    assert errors == [
        (3, "type", "meeting", "type must be one of qbr, onboarding_completed, key_user_left, nps"),
        (4, "customer_id", "C9", "unknown customer 'C9': not in the database"),
        (5, "date", "14/04/2026", "not a date: write it as YYYY-MM-DD"),
        (6, "customer_id", "C1", "duplicate customer_id/date/type C1, 2026-04-14, qbr: already on line 2"),
    ]
    assert not Activity.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.REFUSED


def test_a_dry_run_counts_and_writes_nothing(customers, run_import):
    result = run_import(lines(ACTIVITIES, "C1,2026-04-14,qbr,"), dry_run=True)

    assert (result.rows, result.created) == (1, 1)
    assert not Activity.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.DRY_RUN


def test_an_excel_workbook_imports_like_the_csv(customers, csv_file):
    from commissions.services.imports import import_file

    book = xlsx(
        [
            ["customer_id", "date", "type", "value"],
            ["C1", date(2026, 4, 14), "nps", 42],
            ["C2", "2026-04-15", "qbr", None],
        ]
    )
    result = import_file(kind="activities", file=io.BytesIO(book), file_name="activities.xlsx")

    assert (result.rows, result.created) == (2, 2)
    assert stored() == {("C1", date(2026, 4, 14), "nps", 42), ("C2", date(2026, 4, 15), "qbr", None)}


def test_the_table_refuses_a_value_on_another_type_than_nps_and_an_nps_without_one(customers):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(customer=customers[0], date=date(2026, 4, 14), type="qbr", value=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(customer=customers[0], date=date(2026, 4, 14), type="nps")
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(customer=customers[0], date=date(2026, 4, 14), type="call")


def test_an_activity_dated_after_today_is_refused_as_a_typo(customers, refusal):
    from django.utils import timezone

    errors = refusal(lines(ACTIVITIES, "C1,2030-01-01,qbr,"))
    assert errors == [
        (
            2,
            "date",
            "2030-01-01",
            f"date 2030-01-01 is after today ({timezone.localdate()}): import what has happened",
        )
    ]
    assert not Activity.objects.exists()
