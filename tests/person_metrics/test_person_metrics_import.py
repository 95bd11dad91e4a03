"""The person_metrics import (docs/design.md §11.1, docs/imports.md): a person's metric on a day or for a
month (stored on its first day), a value ≥ 0 with at most 4 decimals; the natural key is (employee_id,
date, metric); all or nothing, CSV or XLSX, errors by line and column, dry run."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from commissions.models import ImportRecord, PersonMetric
from commissions.services.imports import KINDS, import_file
from tests.imports_pages.conftest import xlsx

from .conftest import HEADER, lines

pytestmark = pytest.mark.django_db
AGAIN = "already on line 2"


def stored() -> set[tuple]:
    return set(PersonMetric.objects.values_list("employee__employee_id", "date", "metric", "period", "value"))


def test_person_metrics_is_an_import_kind():
    assert "person_metrics" in KINDS


def test_days_and_months_are_upserted_on_employee_date_and_metric(people, run_import):
    first = run_import(
        lines(
            "E1,2026-04-14,data_quality,96.5",
            "E1,2026-05,data_quality,95",
            "E2,2026-04,demerits,3",
            "E2,2026-04-02,login_rate,0.8125",
        )
    )
    assert (first.rows, first.created, first.updated, first.unchanged) == (4, 4, 0, 0)
    again = run_import(lines("E1,2026-05,data_quality,94.9999", "E2,2026-04,demerits,3"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert stored() == {
        ("E1", date(2026, 4, 14), "data_quality", "day", Decimal("96.5000")),
        ("E1", date(2026, 5, 1), "data_quality", "month", Decimal("94.9999")),
        ("E2", date(2026, 4, 1), "demerits", "month", Decimal("3.0000")),
        ("E2", date(2026, 4, 2), "login_rate", "day", Decimal("0.8125")),
    }


def test_a_month_is_its_first_day_so_a_later_day_row_on_it_replaces_the_month(people, run_import):
    run_import(lines("E1,2026-04,data_quality,96"))
    result = run_import(lines("E1,2026-04-01,data_quality,96"))

    assert (result.created, result.updated) == (0, 1)
    assert stored() == {("E1", date(2026, 4, 1), "data_quality", "day", Decimal("96.0000"))}


def test_a_month_and_its_first_day_in_one_file_are_a_repeated_key(people, refusal):
    errors = refusal(lines("E1,2026-04,data_quality,96", "E1,2026-04-01,data_quality,97"))

    assert errors == [
        (3, "employee_id", "E1", f"duplicate employee_id/date/metric E1, 2026-04-01, data_quality: {AGAIN}")
    ]


def test_each_bad_cell_is_refused_by_line_and_column_and_nothing_is_written(people, refusal):
    errors = refusal(
        lines(
            "E1,2026-04-14,data_quality,96",
            "E9,2026-04-14,data_quality,96",
            "E1,14/04/2026,data_quality,96",
            "E1,2026-13,data_quality,96",
            "E1,2026-04-31,data_quality,96",
            "E1,2026-04-14,Data-Quality,96",
            "E1,2026-04-14,9lives,96",
            "E1,2026-04-14,demerits,-1",
            "E1,2026-04-14,login_rate,0.12345",
            "E1,2026-04-14,contacts_added,lots",
            "E1,2026-04-14,contacts_added,",
            "E1,2026-04-14,data_quality,95",
        )
    )
    metric_reason = "a metric is a code of lower-case letters, digits and _, starting with a letter"
    assert errors == [
        (3, "employee_id", "E9", "unknown employee 'E9': not in the database"),
        (4, "date", "14/04/2026", "not a date: write a day as YYYY-MM-DD or a month as YYYY-MM"),
        (5, "date", "2026-13", "not a valid date (month must be in 1..12)"),
        (6, "date", "2026-04-31", "not a valid date (day is out of range for month)"),
        (7, "metric", "Data-Quality", metric_reason),
        (8, "metric", "9lives", metric_reason),
        (9, "value", "-1", "value must be at least 0"),
        (10, "value", "0.12345", "at most 4 decimal places"),
        (11, "value", "lots", "not a number"),
        (12, "value", "", "required"),
        (13, "employee_id", "E1", f"duplicate employee_id/date/metric E1, 2026-04-14, data_quality: {AGAIN}"),
    ]
    assert not PersonMetric.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.REFUSED


def test_a_day_after_today_or_a_month_not_begun_is_refused_as_a_typo(people, refusal):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    errors = refusal(
        lines(
            f"E1,{today.isoformat()},data_quality,96",
            f"E1,{tomorrow.isoformat()},data_quality,96",
            f"E1,{next_month.strftime('%Y-%m')},demerits,1",
        )
    )
    assert errors == [
        (3, "date", str(tomorrow), f"date {tomorrow} is after today ({today}): import what has happened"),
        (
            4,
            "date",
            next_month.strftime("%Y-%m"),
            f"date {next_month.strftime('%Y-%m')} is after today ({today}): import what has happened",
        ),
    ]


def test_this_month_may_be_imported_as_a_month(people, run_import):
    today = timezone.localdate()
    assert run_import(lines(f"E1,{today.strftime('%Y-%m')},data_quality,96")).created == 1


def test_a_dry_run_counts_and_writes_nothing(people, run_import):
    result = run_import(lines("E1,2026-04-14,data_quality,96"), dry_run=True)

    assert (result.rows, result.created) == (1, 1)
    assert not PersonMetric.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.DRY_RUN


def test_a_wrong_header_refuses_the_file(people, refusal):
    errors = refusal("employee_id,day,metric,value\nE1,2026-04-14,data_quality,96\n")

    assert errors[0][:2] == (1, "")
    assert errors[0][3].startswith(f"the header must be {HEADER} (missing date; unknown 'day')")


def test_an_excel_workbook_imports_like_the_csv(people):
    book = xlsx(
        [
            ["employee_id", "date", "metric", "value"],
            ["E1", date(2026, 4, 14), "data_quality", 96.5],
            ["E2", "2026-04", "demerits", 2],
        ]
    )
    result = import_file(kind="person_metrics", file=io.BytesIO(book), file_name="metrics.xlsx")

    assert (result.rows, result.created) == (2, 2)
    assert stored() == {
        ("E1", date(2026, 4, 14), "data_quality", "day", Decimal("96.5000")),
        ("E2", date(2026, 4, 1), "demerits", "month", Decimal("2.0000")),
    }


def test_the_table_refuses_a_negative_value_a_bad_code_and_a_month_off_its_first_day(people):
    e1 = people[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonMetric.objects.create(employee=e1, date=date(2026, 4, 1), metric="demerits", value=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonMetric.objects.create(employee=e1, date=date(2026, 4, 1), metric="Bad code", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonMetric.objects.create(employee=e1, date=date(2026, 4, 2), metric="x", period="month", value=1)


def test_the_built_in_metrics_names_are_refused_by_line_and_column(people, refusal):
    # docs/design.md §11.1 "Built-in metrics": Attain computes these itself; a dot is never in a code.
    errors = refusal(
        lines(
            "E1,2026-04-14,scorecard_average,80",
            "E1,2026-04-14,attainment,1",
            "E1,2026-04-14,kpi.dau_mau,0.5",
            "E1,2026-04-14,attainment.PRS,1",
            "E1,2026-04-14,attainment_rate,1",
        )
    )
    reserved = (
        "is a metric Attain computes itself (design.md §11.1, built-in metrics): import it under another code"
    )
    metric_reason = "a metric is a code of lower-case letters, digits and _, starting with a letter"
    assert errors == [
        (2, "metric", "scorecard_average", f"scorecard_average {reserved}"),
        (3, "metric", "attainment", f"attainment {reserved}"),
        (4, "metric", "kpi.dau_mau", metric_reason),
        (5, "metric", "attainment.PRS", metric_reason),
    ]
    assert not PersonMetric.objects.exists()
