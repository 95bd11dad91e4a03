"""Import jobs (docs/imports.md "Imports in the browser"; DESIGN §3): a file uploaded from the Imports
page is checked by a dry run in a worker, confirmed by a person, then written in a worker — both steps
through ``import_file``, on the same bytes, so the page imports exactly as the command and the API do.

Every step is a compare-and-set on the job's status; a worker runs a step holding the job's row lock,
so a redelivered task waits for the first and then finds the step done. The bytes travel through the
database (workers may run on other machines) and are cleared when the job ends; the hash stays.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import access
from accounts.models import User
from commissions.models import ImportJob
from core.errors import AttainError, Conflict, FileTooLarge

from . import KINDS, RECORDED_ERRORS, ImportRefused, ImportResult, RowError, import_file
from .freshness import CheckOutOfDate, out_of_date

Status = ImportJob.Status
# A step a worker holds no lock on for this long was lost (the worker died and no redelivery came).
STALE_AFTER = timedelta(hours=2)
# A checked file nobody confirms within this time is abandoned and its bytes cleared.
ABANDON_AFTER = timedelta(days=1)


def start_import_job(*, kind: str, file: IO[bytes], file_name: str, user: User) -> ImportJob:
    """Store the uploaded ``file`` as a queued job of ``kind`` and queue its dry run on commit.

    Raises ``AttainError`` for an unknown kind or an empty file, ``NotAllowed`` unless ``user`` may
    import the kind (``access.may_import``), ``FileTooLarge`` above ``MAX_UPLOAD_BYTES``. Whether the
    file is good CSV or a readable workbook, the dry run says.
    """
    if kind not in KINDS:
        raise AttainError(f"Unknown import kind {kind!r}: use one of {', '.join(KINDS)}.")
    access.require(access.may_import(user, kind))
    limit = settings.MAX_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _too_large(file_name, size, limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(file_name, len(data), limit)
    if not data:
        raise AttainError(f"{file_name} is empty: it needs a header row and data rows.")
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            file_name=file_name[-500:],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            data=data,
            user=user,
            stage="waiting for a worker to check the file",
        )
        _enqueue(job.pk)
    return job


def _too_large(file_name: str, size: int, limit: int) -> FileTooLarge:
    return FileTooLarge(
        f"{file_name} is {size:,} bytes: files of at most {limit:,} bytes are imported (MAX_UPLOAD_BYTES);"
        " split it into smaller files."
    )


def confirm_import_job(*, job: ImportJob, user: User) -> ImportJob:
    """Queue the writing of a validated job on commit (compare-and-set validated → confirmed).

    Raises ``NotAllowed`` unless ``user`` may import the job's kind, ``CheckOutOfDate`` (a ``Conflict``)
    when the kind's data changed since the job's dry run (``out_of_date``; the job stays checked, to be
    checked again: docs/imports.md "Imports in the browser"), ``Conflict`` when the job is not validated
    (still checking, refused, already confirmed: confirming twice writes once).
    """
    access.require(access.may_import(user, job.kind))
    if job.status == Status.VALIDATED and (reason := out_of_date(job)):
        raise CheckOutOfDate(reason)
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATED).update(
            status=Status.CONFIRMED,
            confirmed_by=user,
            confirmed_at=timezone.now(),
            stage="waiting for a worker to write the file",
            updated_at=timezone.now(),
        )
        if not moved:
            job.refresh_from_db()
            raise Conflict(
                f"Import #{job.pk} is {job.get_status_display().lower()}: only a checked import that is"
                " ready to confirm can be confirmed."
            )
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


def recheck_import_job(*, job: ImportJob, user: User) -> ImportJob:
    """Queue a new dry run of a checked job's stored bytes (compare-and-set validated → queued): what the
    page offers when the data changed since the first check (``out_of_date``).

    Raises ``NotAllowed`` unless ``user`` may import the job's kind, ``Conflict`` when it is not validated.
    """
    access.require(access.may_import(user, job.kind))
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATED).update(
            status=Status.QUEUED,
            stage="waiting for a worker to check the file again",
            rows=0,
            created=0,
            updated=0,
            unchanged=0,
            notes="",
            validated_at=None,
            updated_at=timezone.now(),
        )
        if not moved:
            job.refresh_from_db()
            raise Conflict(
                f"Import #{job.pk} is {job.get_status_display().lower()}: only a checked import is checked"
                " again."
            )
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


def discard_import_job(*, job: ImportJob, user: User) -> ImportJob:
    """Abandon a validated job nobody will confirm, clearing its bytes (validated → abandoned).

    Raises ``NotAllowed`` unless ``user`` may import its kind, ``Conflict`` when it is not validated.
    """
    access.require(access.may_import(user, job.kind))
    if not _finish(job.pk, Status.VALIDATED, Status.ABANDONED, stage=f"discarded by {user.email}"):
        job.refresh_from_db()
        raise Conflict(
            f"Import #{job.pk} is {job.get_status_display().lower()}: only a checked import is discarded."
        )
    job.refresh_from_db()
    return job


def run_import_job(*, job_id: int) -> ImportJob:
    """The worker's step for job ``job_id``: its dry run when queued, its writing when confirmed (also a
    redelivery of a step a dead worker left). Anything else: the job as it is (a step done already).

    The dry run calls ``import_file(dry_run=True)`` as the uploader; the writing ``import_file`` as the
    person who confirmed, all or nothing: a refusal (a bad row, or a change since the dry run that the
    service refuses) becomes the job's refusal, with the errors. Crashes propagate (the task marks the
    job failed, ``fail_import_job``).
    """
    claims = {
        Status.QUEUED: (Status.VALIDATING, "checking every row (dry run)"),
        Status.CONFIRMED: (Status.WRITING, "writing every row in one transaction"),
    }
    for before, (after, stage) in claims.items():
        ImportJob.objects.filter(pk=job_id, status=before).update(
            status=after, stage=stage, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (Status.VALIDATING, Status.WRITING):
            return job  # another delivery did it while this one waited for the lock
        dry_run = job.status == Status.VALIDATING
        if not dry_run and out_of_date(job):
            # Another import landed between the confirmation and this worker: write nothing, and let the
            # page offer a new check of the same bytes (docs/imports.md "Imports in the browser").
            _back_to_checked(job)
            job.save(update_fields=[*_SAVED, "confirmed_by", "confirmed_at"])
            return job
        who = job.user if dry_run else job.confirmed_by
        # One copy of the file in memory; the stored bytes stay until the job ends (``_SAVED``).
        data, job.data = bytes(job.data or b""), None
        try:
            result = import_file(
                kind=job.kind,
                file=_Bytes(data),
                file_name=job.file_name,
                user=who,
                dry_run=dry_run,
            )
        except ImportRefused as refused:
            _refused(job, refused.errors, refused.error_count, refused.record, dry_run=dry_run)
        except AttainError as exc:  # e.g. the confirmer may no longer import: the job is refused, saying why
            _refused(job, [RowError(0, "", "", exc.message)], 1, None, dry_run=dry_run)
        else:
            _done(job, result, dry_run=dry_run)
        job.save(update_fields=[*_SAVED, *(["data"] if job.finished else [])])
    return job


# What a step changes on the job: its bytes only when it ends (cleared), else they stay for the next step.
_SAVED = [
    "status",
    "stage",
    "rows",
    "created",
    "updated",
    "unchanged",
    "errors",
    "notes",
    "dry_run_record",
    "applied_record",
    "validated_at",
    "finished_at",
    "updated_at",
]


# The first step's message when a file holds its header and no data row: nothing to confirm.
NOTHING_TO_IMPORT = "the file has a header row and no data row: there is nothing to import"


def _back_to_checked(job: ImportJob) -> None:
    """A confirmed job whose data changed before its writing: back to checked, never written (its page
    says why and offers a new check)."""
    job.status, job.stage = Status.VALIDATED, "not written: the data changed since its check"
    job.confirmed_by, job.confirmed_at = None, None


class _Bytes:
    """The job's bytes as the binary file ``import_file`` reads (with a size, for its limit check)."""

    def __init__(self, data: bytes):
        self._data, self.size, self.name = data, len(data), ""

    def read(self, *args) -> bytes:
        return self._data


def _refused(job: ImportJob, errors: list[RowError], count: int, record, *, dry_run: bool) -> None:
    listed = [error.as_dict() for error in errors[:RECORDED_ERRORS]]
    if count > len(listed):  # the shape of ImportRecord.errors: a last entry counts them all
        more = count - len(listed)
        reason = f"… and {more} more error(s): {count} in all, the first {len(listed)} are listed"
        listed.append({"line": 0, "column": "", "value": "", "reason": reason, "total": count})
    job.errors = listed
    job.status = Status.REFUSED
    job.stage = "refused by the dry run: nothing was written" if dry_run else "refused: nothing was written"
    if record is not None:
        if dry_run:
            job.dry_run_record = record
        else:
            job.applied_record = record
    _end(job)


def _done(job: ImportJob, result: ImportResult, *, dry_run: bool) -> None:
    job.rows, job.created, job.updated, job.unchanged = (
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
    )
    job.errors = []
    job.notes = "\n".join(result.notes)  # warnings of the check (e.g. unknown KPIs), what a write set off
    if dry_run and not result.rows:  # a header alone: nothing to confirm (docs/imports.md)
        _refused(job, [RowError(1, "", "", NOTHING_TO_IMPORT)], 1, result.record, dry_run=True)
    elif dry_run:
        job.status, job.dry_run_record, job.validated_at = Status.VALIDATED, result.record, timezone.now()
        job.stage = "checked: confirm to write it"
    else:
        job.status, job.applied_record = Status.APPLIED, result.record
        job.stage = "applied"
        _end(job)


def _end(job: ImportJob) -> None:
    job.data = None
    job.finished_at = timezone.now()


def _finish(job_id: int, before, after, *, stage: str, notes: str = "") -> bool:
    """Compare-and-set ``before`` → a finished ``after``, clearing the bytes; whether it moved."""
    before = before if isinstance(before, list | tuple) else [before]
    return bool(
        ImportJob.objects.filter(pk=job_id, status__in=before).update(
            status=after,
            stage=stage[:200],
            notes=notes,
            data=None,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )


def fail_import_job(*, job_id: int, reason: str) -> bool:
    """Mark a job whose step crashed as failed (nothing was written: each step is one transaction)."""
    return _finish(
        job_id, ImportJob.ACTIVE, Status.FAILED, stage="failed: nothing was written", notes=reason[:2000]
    )


def sweep_import_jobs(*, now=None) -> dict[str, int]:
    """Hourly: fail the jobs whose step was lost (no worker holds it after ``STALE_AFTER``) and abandon the
    checked ones nobody confirmed within ``ABANDON_AFTER``, clearing their bytes. Returns the counts."""
    now = now or timezone.now()
    failed = 0
    stale = ImportJob.objects.filter(status__in=ImportJob.ACTIVE, updated_at__lt=now - STALE_AFTER)
    with transaction.atomic():
        # A job a worker is running is locked: skipped, never failed under it.
        for job_id in stale.select_for_update(skip_locked=True).values_list("pk", flat=True):
            failed += fail_import_job(
                job_id=job_id,
                reason="No worker finished this step in time (a worker stopped): start the import again.",
            )
    abandoned = 0
    old = ImportJob.objects.filter(status=Status.VALIDATED, updated_at__lt=now - ABANDON_AFTER)
    for job_id in old.values_list("pk", flat=True):
        abandoned += _finish(
            job_id, Status.VALIDATED, Status.ABANDONED, stage="not confirmed in time: start again"
        )
    return {"failed": failed, "abandoned": abandoned}


def _enqueue(job_id: int) -> None:
    from commissions.tasks import run_import_job as task

    # After commit: a worker must find the job (and, with no broker, the step runs here, at once).
    transaction.on_commit(lambda: task.delay(job_id))
