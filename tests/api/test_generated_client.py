"""A client generated from /api/schema/ by openapi-python-client does the quarter's jobs against a live
server (docs/api.md): every file of the worked example imported through the job endpoints (upload, poll,
confirm, poll), the snapshot approved with a comment on the revision read, finance's sign-off, the payroll
downloaded (2 decimals, the worked example's 2,333.33), a request filed by a Geo VP and approved by the
CCO and by finance (approvals/steps.py), the people listed and a CSM's inquiry answered. Every answer
must parse into the generated types: the client raises on any status the schema does not document.

The generator runs offline from the installed package (a dev dependency). Each import job's step runs in
the live server's process, as an eager worker does, also with REDIS_URL set (CI)."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Role, User
from api.tokens import create_token
from approvals import services as approvals
from approvals.models import Request
from commissions.models import Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import KINDS, WORKED

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "attain_client"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _import_jobs_in_process(monkeypatch):
    from commissions import tasks

    monkeypatch.setattr(
        tasks.run_import_job, "delay", lambda job_id: tasks.run_import_job.apply(args=[job_id])
    )


@pytest.fixture
def generated(live_server, tmp_path, monkeypatch):
    """The package openapi-python-client generates from the live server's /api/schema/, imported."""
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=60) as response:  # noqa: S310
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter run on the generated code
    command = [str(GENERATOR), "generate", "--path", str(tmp_path / "schema.json")]
    command += [
        "--output-path",
        str(tmp_path / PACKAGE),
        "--meta",
        "none",
        "--config",
        str(tmp_path / "config.yaml"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator warns of every part of the schema it could not turn into code: there must be none.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    package = importlib.import_module(PACKAGE)
    yield package
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


class Api:
    """The generated client of one person (a personal token); ``call`` checks the status and the type."""

    def __init__(self, package, base_url: str, user):
        _, key = create_token(user, "generated client")
        self.client = package.AuthenticatedClient(
            base_url=base_url, token=key, raise_on_unexpected_status=True
        )

    def call(self, operation: str, expected_status: int, expected_type: str, *args, **kwargs):
        tag, _ = operation.split(".")
        function = module(f"api.{tag}.{operation.split('.')[1]}")
        response = function.sync_detailed(*args, client=self.client, **kwargs)
        assert response.status_code == expected_status, (operation, response.status_code, response.content)
        parsed = response.parsed
        if expected_type == "str":
            assert isinstance(parsed, str), (operation, type(parsed))
        else:
            model = getattr(module("models"), expected_type)
            assert isinstance(parsed, model), (operation, type(parsed), response.content)
        return parsed, response


def import_file(api: Api, kind: str, path: Path):
    """Upload, poll, confirm, poll: one import job through the generated client (docs/imports.md)."""
    models, types = module("models"), module("types")
    body = models.ImportUpload(
        kind=models.ImportKindEnum(kind),
        file=types.File(payload=io.BytesIO(path.read_bytes()), file_name=path.name, mime_type="text/csv"),
    )
    job, response = api.call("imports.imports_create", 202, "ImportJob", body=body)
    assert response.headers["Location"] == f"/api/imports/jobs/{job.id}/"
    job = wait(api, job.id)
    assert job.status == models.ImportJobStatusEnum.VALIDATED, (kind, job.errors)
    assert job.created == job.rows > 0 and isinstance(job.links.confirm, str)
    api.call("imports.imports_jobs_confirm", 202, "ImportJob", job.id)
    job = wait(api, job.id)
    assert job.status == models.ImportJobStatusEnum.APPLIED, (kind, job.errors)
    return job


def wait(api: Api, job_id: int):
    deadline = time.monotonic() + 60
    while True:
        job, _ = api.call("imports.imports_jobs_retrieve", 200, "ImportJob", job_id)
        if not job.waiting:
            return job
        assert time.monotonic() < deadline, f"import job {job_id} still {job.status}"
        time.sleep(0.1)


def test_a_generated_client_imports_approves_signs_off_and_downloads_payroll(live_server, generated):
    models = module("models")
    ops = make_user(Role.OPS, Role.ADMIN, geo="", email="ops@example.com")  # admin too: the file gives roles
    cco = make_user(Role.CCO, geo="", email="cco@example.com")
    finance = make_user(Role.FINANCE, geo="", email="finance@example.com")
    csvp = make_user(Role.CSVP, geo="AMER", email="csvp@example.com")
    as_ops, as_cco, as_finance, as_csvp = (
        Api(generated, live_server.url, who) for who in (ops, cco, finance, csvp)
    )

    # 1. The worked example's files, each an import job; the history lists what they did.
    for kind in KINDS:
        import_file(as_ops, kind, WORKED / f"{kind}.csv")
    load_plan(source=(WORKED / "plan.yaml").read_text())
    import_file(as_ops, "assignments", WORKED / "assignments.csv")
    history, _ = as_finance.call(
        "imports.imports_list", 200, "PaginatedImportRecordList", kind=models.ImportsListKind.CUSTOMERS
    )
    assert [record.status for record in history.results] == [
        models.ImportRecordStatusEnum.APPLIED,
        models.ImportRecordStatusEnum.DRY_RUN,
    ]

    # The people the employees file brought, as the scoped employees list shows them to ops.
    people, _ = as_ops.call(
        "employees.employees_list", 200, "PaginatedEmployeeList", role=models.EmployeesListRole.CSM
    )
    assert [(person.employee_id, person.roles) for person in people.results] == [
        ("E1", [models.RoleEnum.CSM])
    ]

    # 2. The CCO approves the targets as reviewed: the revision read, with a comment.
    snapshots, _ = as_cco.call("snapshots.snapshots_list", 200, "PaginatedSnapshotList")
    (draft,) = snapshots.results
    approval = models.SnapshotApprove(comment="Reviewed with the geo VPs.", revision=draft.revision)
    approved, _ = as_cco.call("snapshots.snapshots_approve", 200, "Snapshot", "FY22", body=approval)
    assert approved.status == models.SnapshotStatusEnum.APPROVED
    assert approved.approval_comment == "Reviewed with the geo VPs."

    # 3. The quarter calculated and closed by ops; finance signs off through the API; payroll downloaded.
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    close_period(period=period, user=ops)
    refused, _ = as_ops.call("payouts.payouts_csv", 409, "Error", period="FY22-Q2")
    assert refused.error.code == "conflict" and "not signed off by finance yet" in refused.error.message
    state, _ = as_finance.call("periods.periods_sign_off_retrieve", 200, "SignOffState", "FY22-Q2")
    assert state.status == models.SignOffStateStatusEnum.AWAITING_SIGN_OFF and state.sign_off is None
    signed, _ = as_finance.call(
        "periods.periods_sign_off_create",
        201,
        "SignOffState",
        "FY22-Q2",
        body=models.SignOffInput(comment="Totals checked against the on-target amounts."),
    )
    assert signed.status == models.SignOffStateStatusEnum.SIGNED_OFF
    assert signed.sign_off.signed_by == "finance@example.com"
    assert signed.sign_off.totals.additional_properties["CS-FY22"]["USD"] == "2333.33"
    payroll, response = as_finance.call("payouts.payouts_csv", 200, "str", period="FY22-Q2")
    assert response.headers["Content-Type"].startswith("text/csv")
    header, *rows = payroll.splitlines()
    assert header == "period,employee_id,email,plan,currency,amount,type,restates"
    amounts = [row.split(",")[5] for row in rows]
    assert all(len(amount.partition(".")[2]) == 2 for amount in amounts), amounts  # 2 decimals (DESIGN §6)
    assert rows == ["FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,"]  # the worked example
    assert sum(Decimal(amount) for amount in amounts) == Decimal("2333.33")

    # 4. A request of the next quarter: filed by the Geo VP, approved by the CCO, then by finance (an
    #    exception takes both steps, approvals/steps.py), applied by ops.
    get_period("FY22-Q3")
    filing = models.RequestFile(
        kind=models.RequestKindEnum.EXCEPTION,
        customer_id="C1",
        period="FY22-Q3",
        value="1.1",
        justification="The customer's telemetry was down for six weeks.",
    )
    filed, _ = as_csvp.call("requests.requests_file", 201, "Request", body=filing)
    assert filed.status == models.RequestStatusEnum.PENDING_CCO
    decision = models.Decision(comment="Checked against the outage report.")
    by_cco, response = as_cco.call("requests.requests_approve", 200, "Request", str(filed.id), body=decision)
    assert by_cco.status == models.RequestStatusEnum.PENDING_FINANCE
    by_finance, _ = as_finance.call(
        "requests.requests_approve",
        200,
        "Request",
        str(filed.id),
        body=decision,
        if_match=response.headers["ETag"],
    )
    assert by_finance.status == models.RequestStatusEnum.APPROVED
    applied, _ = as_ops.call("requests.requests_apply", 200, "Request", str(filed.id), body=decision)
    assert applied.status == models.RequestStatusEnum.APPLIED
    assert Request.objects.get().status == Request.Status.APPLIED

    # 5. The CSM's inquiry about the statement, answered by ops through the API.
    inquiry = approvals.open_inquiry(
        user=User.objects.get(employee_id="E1"),
        period=period,
        message="Why is Initech not in my credit?",
        component="Adoption",
    )
    answer = models.Reply(body="Initech started after the quarter's first day: held harmless (DESIGN §4).")
    answered, _ = as_ops.call("inquiries.inquiries_reply", 201, "Inquiry", str(inquiry.pk), body=answer)
    assert answered.status == models.InquiryStatusEnum.ANSWERED
    assert [message.author for message in answered.messages] == ["ops@example.com"]


def test_the_generated_client_parses_every_refusal_it_meets(live_server, generated):
    """A refused file, a stale confirmation and a wrong role answer documented statuses in the error shape."""
    models, types = module("models"), module("types")
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    as_ops, as_csm = Api(generated, live_server.url, ops), Api(generated, live_server.url, csm)
    get_period("FY22-Q2")
    bad = b"customer_id,name,geo,start_date,segment\nC1,Acme,AMER,2021-13-01,mid\n"
    body = models.ImportUpload(
        kind=models.ImportKindEnum.CUSTOMERS, file=types.File(payload=io.BytesIO(bad), file_name="bad.csv")
    )
    job, _ = as_ops.call("imports.imports_create", 202, "ImportJob", body=body)
    job = wait(as_ops, job.id)
    assert job.status == models.ImportJobStatusEnum.REFUSED and job.error_count == 1
    assert (job.errors[0].line, job.errors[0].column) == (2, "start_date")
    conflict, _ = as_ops.call("imports.imports_jobs_confirm", 409, "Error", job.id)
    assert conflict.error.code == "conflict"
    forbidden, _ = as_csm.call("imports.imports_create", 403, "Error", body=body)
    assert forbidden.error.code == "not_allowed"
    not_finance, _ = as_ops.call(
        "periods.periods_sign_off_create",
        403,
        "Error",
        "FY22-Q2",
        body=models.SignOffInput(comment="Totals checked against the on-target amounts."),
    )
    assert not_finance.error.code == "not_allowed"
    assert json.loads(json.dumps(job.to_dict()))["status"] == "refused"  # the types round-trip
