"""docs/api_client.py, run as a separate process against a live server: it imports the worked
example's files — each an import job it uploads, polls, confirms and polls (docs/imports.md "The API") —
and downloads the closed quarter's payroll CSV (the example client runs in CI)."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Role
from adoption.models import Customer
from adoption.services import approve_snapshot
from api.tokens import create_token
from commissions.models import ImportJob, Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user, sign_off

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "docs" / "api_client.py"
WORKED = ROOT / "fixtures" / "worked"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _import_jobs_in_process(monkeypatch):
    """The live server runs each import job's step in its own process, as an eager worker does — also with
    REDIS_URL set (CI), whose broker has no worker here."""
    from commissions import tasks

    monkeypatch.setattr(
        tasks.run_import_job, "delay", lambda job_id: tasks.run_import_job.apply(args=[job_id])
    )


def client(live_server, key: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CLIENT), "--url", live_server.url, f"--token={key}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_example_client_imports_files_and_downloads_payroll(live_server, tmp_path):
    ops = make_user(Role.OPS, Role.ADMIN, email="ops@example.com")  # admin too: the file gives roles
    cco = make_user(Role.CCO, email="cco@example.com")
    _, key = create_token(ops, "example client")
    for kind in ("employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis"):
        result = client(live_server, key, "import", kind, str(WORKED / f"{kind}.csv"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{kind}: ")
    load_plan(source=(WORKED / "plan.yaml").read_text())
    assert client(live_server, key, "import", "assignments", str(WORKED / "assignments.csv")).returncode == 0
    approve_snapshot(fiscal_year="FY22", user=cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    close_period(period=period, user=ops)
    target = tmp_path / "payroll.csv"
    refused = client(live_server, key, "payouts", "FY22-Q2", "-o", str(target))
    assert refused.returncode != 0 and "not signed off by finance yet" in refused.stderr  # the API's 409
    sign_off(period)  # the payroll export waits for finance's sign-off (DESIGN §5)

    result = client(live_server, key, "payouts", "FY22-Q2", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text() == (
        "period,employee_id,email,plan,currency,amount,type,restates\n"
        "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,\n"
    )


def test_example_client_dry_run_checks_and_writes_nothing(live_server):
    ops = make_user(Role.OPS)
    _, key = create_token(ops, "example client")
    result = client(live_server, key, "import", "customers", str(WORKED / "customers.csv"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("customers: ") and "(dry run)" in result.stdout
    assert not Customer.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.ABANDONED  # its stored file dropped


def test_example_client_prints_every_bad_row_of_a_refused_import(live_server, tmp_path):
    ops = make_user(Role.OPS)
    _, key = create_token(ops, "example client")
    bad = tmp_path / "customers.csv"
    bad.write_text(
        "customer_id,name,geo,start_date,segment\nC1,Acme,AMER,2021-13-01,mid\nC2,,AMER,2021-01-01,mid\n"
    )
    result = client(live_server, key, "import", "customers", str(bad))
    assert result.returncode == 1
    assert "line 2, column start_date, value '2021-13-01'" in result.stderr
    assert "line 3, column name" in result.stderr


def test_create_api_token_command_prints_the_key_once():
    ops = make_user(Role.OPS, email="ops2@example.com")
    out = StringIO()
    call_command("create_api_token", "--user", ops.email, "--name", "payroll", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ops.api_tokens.get()
    assert key.startswith(token.prefix) and key not in token.key_hash
