"""Read paths of the Imports page (docs/imports.md "Imports in the browser"): import jobs, the import
history and one import record, and the kinds a person may import. Never the jobs' uploaded bytes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.models import User
from commissions.models import ImportJob, ImportRecord
from commissions.services.imports import KINDS
from commissions.services.imports.freshness import out_of_date
from commissions.services.imports.jobs import NOTHING_TO_IMPORT

JOBS_SHOWN = 20
RECORDS_SHOWN = 50


# One set of words for where a job or an import record stands, on every page and download (a record's
# statuses are applied, dry_run, refused; a job's are ImportJob.Status, whose labels these are).
STATUS_WORDS = {
    **{status.value: status.label for status in ImportJob.Status},
    ImportRecord.Status.DRY_RUN.value: "Checked (dry run): nothing written",
}


def status_words(status: str) -> str:
    """The words for a job's or an import record's ``status`` (the code itself when unknown)."""
    return STATUS_WORDS.get(status, status)


def importable_kinds(user: User) -> list[str]:
    """The kinds ``user`` may import (``access.may_import``): every kind for ops, employees for an admin."""
    return [kind for kind in KINDS if access.may_import(user, kind)]


def jobs() -> QuerySet:
    """Import jobs, newest first, without their bytes."""
    return ImportJob.objects.select_related("user", "confirmed_by").defer("data").order_by("-created_at")


def job(pk: int) -> ImportJob:
    """One job with its people and records, without its bytes (404 when there is none)."""
    return get_object_or_404(jobs().select_related("dry_run_record", "applied_record"), pk=pk)


def job_out_of_date(job: ImportJob) -> str | None:
    """Why a checked job must be checked again before it is confirmed (the kind's data changed since its
    dry run: ``freshness.out_of_date``), or None; always None for a job that is not checked."""
    return out_of_date(job) if job.status == ImportJob.Status.VALIDATED else None


def nothing_to_import(job: ImportJob) -> bool:
    """Whether the job's dry run found a header and no data row (refused: nothing to confirm)."""
    errors = job.listed_errors
    return (
        job.status == ImportJob.Status.REFUSED
        and len(errors) == 1
        and errors[0]["reason"] == NOTHING_TO_IMPORT
    )


def job_progress(pk: int) -> dict | None:
    """What the job page polls: status, stage and counts, in one small query."""
    fields = ("status", "stage", "rows", "created", "updated", "unchanged", "errors")
    row = ImportJob.objects.filter(pk=pk).values(*fields).first()
    if row is None:
        return None
    errors = row.pop("errors") or []
    total = errors[-1].get("total") if errors and isinstance(errors[-1], dict) else None
    status = ImportJob.Status(row["status"])
    return {
        **row,
        "label": status_words(status),
        "waiting": status in ImportJob.ACTIVE,
        "error_count": total if total is not None else len(errors),
    }


def records() -> list[ImportRecord]:
    """The latest import records (command, API and page alike), newest first."""
    return list(ImportRecord.objects.select_related("user").order_by("-started_at")[:RECORDS_SHOWN])


def record(pk: int) -> ImportRecord:
    return get_object_or_404(ImportRecord.objects.select_related("user"), pk=pk)


def listed_errors(errors: list[dict] | None) -> list[dict]:
    """Errors as listed: without the last entry that only counts them all (``ImportRecord.errors``)."""
    errors = errors or []
    if errors and isinstance(errors[-1], dict) and "total" in errors[-1]:
        return errors[:-1]
    return errors


@dataclass(frozen=True)
class ImportsPage:
    kinds: list[str]
    jobs: list[ImportJob]
    records: list[ImportRecord]


def imports_page(user: User) -> ImportsPage:
    return ImportsPage(kinds=importable_kinds(user), jobs=list(jobs()[:JOBS_SHOWN]), records=records())
