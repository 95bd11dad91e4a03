"""No import changes what a closed quarter read (DESIGN §3 "Frozen and closed data", docs/imports.md)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Role
from adoption.models import Activity, ArrRecord, Customer, Ownership, ScoreObservation
from api.tokens import create_token
from commissions.models import Assignment, PeriodEvent
from commissions.services.close import reopen_period
from commissions.services.imports import ImportRefused, import_file
from tests.api.imports import import_through_api
from tests.builders import make_user

pytestmark = pytest.mark.django_db

HEADERS = {
    "assignments": "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal",
    "ownership": "customer_id,employee_id,start_date",
    "arr": "customer_id,as_of,arr,currency",
    "scores": "customer_id,as_of,score",
    "customers": "customer_id,name,geo,start_date,segment",
    "deals": "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on",
    "kpis": "period,employee_id,kpi,value",
    "fx": "period,currency,rate",
    "activities": "customer_id,date,type,value",
}


@pytest.fixture
def load(csv_file, ops):
    """``load(kind, *rows)`` imports the rows under the kind's header as ops."""

    def run(kind: str, *rows: str, **options):
        text = "\n".join([HEADERS[kind], *rows]) + "\n"
        return import_file(kind=kind, path=csv_file(text), user=ops, **options)

    return run


def refused(load, kind: str, *rows: str, **options) -> list[tuple]:
    with pytest.raises(ImportRefused) as caught:
        load(kind, *rows, **options)
    return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]


def test_backdated_assignment_amount_is_refused_naming_the_quarter(closed, load):
    errors = refused(load, "assignments", "E1,CS-FY22,2021-02-01,,4000.00,1.10,10")
    # The refusal names the column that changed, with the stored and the asked value.
    assert errors == [
        (
            2,
            "on_target_amount",
            "4000.00",
            "FY22-Q2 is closed: assignments that overlap it or date its deals cannot change; "
            "on_target_amount is stored as 3000.00, read by FY22-Q2, and cannot become 4000.00"
            " (ops may re-open it, with a reason)",
        )
    ]
    assert Assignment.objects.get().on_target_amount == Decimal("3000.00")


def test_backdated_assignment_is_refused_in_a_dry_run_too(closed, load):
    assert refused(load, "assignments", "E1,CS-FY22,2021-02-01,,4000.00,1.10,10", dry_run=True)


def test_reimporting_the_full_assignment_extract_changes_nothing(closed, load):
    result = load("assignments", "E1,CS-FY22,2021-02-01,,3000.00,1.10,10")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_assignment_moved_out_of_a_closed_quarter_is_refused_as_stored(closed, load):
    # As in the file it ends before FY22-Q2; as stored it covers it: the quarter read the stored row.
    errors = refused(load, "assignments", "E1,CS-FY22,2021-02-01,2021-04-30,3000.00,1.10,10")
    assert [(line, column, reason.split(":")[0]) for line, column, _, reason in errors] == [
        (2, "end_date", "FY22-Q2 is closed")
    ]


def test_new_assignment_overlapping_a_closed_quarter_is_refused(closed, load):
    make_user(Role.CSM, employee_id="E2")
    assert refused(load, "assignments", "E2,CS-FY22,2021-07-01,,1000.00,,")[0][3].startswith(
        "FY22-Q2 is closed"
    )


def test_assignment_starting_after_the_closed_quarter_is_accepted(closed, load):
    make_user(Role.CSM, employee_id="E2")
    assert load("assignments", "E2,CS-FY22,2021-08-01,,1000.00,,").created == 1


def test_ownership_dated_on_or_before_a_closed_quarters_end_is_refused(closed, load):
    make_user(Role.CSM, employee_id="E2")
    errors = refused(load, "ownership", "C1,E2,2021-07-01", "C2,E2,2019-01-01", "C3,E2,2021-08-01")
    assert [(line, column) for line, column, *_ in errors] == [(2, "start_date"), (3, "start_date")]
    assert "ownership rows dated on or before its end" in errors[0][3]
    # After the last closed quarter's end a new owner is fine; the stored extract is no change.
    assert load("ownership", "C3,E2,2021-08-01").created == 1
    assert load("ownership", "C1,E1,2020-01-01", "C2,E1,2020-01-01").unchanged == 2
    assert Ownership.objects.count() == 4


def test_arr_dated_on_or_before_a_closed_quarters_end_is_refused(closed, load):
    errors = refused(load, "arr", "C1,2021-04-01,120000,USD", "C1,2021-05-15,1,USD")
    assert [(line, column) for line, column, *_ in errors] == [(2, "as_of"), (3, "as_of")]
    assert load("arr", "C1,2021-08-15,120000,USD").created == 1
    assert ArrRecord.objects.get(customer__customer_id="C1", as_of="2021-04-01").arr == 100000


def test_scores_dated_inside_a_closed_quarter_are_refused(closed, load):
    errors = refused(load, "scores", "C1,2021-07-30,99", "C1,2021-06-01,50")
    assert [(line, column) for line, column, *_ in errors] == [(2, "as_of"), (3, "as_of")]
    assert "scores dated in it" in errors[0][3]
    assert load("scores", "C1,2021-08-02,60", "C1,2021-04-30,41").created == 2
    assert ScoreObservation.objects.get(customer__customer_id="C1", as_of="2021-07-30").score == 55


def test_activities_dated_inside_a_closed_quarter_are_refused(closed, load):
    errors = refused(load, "activities", "C1,2021-07-30,qbr,", "C1,2021-05-01,onboarding_completed,")
    assert [(line, column) for line, column, *_ in errors] == [(2, "date"), (3, "date")]
    assert "FY22-Q2 is closed: activities dated in it cannot change" in errors[0][3]
    # Before or after the closed quarter an activity imports; the stored row again is no change.
    assert load("activities", "C1,2021-04-30,qbr,", "C1,2021-08-02,nps,40").created == 2
    assert load("activities", "C1,2021-04-30,qbr,").unchanged == 1
    assert Activity.objects.count() == 2


def test_bulk_scores_api_is_refused_like_the_import(closed, ops):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(ops, 'test')[1]}")
    response = client.post(
        "/api/scores/", [{"customer_id": "C1", "as_of": "2021-07-30", "score": "99"}], format="json"
    )
    assert response.status_code == 400, response.json()
    assert "FY22-Q2 is closed: scores dated in it" in response.json()["error"]["details"][0]["reason"]


def test_api_upload_of_a_backdated_assignment_is_refused_like_the_command(closed, ops):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(ops, 'test')[1]}")
    upload = SimpleUploadedFile(
        "assignments.csv", f"{HEADERS['assignments']}\nE1,CS-FY22,2021-02-01,,4000.00,1.10,10\n".encode()
    )
    _, job = import_through_api(client, "assignments", upload)
    assert job["status"] == "refused", job  # by the job's dry run (docs/imports.md "The API")
    assert job["errors"][0]["reason"].startswith("FY22-Q2 is closed: assignments")
    assert Assignment.objects.get().on_target_amount == Decimal("3000.00")


def test_customer_start_date_read_by_a_closed_quarter_is_refused(closed, load):
    errors = refused(load, "customers", "C3,Initech,AMER,2021-03-01,mid")
    assert [(line, column, value) for line, column, value, _ in errors] == [(2, "start_date", "2021-03-01")]
    assert "start dates of its customers" in errors[0][3]
    # What a run does not read (name, geo, segment) may change; a new customer is in no closed book.
    result = load("customers", "C3,Initech Ltd,EMEA,2021-06-15,smb", "C9,New,AMER,2018-01-01,mid")
    assert (result.created, result.updated) == (1, 1)
    assert Customer.objects.get(customer_id="C3").geo == "EMEA"


def test_a_start_date_moved_past_the_closed_quarter_names_the_stored_and_the_asked_date(closed, load):
    # Neither the stored date (before the quarter) nor the new one (after it) lies in FY22-Q2: the
    # message says which stored value the quarter read and what was asked for.
    errors = refused(load, "customers", "C3,Initech,AMER,2027-05-26,mid")
    assert [(line, column, value) for line, column, value, _ in errors] == [(2, "start_date", "2027-05-26")]
    assert "start_date is stored as 2021-06-15, read by FY22-Q2, and cannot become 2027-05-26" in errors[0][3]


def test_kpi_fx_and_deal_rows_of_a_closed_quarter_are_refused_by_the_same_rule(closed, load):
    assert refused(load, "kpis", "FY22-Q2,E1,prs,20")[0][:2] == (2, "period")
    assert refused(load, "fx", "FY22-Q2,EUR,1.2")[0][3].startswith("FY22-Q2 is closed: FX rates")
    deal = "D1,C2,expansion,9000,USD,2021-06-01,2021-06-01"
    assert refused(load, "deals", deal)[0][:3] == (2, "booked_on", "2021-06-01")
    assert load("deals", "D1,C2,expansion,7500,USD,2021-06-01,2021-06-01").unchanged == 1


def test_after_reopen_the_backdated_assignment_imports_and_reopen_is_recorded(closed, load, ops):
    reopen_period(period=closed, user=ops, reason="OTI of E1 was raised in May")
    event = PeriodEvent.objects.get(action=PeriodEvent.Action.REOPENED)
    assert (event.user, event.reason) == (ops, "OTI of E1 was raised in May")
    assert load("assignments", "E1,CS-FY22,2021-02-01,,4000.00,1.10,10").updated == 1
