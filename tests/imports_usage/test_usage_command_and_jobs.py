"""A usage file through ``import_csv`` and through an import job (upload, dry run, confirm, write): the
same service, so the same counts and the same refusals (docs/imports.md "Imports in the browser")."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from adoption.models import UsageRecord
from commissions.models import ImportJob, ImportRecord
from commissions.services.imports import KINDS
from commissions.services.imports.jobs import confirm_import_job, start_import_job
from tests.builders import make_user

from .conftest import USAGE, lines

pytestmark = pytest.mark.django_db

GOOD = lines(USAGE, "C1,2026-02-01,active_users,12", "C2,2026-02-01,active_users,3")


@pytest.fixture
def run_jobs(monkeypatch, django_capture_on_commit_callbacks):
    """Run the job steps queued on commit at once, in this process (as an eager worker does)."""
    from commissions import tasks

    monkeypatch.setattr(
        tasks.run_import_job, "delay", lambda job_id: tasks.run_import_job.apply(args=[job_id])
    )

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_usage_and_milestones_are_import_kinds():
    assert {"usage", "milestones"} <= set(KINDS)


def test_the_command_imports_a_usage_file_and_prints_its_counts(customers, csv_file):
    path = csv_file(GOOD)
    out = StringIO()
    call_command("import_csv", "usage", str(path), "--dry-run", stdout=out)
    assert out.getvalue() == "usage: 2 rows — 2 created, 0 updated, 0 unchanged (dry run)\n"
    assert not UsageRecord.objects.exists()
    call_command("import_csv", "usage", str(path), stdout=out)
    call_command("import_csv", "usage", str(path), stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        "usage: 2 rows — 2 created, 0 updated, 0 unchanged",
        "usage: 2 rows — 0 created, 0 updated, 2 unchanged",
    ]
    assert UsageRecord.objects.count() == 2


def test_the_command_prints_every_error_of_a_refused_usage_file(customers, csv_file):
    path = csv_file(lines(USAGE, "C1,2026-02-01,logins,1", "C1,2026-02-01,logins,x"))
    err = StringIO()
    with pytest.raises(CommandError, match="refused with 1 error"):
        call_command("import_csv", "usage", str(path), stderr=err)
    assert err.getvalue() == "line 3, column value, value 'x': not a whole number\n"
    assert not UsageRecord.objects.exists()


def test_a_usage_job_is_checked_then_written_when_confirmed(customers, run_jobs):
    ops = make_user(Role.OPS, email="ops@example.com")
    upload = SimpleUploadedFile("usage.csv", GOOD.encode(), content_type="text/csv")
    job = run_jobs(start_import_job, kind="usage", file=upload, file_name="usage.csv", user=ops)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows, job.created, job.updated, job.unchanged) == (2, 2, 0, 0)
    assert not UsageRecord.objects.exists()
    job = run_jobs(confirm_import_job, job=job, user=ops)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and job.created == 2
    assert UsageRecord.objects.count() == 2
    assert job.applied_record.sha256 == ImportRecord.objects.filter(kind="usage").first().sha256


def test_a_usage_job_with_a_bad_row_is_refused_by_its_dry_run(customers, run_jobs):
    ops = make_user(Role.OPS, email="ops@example.com")
    upload = SimpleUploadedFile("usage.csv", (GOOD + "C3,2026-02-01,logins,1\n").encode())
    job = run_jobs(start_import_job, kind="usage", file=upload, file_name="usage.csv", user=ops)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert job.errors == [
        {
            "line": 4,
            "column": "customer_id",
            "value": "C3",
            "reason": "unknown customer 'C3': not in the database",
        }
    ]
    assert not UsageRecord.objects.exists()
