"""Whether an import job's dry run still says what its writing would do (docs/imports.md "Imports in the
browser"; DESIGN §3): a file checked before another import of its kind was applied (or before the admin
edited the kind's table) is checked again before it is written, so a stale file never overwrites newer
data with counts nobody saw."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from commissions.models import ImportJob, ImportRecord
from core.errors import Conflict

from .specs import SPECS


class CheckOutOfDate(Conflict):
    """The kind's data changed since the job's dry run: its counts no longer say what it would do."""


def checked_since(job: ImportJob) -> datetime | None:
    """When the job's dry run began reading the data (its record is written when it ends, after
    ``duration_ms``); None for a job never checked."""
    record = job.dry_run_record
    if record is not None:
        return record.started_at - timedelta(milliseconds=record.duration_ms)
    return job.validated_at


def out_of_date(job: ImportJob) -> str | None:
    """Why a checked job's dry run no longer says what its writing would do, or None.

    The kind's data changed since the dry run began when an import of the same kind was applied after it
    (by the command, the API or this page: every import is an ``ImportRecord``) or the admin changed a
    row of the kind's table (Django's admin log). Two small indexed queries. DESIGN §3; docs/imports.md
    "Imports in the browser".
    """
    since = checked_since(job)
    if since is None:
        return None
    changes = []
    applied = (
        ImportRecord.objects.filter(kind=job.kind, status=ImportRecord.Status.APPLIED, started_at__gt=since)
        .exclude(pk=job.applied_record_id)
        .select_related("user")
        .order_by("-started_at")
        .first()
    )
    if applied is not None:
        who = applied.user.email if applied.user else "a command"
        changes.append(
            (applied.started_at, f"{applied.file_name} was imported at {_when(applied.started_at)} by {who}")
        )
    model = SPECS[job.kind].model or (User if job.kind == "employees" else None)
    if model is not None:
        edit = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), action_time__gt=since
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        if edit is not None:
            what = f"{model._meta.verbose_name} {edit.object_repr!r}"
            changes.append(
                (
                    edit.action_time,
                    f"{edit.user.email} edited the {what} in the admin at {_when(edit.action_time)}",
                )
            )
    if not changes:
        return None
    _at, latest = max(changes)
    checked = job.validated_at or since
    return (
        f"The {job.kind} data changed since this file was checked at {_when(checked)} ({latest}):"
        " check it again to see what it would change now. Nothing was written."
    )


def _when(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
