"""Every import rule of DESIGN §3 refuses a bad file whole, naming line, column, value and reason."""

from datetime import date
from decimal import Decimal

import pytest

from adoption.models import Customer, ScoreObservation, Snapshot, TargetLine
from commissions.models import Assignment, Deal, FxRate, ImportRecord, Plan
from tests.builders import make_customer, make_snapshot, make_user

from .conftest import lines

pytestmark = pytest.mark.django_db

SCORES = "customer_id,as_of,score"
DEALS = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on"
TARGETS = "fiscal_year,customer_id,baseline_score,period,target_score"
ASSIGNMENTS = "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal"


@pytest.fixture
def c1():
    return make_customer("C1")


def test_wrong_type_is_refused(refusal, c1):
    assert refusal("scores", lines(SCORES, "C1,2021-07-30,high")) == [(2, "score", "high", "not a number")]


def test_unknown_reference_is_refused(refusal, c1):
    errors = refusal("scores", lines(SCORES, "C1,2021-07-30,55", "C404,2021-07-30,55"))
    assert errors == [(3, "customer_id", "C404", "unknown customer 'C404': not in the database")]


def test_duplicate_key_names_both_lines(refusal, c1):
    errors = refusal("scores", lines(SCORES, "C1,2021-07-30,55", "C1,2021-07-31,56", "C1,2021-07-30,57"))
    assert errors == [
        (4, "customer_id", "C1", "duplicate customer_id/as_of C1, 2021-07-30: already on line 2")
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2021-02-30", "not a valid date (day is out of range for month)"),
        ("30/07/2021", "not a date: write it as YYYY-MM-DD"),
        ("2021-7-30", "not a date: write it as YYYY-MM-DD"),
    ],
)
def test_bad_date_is_refused(refusal, c1, value, reason):
    assert refusal("scores", lines(SCORES, f"C1,{value},55")) == [(2, "as_of", value, reason)]


@pytest.mark.parametrize("value", ["120", "-1", "100.01"])
def test_score_out_of_range_is_refused(refusal, c1, value):
    errors = refusal(
        "scores", lines(SCORES, "C1,2021-07-30,55", "C1,2021-07-31,56", f"C1,2021-08-01,{value}")
    )
    assert errors == [(4, "score", value, "score must be between 0 and 100")]


def test_too_many_decimals_are_refused_not_rounded(refusal, c1):
    assert refusal("scores", lines(SCORES, "C1,2021-07-30,55.125")) == [
        (2, "score", "55.125", "at most 2 decimal places")
    ]


def test_scores_of_zero_hundred_and_trailing_zeros_are_accepted(run_import, c1):
    result = run_import(
        "scores", lines(SCORES, "C1,2021-07-29,0", "C1,2021-07-30,100", "C1,2021-07-31,55.500")
    )
    assert result.created == 3
    assert ScoreObservation.objects.get(as_of=date(2021, 7, 31)).score == Decimal("55.5")


@pytest.mark.parametrize(
    ("kind", "delta", "reason"),
    [
        ("expansion", "0", "an expansion must have a positive arr_delta"),
        ("expansion", "-100", "an expansion must have a positive arr_delta"),
        ("contraction", "100", "a contraction must have a negative arr_delta"),
        ("churn", "0", "a churn must have a negative arr_delta"),
    ],
)
def test_wrong_deal_sign_is_refused(refusal, c1, kind, delta, reason):
    errors = refusal("deals", lines(DEALS, f"D1,C1,{kind},{delta},USD,2021-06-01,2021-06-01"))
    assert errors == [(2, "arr_delta", delta, reason)]


def test_renewal_takes_any_sign_and_unknown_type_is_refused(refusal, run_import, c1):
    rows = ["D1,C1,renewal,-5,USD,2021-06-01,2021-06-01", "D2,C1,renewal,5,USD,2021-06-01,2021-06-01"]
    assert run_import("deals", lines(DEALS, *rows)).created == 2
    errors = refusal("deals", lines(DEALS, "D3,C1,upsell,5,USD,2021-06-01,2021-06-01"))
    assert errors == [(2, "type", "upsell", "type must be one of renewal, expansion, contraction, churn")]


def test_unknown_currency_code_is_refused(refusal, c1):
    errors = refusal("deals", lines(DEALS, "D1,C1,expansion,5,XYZ,2021-06-01,2021-06-01"))
    assert errors == [
        (2, "currency", "XYZ", "unknown currency code: use an ISO 4217 code such as USD or EUR")
    ]
    errors = refusal("fx", lines("period,currency,rate", "FY22-Q2,usd,1", "FY22-Q2,EUR,0"))
    assert errors == [
        (2, "currency", "usd", "unknown currency code: use an ISO 4217 code such as USD or EUR"),
        (3, "rate", "0", "rate must be greater than 0"),
    ]
    assert not FxRate.objects.exists()


def test_inconsistent_baseline_in_the_file_is_refused(refusal, c1):
    errors = refusal("targets", lines(TARGETS, "FY22,C1,40,FY22-Q1,50", "FY22,C1,45,FY22-Q2,60"))
    reason = "baseline_score differs from 40 on line 2: a customer has one baseline a year"
    assert errors == [(3, "baseline_score", "45", reason)]


def test_baseline_inconsistent_with_stored_lines_is_refused(refusal, run_import, c1):
    run_import("targets", lines(TARGETS, "FY22,C1,40,FY22-Q1,50"))
    errors = refusal("targets", lines(TARGETS, "FY22,C1,45,FY22-Q2,60"))
    reason = "baseline_score differs from 40.00 stored for FY22-Q1: a customer has one baseline a year"
    assert errors == [(2, "baseline_score", "45", reason)]
    # Restating the baseline on every stored quarter is a change, not a conflict.
    result = run_import("targets", lines(TARGETS, "FY22,C1,45,FY22-Q1,50", "FY22,C1,45,FY22-Q2,60"))
    assert (result.created, result.updated) == (1, 1)


def test_period_outside_the_fiscal_year_is_refused(refusal, c1):
    errors = refusal("targets", lines(TARGETS, "FY22,C1,40,FY23-Q1,50", "FY22,C1,40,2022-Q1,50"))
    assert errors == [
        (2, "period", "FY23-Q1", "FY23-Q1 is not a quarter of FY22"),
        (3, "period", "2022-Q1", "“2022-Q1” is not a quarter: write it like FY27-Q1."),
    ]


def test_frozen_snapshot_refuses_the_file(refusal):
    snapshot = make_snapshot("FY22", lines=1, approved_by=make_user("cco"))
    line = TargetLine.objects.select_related("customer").get()
    customer = line.customer.customer_id
    errors = refusal(
        "targets", lines(TARGETS, f"FY22,{customer},40,FY22-Q2,70", f"FY22,{customer},40,FY22-Q3,70")
    )
    message = "The target snapshot of FY22 is approved and frozen: its targets cannot change."
    assert errors == [(2, "fiscal_year", "FY22", message)]
    assert TargetLine.objects.get().target_score == Decimal("60")
    assert Snapshot.objects.get(pk=snapshot.pk).status == "approved"


def test_overlapping_assignments_in_the_file_are_refused(refusal):
    make_user("csm", employee_id="E1")
    Plan.objects.create(code="CS-FY22", name="CS", fiscal_year="FY22", currency="USD")
    errors = refusal(
        "assignments",
        lines(ASSIGNMENTS, "E1,CS-FY22,2021-02-01,2021-06-30,3000,,", "E1,CS-FY22,2021-06-30,,3000,,"),
    )
    reason = "overlaps the assignment of E1 to CS-FY22 from 2021-02-01 to 2021-06-30 on line 2"
    assert errors == [(3, "start_date", "2021-06-30", reason)]


def test_assignment_overlapping_a_stored_one_is_refused(refusal, run_import):
    make_user("csm", employee_id="E1")
    Plan.objects.create(code="CS-FY22", name="CS", fiscal_year="FY22", currency="USD")
    run_import("assignments", lines(ASSIGNMENTS, "E1,CS-FY22,2021-02-01,,3000,,"))
    errors = refusal("assignments", lines(ASSIGNMENTS, "E1,CS-FY22,2021-08-01,,3000,,"))
    reason = "overlaps the assignment of E1 to CS-FY22 from 2021-02-01 with no end already stored"
    assert errors == [(2, "start_date", "2021-08-01", reason)]
    # Ending the stored assignment in the same file makes room for the next one.
    result = run_import(
        "assignments",
        lines(ASSIGNMENTS, "E1,CS-FY22,2021-02-01,2021-07-31,3000,,", "E1,CS-FY22,2021-08-01,,3500,,"),
    )
    assert (result.created, result.updated) == (1, 1)
    assert Assignment.objects.count() == 2


def test_assignment_rules(refusal):
    make_user("csm", employee_id="E1")
    errors = refusal(
        "assignments",
        lines(
            ASSIGNMENTS,
            "E1,NOPE,2021-02-01,2021-01-31,3000,,",
            "E1,NOPE,2022-02-01,,-1,,",
            "E1,NOPE,2023-02-01,,1.005,,",
        ),
    )
    assert errors == [
        (2, "end_date", "2021-01-31", "end_date is before start_date 2021-02-01"),
        (3, "on_target_amount", "-1", "on_target_amount must be at least 0"),
        (4, "on_target_amount", "1.005", "at most 2 decimal places"),
    ]


def test_missing_header_is_refused_with_the_expected_header(refusal, c1):
    errors = refusal("scores", lines("C1,2021-07-30,55"))
    reason = (
        "the header must be customer_id,as_of,score"
        " (missing customer_id, as_of, score; unknown 'C1', '2021-07-30', '55')"
    )
    assert errors == [(1, "", "C1,2021-07-30,55", reason)]


def test_unknown_column_is_refused_with_the_expected_header(refusal, c1):
    errors = refusal("scores", lines("customer_id,as_of,score,comment", "C1,2021-07-30,55,ok"))
    assert errors == [
        (
            1,
            "",
            "customer_id,as_of,score,comment",
            "the header must be customer_id,as_of,score (unknown 'comment')",
        )
    ]


def test_columns_may_come_in_any_order(run_import, c1):
    assert run_import("scores", lines("score,customer_id,as_of", "55,C1,2021-07-30")).created == 1
    assert ScoreObservation.objects.get().score == Decimal("55")


def test_empty_file_is_refused(refusal):
    assert refusal("customers", b"") == [
        (1, "", "", "the file is empty: it needs a header row and data rows")
    ]


def test_header_only_file_is_an_empty_import(run_import):
    result = run_import("customers", lines("customer_id,name,geo,start_date,segment"))
    assert (result.rows, result.created, result.updated, result.unchanged) == (0, 0, 0, 0)


def test_non_utf8_file_is_refused(refusal):
    content = "customer_id,name,geo,start_date,segment\nC1,Société,EMEA,2020-01-01,\n".encode("latin-1")
    assert refusal("customers", content) == [
        (2, "", "byte 0xe9", "the file is not UTF-8: save it as UTF-8 CSV")
    ]


def test_utf8_bom_and_surrounding_spaces_are_accepted(run_import):
    content = "\ufeffcustomer_id, name ,geo,start_date,segment\r\n C1 , Société ,EMEA, 2020-01-01 ,\r\n"
    assert run_import("customers", content.encode("utf-8")).created == 1
    customer = Customer.objects.get()
    assert (customer.customer_id, customer.name, customer.segment) == ("C1", "Société", "")


def test_every_bad_row_is_reported_and_nothing_is_written(refusal, c1):
    errors = refusal(
        "scores",
        lines(
            SCORES,
            "C1,2021-07-01,50",
            "C1,,50",
            "C2,2021-07-03,50",
            "C1,2021-07-04,",
            "C1,2021-07-05,50,extra",
        ),
    )
    assert errors == [
        (3, "as_of", "", "required"),
        (4, "customer_id", "C2", "unknown customer 'C2': not in the database"),
        (5, "score", "", "required"),
        (6, "", "C1,2021-07-05,50,extra", "the row has 4 fields, the header has 3"),
    ]
    assert not ScoreObservation.objects.exists()


def test_refusal_is_recorded_with_its_errors(refusal, c1):
    refusal("scores", lines(SCORES, "C1,2021-07-30,120"))
    record = ImportRecord.objects.get()
    assert (record.kind, record.status, record.rows, record.created) == ("scores", "refused", 0, 0)
    assert record.errors == [
        {"line": 2, "column": "score", "value": "120", "reason": "score must be between 0 and 100"}
    ]
    assert len(record.sha256) == 64


def test_refused_file_leaves_stored_rows_untouched(refusal, run_import, c1):
    run_import("deals", lines(DEALS, "D1,C1,expansion,100,USD,2021-06-01,2021-06-01"))
    refusal(
        "deals",
        lines(
            DEALS, "D1,C1,expansion,200,USD,2021-06-01,2021-06-01", "D2,C1,churn,5,USD,2021-06-01,2021-06-01"
        ),
    )
    assert list(Deal.objects.values_list("deal_id", "arr_delta")) == [("D1", Decimal("100"))]
