"""The import job (docs/imports.md "Imports in the browser"): a dry run first, then a confirmed write of
the same bytes, all or nothing; each step a compare-and-set, so confirming twice writes once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from adoption.models import Customer, TargetLine
from commissions import tasks
from commissions.models import ImportJob, ImportRecord
from commissions.services.imports import jobs
from core.errors import Conflict, FileTooLarge, NotAllowed
from tests.builders import make_customer, make_snapshot

from .conftest import Upload, csv_text, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["customer_id", "name", "geo", "start_date", "segment"]
GOOD = csv_text(
    [HEADER, ["C1", "Acme", "AMER", "2019-03-01", "enterprise"], ["C2", "Globex", "EMEA", "2020-01-10", ""]]
)
BAD = csv_text([HEADER, ["C1", "Acme", "AMER", "2019-03-01", ""], ["C2", "Globex", "emea", "not-a-date", ""]])


def start(run_now, user, content: str | bytes, name: str = "customers.csv", kind: str = "customers"):
    data = content.encode() if isinstance(content, str) else content
    job = run_now(jobs.start_import_job, kind=kind, file=Upload(data, name), file_name=name, user=user)
    job.refresh_from_db()
    return job


def test_a_dry_run_checks_the_file_and_writes_nothing(run_now, ops):
    job = start(run_now, ops, GOOD)

    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows, job.created, job.updated, job.unchanged) == (2, 2, 0, 0)
    assert job.dry_run_record.status == ImportRecord.Status.DRY_RUN
    assert bytes(job.data) == GOOD.encode()  # kept for the confirmed write
    assert not Customer.objects.exists()


def test_confirming_writes_the_same_bytes_and_clears_them(run_now, ops, other_ops):
    job = start(run_now, ops, GOOD)

    run_now(jobs.confirm_import_job, job=job, user=other_ops)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.APPLIED
    assert (job.created, job.updated, job.unchanged) == (2, 0, 0)
    assert job.confirmed_by == other_ops and job.applied_record.user == other_ops
    assert job.applied_record.sha256 == job.sha256 == job.dry_run_record.sha256
    assert job.data is None and job.finished_at is not None
    assert set(Customer.objects.values_list("customer_id", flat=True)) == {"C1", "C2"}


def test_a_refused_dry_run_lists_every_bad_row_and_writes_nothing(run_now, ops):
    job = start(run_now, ops, BAD)

    assert job.status == ImportJob.Status.REFUSED
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "geo"), (3, "start_date")]
    assert job.error_count == 2 and job.data is None
    assert job.dry_run_record.status == ImportRecord.Status.REFUSED
    assert not Customer.objects.exists()
    with pytest.raises(Conflict):
        jobs.confirm_import_job(job=job, user=ops)


def test_a_workbook_is_checked_and_written_as_a_csv_is(run_now, ops):
    rows = [HEADER, ["C1", "Acme", "AMER", "2019-03-01", "enterprise"], ["C2", "Globex", "EMEA", True, None]]
    refused = start(run_now, ops, xlsx(rows), name="customers.xlsx")
    assert [(e["line"], e["column"], e["value"]) for e in refused.errors] == [(3, "start_date", "TRUE")]

    rows[2][3] = "2020-01-10"
    job = start(run_now, ops, xlsx(rows), name="customers.xlsx")
    run_now(jobs.confirm_import_job, job=job, user=ops)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and Customer.objects.count() == 2


def test_confirming_twice_writes_once(run_now, ops, other_ops):
    job = start(run_now, ops, GOOD)
    run_now(jobs.confirm_import_job, job=job, user=ops)

    with pytest.raises(Conflict, match="applied"):
        jobs.confirm_import_job(job=job, user=other_ops)
    tasks.run_import_job.apply(args=[job.pk])  # a redelivered task finds the step done

    assert ImportRecord.objects.filter(status=ImportRecord.Status.APPLIED).count() == 1
    job.refresh_from_db()
    assert job.confirmed_by == ops and job.attempts == 2  # one dry run, one write


def test_a_change_the_service_refuses_after_the_dry_run_becomes_the_jobs_refusal(run_now, ops, cco):
    make_customer("C1")
    targets = csv_text(
        [
            ["fiscal_year", "customer_id", "baseline_score", "period", "target_score"],
            ["FY22", "C1", 40, "FY22-Q2", 60],
        ]
    )
    job = start(run_now, ops, targets, name="targets.csv", kind="targets")
    assert job.status == ImportJob.Status.VALIDATED
    make_snapshot("FY22", approved_by=cco)  # the CCO approves the year's targets meanwhile

    run_now(jobs.confirm_import_job, job=job, user=ops)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.REFUSED
    assert job.applied_record.status == ImportRecord.Status.REFUSED
    assert "approved" in job.errors[0]["reason"] or "frozen" in job.errors[0]["reason"]
    assert not TargetLine.objects.filter(customer__customer_id="C1").exists()


def test_only_a_person_who_may_import_starts_or_confirms_a_job(run_now, ops, cco):
    with pytest.raises(NotAllowed):
        jobs.start_import_job(
            kind="customers", file=Upload(GOOD.encode(), "c.csv"), file_name="c.csv", user=cco
        )
    job = start(run_now, ops, GOOD)

    with pytest.raises(NotAllowed):
        jobs.confirm_import_job(job=job, user=cco)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_an_unknown_kind_an_empty_or_a_too_large_file_is_refused_before_it_is_stored(ops, settings):
    with pytest.raises(Exception, match="Unknown import kind"):
        jobs.start_import_job(kind="plans", file=Upload(b"x", "p.csv"), file_name="p.csv", user=ops)
    with pytest.raises(Exception, match="is empty"):
        jobs.start_import_job(kind="customers", file=Upload(b"", "c.csv"), file_name="c.csv", user=ops)
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(FileTooLarge, match="MAX_UPLOAD_BYTES"):
        jobs.start_import_job(
            kind="customers", file=Upload(GOOD.encode(), "c.csv"), file_name="c.csv", user=ops
        )
    assert not ImportJob.objects.exists()


def test_a_crash_marks_the_job_failed_never_left_checking(run_now, ops, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_file", crash)
    job = start(run_now, ops, GOOD)

    assert job.status == ImportJob.Status.FAILED
    assert "RuntimeError: disk on fire" in job.notes and job.data is None


def test_discarding_a_checked_job_clears_its_bytes(run_now, ops):
    job = start(run_now, ops, GOOD)

    jobs.discard_import_job(job=job, user=ops)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.ABANDONED and job.data is None
    with pytest.raises(Conflict):
        jobs.confirm_import_job(job=job, user=ops)


def test_the_sweep_fails_lost_steps_and_abandons_unconfirmed_jobs(run_now, ops):
    lost = ImportJob.objects.create(kind="customers", file_name="a.csv", sha256="0" * 64, data=b"x", user=ops)
    ImportJob.objects.filter(pk=lost.pk).update(
        status="validating", updated_at=timezone.now() - timedelta(hours=3)
    )
    waiting = start(run_now, ops, GOOD)
    ImportJob.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=2))
    fresh = start(run_now, ops, GOOD)

    assert jobs.sweep_import_jobs() == {"failed": 1, "abandoned": 1}

    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "failed", waiting.pk: "abandoned", fresh.pk: "validated"}
    assert ImportJob.objects.get(pk=lost.pk).data is None
