"""Every published statement of a closed quarter as one ZIP of PDFs, built by a worker (DESIGN §6;
docs/quarter-close.md step 5).

Rendering a statement takes about a CPU-second, so a company's quarter is far too long for a request:
``request_statement_archive`` records a queued ``StatementArchive`` and queues its build on commit;
``build_statement_archive`` (the worker's step) renders each PDF, counts its progress every few
statements, spools the ZIP to a temporary file and stores it in the database (workers may run on other
machines); the console's archive page follows the progress and downloads the ZIP in chunks.

Every step is a compare-and-set on the archive's status. A worker builds holding a lock on the archive
(a PostgreSQL session advisory lock, so its progress commits as it goes), so a redelivered task waits for
the first and then finds the ZIP built. ``sweep_statement_archives`` fails the archives no worker
finished and clears the bytes of archives kept long enough or made stale by a re-open.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import BinaryField, F, Func, Value
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import User
from commissions.models import Period, Plan, Run
from core.errors import AttainError

from .csm import pdf
from .csm.statements import statement_for
from .handbook import pdf as handbook_pdf
from .models import StatementArchive
from .publication import latest_close

logger = logging.getLogger(__name__)

Status = StatementArchive.Status
# The progress is written (one UPDATE, which also shows the sweep the worker is alive) every this many
# statements: about every few seconds at a CPU-second a statement.
PROGRESS_EVERY = 5
# A queued archive no worker started within this time, or a building one whose progress has not moved
# for this long, was lost (no worker, or a worker that stopped without a redelivery).
QUEUED_TIMEOUT = timedelta(hours=2)
BUILDING_TIMEOUT = timedelta(minutes=30)
# A ready ZIP is kept this long after it was built, then its bytes are cleared (expired).
KEEP_READY = timedelta(days=7)
# The download reads the stored ZIP in parts of this size: memory holds one part, whatever the ZIP's size.
CHUNK_BYTES = 1024 * 1024


def request_statement_archive(*, period: Period, user: User) -> tuple[StatementArchive, bool]:
    """The archive of ``period``'s statements for ``user``: a ready or unfinished one of the quarter's
    current close when there is one (reused), else a new queued one whose build is queued on commit.
    Returns ``(archive, created)``.

    Raises ``NotAllowed`` unless ``user`` may download every statement (``access.may_download_statements``)
    and ``AttainError`` for an open quarter (nothing is published). Locks the period's row, so two requests
    at once make one archive and a close or re-open waits for this one transaction.
    """
    access.require(access.may_download_statements(user, period))
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        _require_closed(period)
        close, run_ids = latest_close(period), final_run_ids(period)
        candidates = StatementArchive.objects.filter(
            period=period, close=close, status__in=[*StatementArchive.ACTIVE, Status.READY]
        ).defer("data")
        for archive in candidates:
            if archive.status != Status.READY or archive.run_ids == run_ids:
                return archive, False
        archive = StatementArchive.objects.create(
            period=period,
            requested_by=user,
            close=close,
            run_ids=run_ids,
            total=pdf.published_payouts(period).count(),
        )
        _enqueue(archive.pk)
    return archive, True


def _require_closed(period: Period) -> None:
    if not period.is_closed:
        raise AttainError(
            f"{period.code} is open: its statements are published when it closes. "
            "Close it, then download them."
        )


def final_run_ids(period: Period) -> list[int]:
    """The ids of ``period``'s final runs (its published statements), ascending."""
    return list(Run.objects.filter(period=period, is_final=True).order_by("pk").values_list("pk", flat=True))


def is_stale(archive: StatementArchive) -> bool:
    """Whether the quarter was re-opened (and perhaps closed again) since ``archive`` was built or asked
    for: its statements are no longer the published ones, and a new archive is offered."""
    period = archive.period
    if not period.is_closed:
        return True
    close = latest_close(period)
    return archive.close_id != (close.pk if close else None) or archive.run_ids != final_run_ids(period)


def build_statement_archive(*, archive_id: int) -> StatementArchive:
    """The worker's step: render every published statement of the archive's quarter into a ZIP and store
    it (building → ready), or mark the archive failed with the reason a person can act on: the quarter
    re-opened, WeasyPrint that cannot load (``pdf.PdfUnavailable``'s sentence), the requester's right
    gone. An archive already ready, failed or expired is returned as it is (a redelivery finds it done).

    Writes its progress (``done``) every ``PROGRESS_EVERY`` statements; the ZIP goes to a spooled temporary
    file, then into the database in one transaction. Crashes other than a refusal propagate (the task
    marks the archive failed, ``fail_statement_archive``).
    """
    StatementArchive.objects.filter(pk=archive_id, status=Status.QUEUED).update(
        status=Status.BUILDING, updated_at=timezone.now()
    )
    with _archive_lock(archive_id):
        archive = (
            StatementArchive.objects.select_related("period", "requested_by").defer("data").get(pk=archive_id)
        )
        if archive.status != Status.BUILDING:
            return archive  # built by another delivery while this one waited, or failed by the sweep
        try:
            _build(archive)
        except AttainError as exc:
            fail_statement_archive(archive_id=archive_id, reason=exc.message)
    archive.refresh_from_db(fields=_SHOWN)
    return archive


_SHOWN = ["status", "done", "total", "size", "error", "close", "run_ids", "started_at", "finished_at"]


class _Abandoned(Exception):
    """The archive left ``building`` under the worker (the sweep failed it): stop rendering."""


def _build(archive: StatementArchive) -> None:
    period, viewer = archive.period, archive.requested_by
    if viewer is None:
        raise AttainError("The person who asked for this archive no longer exists: prepare it again.")
    access.require(access.may_download_statements(viewer, period))
    _require_closed(period)
    module = pdf.weasyprint()  # PdfUnavailable, with its sentence, before anything is rendered
    # The archive holds what is published now: a re-open and a new close since the request are included.
    archive.close, archive.run_ids = latest_close(period), final_run_ids(period)
    payouts = pdf.published_payouts(period)
    archive.total = payouts.count()
    StatementArchive.objects.filter(pk=archive.pk, status=Status.BUILDING).update(
        close=archive.close,
        run_ids=archive.run_ids,
        total=archive.total,
        done=0,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )
    with tempfile.SpooledTemporaryFile(max_size=pdf.SPOOL_BYTES) as spool:
        try:
            count = _write_zip(archive, payouts, viewer=viewer, module=module, out=spool)
        except _Abandoned:
            return
        spool.seek(0)
        _store(archive, spool.read(), count)


def _as_published(payout, viewer: User):
    """The statement as its CSM reads it (what was published to them, compared with what was published
    before), the requester's view when the CSM no longer reads it (an inactive account)."""
    try:
        return statement_for(payout.employee, payout.employee, payout.run_id)
    except Http404:
        return statement_for(viewer, payout.employee, payout.run_id)


def _write_zip(archive: StatementArchive, payouts, *, viewer: User, module, out) -> int:
    """One PDF per CSM and plan, named ``FY22-Q2/E1-CS-FY22.pdf`` as ``pdf.zip_member`` says; each is
    written as soon as it is rendered, so memory holds one statement at a time. Then the handbook of each
    plan with a statement in the ZIP (``FY22-Q2/handbook-CS-FY22.pdf``, ``handbook_plans``). Returns the
    number of statements."""
    count = 0
    # PDFs are compressed already: storing them spends no time on deflating them again.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zipped:
        for payout in payouts.iterator(chunk_size=200):
            shown = _as_published(payout, viewer)
            zipped.writestr(pdf.zip_member(shown), pdf.render(shown, module=module))
            count += 1
            if count % PROGRESS_EVERY == 0:
                _progress(archive.pk, count)
        if not count:
            code = archive.period.code
            zipped.writestr(f"{code}/README.txt", f"{code} published no statement.\n")
        # Each plan's handbook beside its statements (docs/handbook.md), after them: not counted as one.
        for plan in handbook_plans(archive.run_ids):
            name, content = handbook_pdf.archived(plan, archive.period.code, module=module)
            zipped.writestr(name, content)
    return count


def _plans_paid(run_ids: list[int]):
    """The plans with a statement in a ZIP of the final runs ``run_ids``: a final run of a plan that paid
    nobody in the quarter (no payout, so no statement in the ZIP) brings no handbook (docs/handbook.md
    "Where it is")."""
    # One filter() over runs: the run must be one of the ZIP's and hold a payout itself.
    return Plan.objects.filter(runs__pk__in=run_ids, runs__payouts__isnull=False).distinct()


def handbook_plans(run_ids: list[int]) -> list[Plan]:
    """The plans whose handbook a ZIP of the final runs ``run_ids`` holds, once each, by code: those with
    a statement in it (``_plans_paid``)."""
    return list(_plans_paid(run_ids).order_by("code"))


def archive_contents(archive: StatementArchive) -> dict[str, int]:
    """What a ready ``archive``'s ZIP holds, counted as its page says it: ``statements`` (one PDF per CSM
    and plan) and ``handbooks`` (one plan handbook PDF per plan with a statement in it,
    ``handbook_plans``). One query."""
    return {"statements": archive.total, "handbooks": _plans_paid(archive.run_ids).count()}


def _progress(archive_id: int, done: int) -> None:
    moved = StatementArchive.objects.filter(pk=archive_id, status=Status.BUILDING).update(
        done=done, updated_at=timezone.now()
    )
    if not moved:
        raise _Abandoned


def _store(archive: StatementArchive, data: bytes, count: int) -> None:
    """building → ready with the ZIP, in one transaction holding the period's row: a re-open during the
    build (a close that is no longer the one rendered) fails the archive instead."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=archive.period_id)
        archive.period = period
        if is_stale(archive):
            raise AttainError(
                f"{period.code} was re-opened while its statements were being prepared: prepare them again."
            )
        StatementArchive.objects.filter(pk=archive.pk, status=Status.BUILDING).update(
            status=Status.READY,
            data=data,
            size=len(data),
            done=count,
            total=count,
            error="",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def fail_statement_archive(*, archive_id: int, reason: str) -> bool:
    """Mark an unfinished archive failed with ``reason`` (queued or building → failed); whether it moved."""
    return bool(
        StatementArchive.objects.filter(pk=archive_id, status__in=StatementArchive.ACTIVE).update(
            status=Status.FAILED,
            error=reason[:2000],
            data=None,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )


def sweep_statement_archives(*, now=None) -> dict[str, int]:
    """Hourly: fail the archives no worker finished (queued longer than ``QUEUED_TIMEOUT``, or building
    without progress for ``BUILDING_TIMEOUT``, and no worker holding their lock), and expire the ready
    ones kept ``KEEP_READY`` or made stale by a re-open, clearing their bytes. Returns the counts."""
    now = now or timezone.now()
    lost = StatementArchive.objects.filter(
        status=Status.QUEUED, updated_at__lt=now - QUEUED_TIMEOUT
    ) | StatementArchive.objects.filter(status=Status.BUILDING, updated_at__lt=now - BUILDING_TIMEOUT)
    failed = 0
    for archive_id in lost.values_list("pk", flat=True):
        if _held(archive_id):
            continue  # a worker is building it: never failed under it
        failed += fail_statement_archive(
            archive_id=archive_id,
            reason="No worker finished this archive in time (a worker stopped): prepare it again.",
        )
    expired = 0
    ready = StatementArchive.objects.filter(status=Status.READY).select_related("period").defer("data")
    for archive in ready:
        if archive.finished_at and archive.finished_at < now - KEEP_READY or is_stale(archive):
            expired += StatementArchive.objects.filter(pk=archive.pk, status=Status.READY).update(
                status=Status.EXPIRED, data=None, updated_at=timezone.now()
            )
    return {"failed": failed, "expired": expired}


def read_archive(archive: StatementArchive) -> Iterator[bytes]:
    """The stored ZIP of a ready ``archive``, ``CHUNK_BYTES`` at a time (one small query per part)."""
    for start in range(0, archive.size, CHUNK_BYTES):
        # SUBSTR counts from 1 and works on bytea (PostgreSQL) and blobs (SQLite) alike.
        part = Func(
            F("data"), Value(start + 1), Value(CHUNK_BYTES), function="SUBSTR", output_field=BinaryField()
        )
        chunk = StatementArchive.objects.filter(pk=archive.pk).values_list(part, flat=True).first()
        if chunk is None:  # cleared under the download: end it short, the client sees the size differ
            logger.warning("statement archive %s was cleared during its download", archive.pk)
            return
        yield bytes(chunk)


def archive_progress(archive_id: int) -> dict | None:
    """What the archive page polls: status, its label, done of total, percent, and the error."""
    row = (
        StatementArchive.objects.filter(pk=archive_id)
        .values("status", "done", "total", "size", "error")
        .first()
    )
    if row is None:
        return None
    archive = StatementArchive(**row)
    return {
        **row,
        "label": archive.get_status_display(),
        "percent": archive.percent,
        "waiting": archive.waiting,
    }


@contextmanager
def _archive_lock(archive_id: int) -> Iterator[None]:
    """One builder per archive across processes: a PostgreSQL session-level advisory lock, held outside any
    transaction so the progress commits while it is held (as ``commissions.services.periods.period_lock``).
    SQLite serialises writers by itself and runs the build in one process."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(archive_id)])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(archive_id)])


def _held(archive_id: int) -> bool:
    """Whether a worker holds ``archive_id``'s lock now (always False on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(archive_id)])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(archive_id)])
    return False


def _lock_key(archive_id: int) -> int:
    return zlib.crc32(f"attain-statement-archive:{archive_id}".encode())


def _enqueue(archive_id: int) -> None:
    from .tasks import build_statement_archive as task

    def send() -> None:
        try:
            task.delay(archive_id)
        except Exception as exc:  # the broker out of reach: say so on the archive rather than leave it queued
            logger.exception("could not queue statement archive %s", archive_id)
            fail_statement_archive(
                archive_id=archive_id, reason=f"Could not queue the archive ({exc}): prepare it again."
            )

    # After commit: a worker must find the archive (and, with no broker, the build runs here, at once).
    transaction.on_commit(send)
