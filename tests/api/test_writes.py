"""The write endpoints: each one's success, one refusal and a wrong role, in the API's error shape."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from approvals.models import Request
from commissions import tasks
from commissions.models import Assignment, Deal, KpiActual, Period, Run
from commissions.services.imports import import_file
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from tests.builders import make_customer, sign_off
from tests.quarter.conftest import KINDS, WORKED, load_worked_example

PERIOD = "FY22-Q2"


def upload(client, kind: str, content: bytes, **extra):
    file = SimpleUploadedFile(f"{kind}.csv", content, content_type="text/csv")
    return client.post("/api/imports/", {"kind": kind, "file": file, **extra}, format="multipart")


def imported_rows() -> dict[str, list[tuple]]:
    """The worked example's rows by natural fields (no ids, no timestamps)."""
    tables = {
        "employees": User.objects.exclude(employee_id="").values_list("employee_id", "email", "name", "geo"),
        "customers": Customer.objects.values_list("customer_id", "name", "geo", "segment", "start_date"),
        "ownership": Ownership.objects.values_list("customer__customer_id", "employee__email", "start_date"),
        "arr": ArrRecord.objects.values_list("customer__customer_id", "as_of", "arr", "currency"),
        "targets": TargetLine.objects.values_list(
            "snapshot__fiscal_year", "customer__customer_id", "period", "baseline_score", "target_score"
        ),
        "scores": ScoreObservation.objects.values_list("customer__customer_id", "as_of", "score"),
        "deals": Deal.objects.values_list("deal_id", "customer__customer_id", "type", "arr_delta"),
        "kpis": KpiActual.objects.values_list("period", "employee__email", "kpi", "value"),
        "assignments": Assignment.objects.values_list(
            "employee__email", "plan__code", "start_date", "on_target_amount", "nrr_goal", "kpi_goal"
        ),
    }
    return {name: sorted(rows, key=repr) for name, rows in tables.items()}


# --- imports ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_worked_example_imported_through_the_api_matches_the_import_service(people, client_for, api_import):
    # An import is a job (docs/imports.md "The API"): upload (202), its dry run, confirm (202), its writing.
    client = client_for("ops")
    for kind in KINDS:
        # The employees file gives roles: an admin's act (access.may_change_roles), not ops'.
        importer = client_for("admin") if kind == "employees" else client
        response, job = api_import(importer, kind, (WORKED / f"{kind}.csv").read_bytes())
        assert response.status_code == 202, response.json()
        assert job["status"] == "applied", job
        assert job["kind"] == kind and len(job["sha256"]) == 64
        assert job["created"] == job["rows"] > 0
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")
    _, assignments = api_import(client, "assignments", (WORKED / "assignments.csv").read_bytes())
    assert assignments["status"] == "applied"
    through_api = imported_rows()
    assert all(through_api.values())

    # The command's service, given the same files, finds every row already as it would have written it.
    for kind in [*KINDS, "assignments"]:
        result = import_file(kind=kind, path=WORKED / f"{kind}.csv")
        assert (result.created, result.updated) == (0, 0), kind
        assert result.unchanged == result.rows
    assert imported_rows() == through_api


@pytest.mark.django_db
def test_an_import_writes_nothing_until_it_is_confirmed(people, client_for, api_import):
    content = (WORKED / "customers.csv").read_bytes()
    _, job = api_import(client_for("ops"), "customers", content, confirm=False)
    assert job["status"] == "validated" and job["created"] == job["rows"] > 0
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_refused_import_answers_every_row_error_and_writes_nothing(people, client_for, api_import):
    content = (
        b"customer_id,name,geo,start_date,segment\n"
        b"C1,Acme,AMER,not-a-date,enterprise\n"
        b"C2,,AMER,2020-01-01,mid\n"
    )
    _, job = api_import(client_for("ops"), "customers", content)
    assert job["status"] == "refused"
    assert {(row["line"], row["column"]) for row in job["errors"]} >= {(2, "start_date")}
    assert all(set(row) == {"line", "column", "value", "reason"} for row in job["errors"])
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_unknown_import_kind_is_400(people, client_for):
    response = upload(client_for("ops"), "nonsense", b"a\n1\n")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csm", "cco", "finance"])
def test_import_is_for_ops_only(people, client_for, persona):
    response = upload(client_for(persona), "customers", (WORKED / "customers.csv").read_bytes())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    assert not Customer.objects.exists()


# --- snapshot approval ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cco_approves_a_snapshot_once(world, client_for):
    client = client_for("cco")
    response = client.post("/api/snapshots/FY22/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == Snapshot.Status.APPROVED
    assert response.json()["approved_by"] == "cco@example.com"

    again = client.post("/api/snapshots/FY22/approve/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "snapshot_frozen"


@pytest.mark.django_db
def test_unknown_or_unreadable_fiscal_year_is_refused(world, client_for):
    assert client_for("cco").post("/api/snapshots/FY30/approve/").status_code == 404
    assert client_for("cco").post("/api/snapshots/nonsense/approve/").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csvp", "ops", "finance"])
def test_only_a_cco_approves_a_snapshot(world, client_for, persona):
    response = client_for(persona).post("/api/snapshots/FY22/approve/")
    assert response.status_code == 403
    assert Snapshot.objects.get(fiscal_year="FY22").status == Snapshot.Status.DRAFT


# --- pulls --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ops_pulls_the_quarter_scores(world, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": PERIOD}, format="json")
    assert response.status_code == 201
    assert response.json()["customers"] == 3
    assert response.json()["period"] == PERIOD


@pytest.mark.django_db
def test_pull_of_a_closed_quarter_is_409(world, people, client_for):
    Period.objects.filter(code=PERIOD).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=people["ops"]
    )
    response = client_for("ops").post("/api/pulls/", {"period": PERIOD}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "period_closed"


@pytest.mark.django_db
def test_pull_of_an_unreadable_period_is_400(world, client_for):
    assert client_for("ops").post("/api/pulls/", {"period": "FY22-Q9"}, format="json").status_code == 400
    assert client_for("ops").post("/api/pulls/", {}, format="json").status_code == 400


@pytest.mark.django_db
def test_pull_is_for_ops_only(world, client_for):
    assert client_for("csm").post("/api/pulls/", {"period": PERIOD}, format="json").status_code == 403


# --- runs ---------------------------------------------------------------------------------------------------


@pytest.fixture
def worked(people):
    load_worked_example(people["cco"])


@pytest.fixture
def inline_tasks(monkeypatch):
    monkeypatch.setattr(
        tasks.calculate_plan, "delay", lambda *args, **kwargs: tasks.calculate_plan(*args, **kwargs)
    )


@pytest.mark.django_db
def test_ops_starts_a_run_that_calculates_on_commit(
    worked, people, client_for, inline_tasks, django_capture_on_commit_callbacks
):
    pull_scores(period=get_period(PERIOD))
    client = client_for("ops")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/runs/", {"period": PERIOD, "plan": "CS-FY22"}, format="json")
    assert response.status_code == 202
    assert response.json() == {
        "url": f"/api/runs/?period={PERIOD}&plan=CS-FY22",
        "plan": "CS-FY22",
        "queued": True,
        "message": "CS-FY22: v1 queued",
    }
    run = Run.objects.get(period__code=PERIOD, plan__code="CS-FY22")
    assert run.status == Run.Status.SUCCEEDED
    assert (run.trigger, run.started_by.email) == ("api", "ops@example.com")
    listed = client.get(response.json()["url"]).json()
    assert [row["id"] for row in listed["results"]] == [run.pk]


@pytest.mark.django_db
def test_run_without_a_pull_is_refused_and_nothing_is_queued(
    worked, client_for, inline_tasks, django_capture_on_commit_callbacks
):
    get_period(PERIOD)  # the quarter is stored; it has no pull
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for("ops").post("/api/runs/", {"period": PERIOD, "plan": "CS-FY22"}, format="json")
    assert response.status_code == 400
    assert "pull the scores" in response.json()["error"]["message"]
    assert callbacks == [] and not Run.objects.exists()


@pytest.mark.django_db
def test_run_of_an_unknown_plan_is_404(worked, client_for):
    response = client_for("ops").post("/api/runs/", {"period": PERIOD, "plan": "NOPE"}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csm", "cco"])
def test_runs_are_started_by_ops_only(worked, client_for, persona):
    response = client_for(persona).post("/api/runs/", {"period": PERIOD, "plan": "CS-FY22"}, format="json")
    assert response.status_code == 403
    assert not Run.objects.exists()


@pytest.mark.django_db
def test_runs_list_still_reads(world, client_for):
    assert client_for("csm").get("/api/runs/").json()["count"] == 1


# --- payroll CSV --------------------------------------------------------------------------------------------


def close_with_final_run(world, people):
    """Closed, and signed off by finance: the payroll export waits for the sign-off (DESIGN §5)."""
    Run.objects.filter(pk=world["run"].pk).update(is_final=True)
    Period.objects.filter(code=PERIOD).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=people["ops"]
    )
    sign_off(Period.objects.get(code=PERIOD))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ops", "finance"])
def test_payroll_csv_of_a_closed_quarter(world, people, client_for, persona):
    close_with_final_run(world, people)
    response = client_for(persona).get(f"/api/payouts.csv?period={PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "period,employee_id,email,plan,currency,amount,type,restates"
    assert len(lines) == 4 and any("csm@example.com" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cco", "admin"])
def test_payroll_csv_is_refused_to_the_cco_and_admins(world, people, client_for, persona):
    """Ops exports payroll and finance downloads it (DESIGN §1); the CCO and admins do not."""
    close_with_final_run(world, people)
    response = client_for(persona).get(f"/api/payouts.csv?period={PERIOD}")
    assert response.status_code == 403
    assert "the payroll export needs the ops or finance role" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_payroll_csv_detail_and_accept_header(world, people, client_for):
    close_with_final_run(world, people)
    response = client_for("finance").get(f"/api/payouts.csv?period={PERIOD}&detail=1", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response.content.decode().startswith("period,employee_id,plan,component")


@pytest.mark.django_db
def test_payroll_csv_of_an_open_quarter_is_refused(world, client_for):
    response = client_for("finance").get(f"/api/payouts.csv?period={PERIOD}")
    # A conflict with the quarter's state, as a closed quarter not signed off yet is (409 both).
    assert response.status_code == 409
    assert "not closed" in response.json()["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csm", "csvp"])
def test_payroll_csv_is_not_for_csms_or_vps(world, people, client_for, persona):
    close_with_final_run(world, people)
    assert client_for(persona).get(f"/api/payouts.csv?period={PERIOD}").status_code == 403


# --- requests -----------------------------------------------------------------------------------------------

JUSTIFICATION = "The customer's telemetry was down for six weeks."


@pytest.fixture
def acme(people):
    get_period(PERIOD)  # a stored open quarter: one the filing page offers
    return make_customer("ACME", geo="AMER", owner=people["csm"])


def file(client, kind="exception", value="1.2"):
    data = {
        "kind": kind,
        "customer_id": "ACME",
        "period": PERIOD,
        "value": value,
        "justification": JUSTIFICATION,
    }
    return client.post("/api/requests/", data, format="json")


@pytest.mark.django_db
def test_vp_files_a_request(acme, client_for):
    response = file(client_for("csvp"))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == Request.Status.PENDING_CCO
    assert body["customer"] == "ACME" and body["filed_by"] == "csvp@example.com"
    assert Decimal(body["value"]) == Decimal("1.2")


@pytest.mark.django_db
def test_request_with_a_value_over_the_cap_is_400(acme, client_for):
    response = file(client_for("csvp"), value="9")
    assert response.status_code == 400
    assert "customer cap" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_csm_cannot_file_a_request(acme, client_for):
    assert file(client_for("csm")).status_code == 403
    assert file(client_for("emea_csm")).status_code == 404  # not in their book: not revealed


@pytest.mark.django_db
def test_cco_then_finance_approve_then_ops_applies(acme, client_for):
    pk = file(client_for("csvp")).json()["id"]
    cco = client_for("cco").post(f"/api/requests/{pk}/approve/", {"comment": "ok"}, format="json")
    assert cco.status_code == 200 and cco.json()["status"] == Request.Status.PENDING_FINANCE
    finance = client_for("finance").post(f"/api/requests/{pk}/approve/", {"comment": "ok"}, format="json")
    assert finance.json()["status"] == Request.Status.APPROVED
    applied = client_for("ops").post(f"/api/requests/{pk}/apply/", {}, format="json")
    assert applied.status_code == 200 and applied.json()["status"] == Request.Status.APPLIED


@pytest.mark.django_db
def test_a_decision_without_a_comment_is_400(acme, client_for):
    pk = file(client_for("csvp")).json()["id"]
    response = client_for("cco").post(f"/api/requests/{pk}/reject/", {"comment": " "}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Every decision carries a comment."


@pytest.mark.django_db
def test_the_wrong_role_cannot_decide(acme, client_for):
    pk = file(client_for("csvp")).json()["id"]
    response = client_for("finance").post(f"/api/requests/{pk}/approve/", {"comment": "ok"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    # Ops may apply, but not a request still waiting for its approvals: its state refuses it (409).
    refused = client_for("ops").post(f"/api/requests/{pk}/apply/", {}, format="json")
    assert (
        refused.status_code == 409
        and "only an approved request is applied" in refused.json()["error"]["message"]
    )


@pytest.mark.django_db
def test_filer_withdraws_and_no_one_else_can(acme, client_for):
    pk = file(client_for("csvp")).json()["id"]
    assert client_for("cco").post(f"/api/requests/{pk}/withdraw/", {}, format="json").status_code == 403
    response = client_for("csvp").post(f"/api/requests/{pk}/withdraw/", {"comment": "moot"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Request.Status.WITHDRAWN


@pytest.mark.django_db
def test_a_request_out_of_scope_is_404(acme, client_for):
    pk = file(client_for("csvp")).json()["id"]
    response = client_for("emea_csm").post(f"/api/requests/{pk}/withdraw/", {}, format="json")
    assert response.status_code == 404
    assert (
        client_for("cco").post("/api/requests/999999/approve/", {"comment": "x"}, format="json").status_code
        == 404
    )
