"""Operations download every published statement of a closed quarter as one ZIP of PDFs (DESIGN §6):
one PDF per CSM and plan, for holders of ``access.may_download_statements``; an open quarter is refused.

The ZIP is prepared by a worker (``dashboards/archives.py``): the console's button asks for it and lands on
the archive's page, which follows its progress and then links the download. Here the worker's task runs in
this process when the request commits, as without REDIS_URL (the route moved on purpose from
``/console/statements.zip?period=…`` to ``POST /console/statements/`` and ``/console/statements/<id>/``).
"""

import io
import sys
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from dashboards import archives, tasks
from dashboards.models import StatementArchive
from tests.builders import make_user

from .conftest import PERIOD, pdf_text

pytestmark = pytest.mark.django_db

PREPARE = "/console/statements/"
Status = StatementArchive.Status


@pytest.fixture(autouse=True)
def inline_archives(monkeypatch):
    """``build_statement_archive.delay`` runs the task at once, in this process, as without REDIS_URL."""
    monkeypatch.setattr(
        tasks.build_statement_archive,
        "delay",
        lambda *args, **kwargs: tasks.build_statement_archive.apply(args, kwargs),
    )


@pytest.fixture
def renders(monkeypatch):
    """Every statement rendered as PDF, in order: the ``done`` count the archive showed at that moment."""
    seen: list[int] = []
    render = archives.pdf.render

    def counting(statement, **kwargs):
        seen.append(StatementArchive.objects.values_list("done", flat=True).order_by("-pk").first())
        return render(statement, **kwargs)

    monkeypatch.setattr(archives.pdf, "render", counting)
    return seen


def _prepare(client, capture, code=PERIOD, follow=False):
    """POST the console's button, running what the request queued on commit (the build, eagerly, as a
    request does before it answers); with ``follow``, the page it redirects to."""
    with capture(execute=True):
        response = client.post(PREPARE, {"period": code})
    return client.get(response["Location"], follow=True) if follow else response


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("role", [Role.OPS, Role.FINANCE])
def test_the_zip_holds_one_pdf_per_csm_and_plan_of_the_closed_quarter(
    client, closed_run, role, tmp_path, django_capture_on_commit_callbacks
):
    person = make_user(role, geo="")
    client.force_login(person)

    response = _prepare(client, django_capture_on_commit_callbacks)

    archive = StatementArchive.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/statements/{archive.pk}/"
    assert (archive.status, archive.done, archive.total, archive.requested_by) == (Status.READY, 2, 2, person)
    assert archive.run_ids == [closed_run.pk] and archive.size == len(bytes(archive.data))
    page = client.get(f"/console/statements/{archive.pk}/").content.decode()
    assert f'href="/console/statements/{archive.pk}/download/"' in page and "2 of 2" in page

    response = client.get(f"/console/statements/{archive.pk}/download/")

    assert response.status_code == 200
    assert response.streaming  # read from the database in parts, not loaded whole
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="statements-{PERIOD}.zip"'
    assert response["Content-Length"] == str(archive.size)
    zipped = _zip(response)
    assert zipped.namelist() == [
        f"{PERIOD}/E1-CS-FY22.pdf",
        f"{PERIOD}/E2-CS-FY22.pdf",
        f"{PERIOD}/handbook-CS-FY22.pdf",
    ]
    assert "2,333.33 USD" in pdf_text(zipped.read(f"{PERIOD}/E1-CS-FY22.pdf"), tmp_path)
    e2 = pdf_text(zipped.read(f"{PERIOD}/E2-CS-FY22.pdf"), tmp_path)
    assert "Eve Two (E2)" in e2 and "1,500.00 USD" in e2
    # Each statement as published to its CSM: word for word the PDF the CSM downloads.
    assert "was published to you" in e2 and "first successful run" not in e2


def test_the_download_is_read_from_the_database_in_parts(
    client, closed_run, ops, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(ops)
    _prepare(client, django_capture_on_commit_callbacks)
    archive = StatementArchive.objects.get()
    monkeypatch.setattr(archives, "CHUNK_BYTES", 1000)

    parts = list(client.get(f"/console/statements/{archive.pk}/download/").streaming_content)

    assert len(parts) == -(-archive.size // 1000) and max(len(part) for part in parts) == 1000
    assert b"".join(parts) == bytes(archive.data)


def test_an_open_quarter_is_refused_with_a_message(
    client, calculated, ops, django_capture_on_commit_callbacks
):
    client.force_login(ops)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PREPARE, {"period": PERIOD}, follow=True)

    assert response.redirect_chain[-1][0] == f"/console/?period={PERIOD}"
    assert f"{PERIOD} is open: its statements are published when it closes." in response.content.decode()
    assert not StatementArchive.objects.exists()


def test_a_quarter_that_does_not_exist_or_no_code_is_refused_with_a_message(client, e1, ops):
    client.force_login(ops)
    page = client.post(PREPARE, {"period": "FY22-Q9"}, follow=True).content.decode()
    assert "FY22-Q9" in page and "message error" in page
    page = client.post(PREPARE, follow=True).content.decode()
    assert "Say which quarter&#x27;s statements to prepare" in page
    assert not StatementArchive.objects.exists()


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.CCO, Role.ADMIN])
def test_only_operations_and_finance_download_every_statement(client, closed_run, ops, role):
    archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)
    client.force_login(make_user(role))

    assert client.post(PREPARE, {"period": PERIOD}).status_code == 403
    for url in ("", "progress/", "download/"):
        assert client.get(f"/console/statements/{archive.pk}/{url}").status_code == 403
    assert StatementArchive.objects.count() == 1


def test_the_console_offers_the_zip_for_a_closed_quarter_to_holders_of_the_right(
    client, closed_run, ops, cco
):
    client.force_login(ops)
    page = client.get(f"/console/?period={PERIOD}").content.decode()
    assert f'action="{PREPARE}"' in page and "Prepare every statement as a ZIP" in page
    client.force_login(cco)  # sees the console, may not download every statement
    assert "Prepare every statement" not in client.get(f"/console/?period={PERIOD}").content.decode()


def test_the_console_offers_no_zip_for_an_open_quarter(client, calculated, ops):
    client.force_login(ops)
    assert "Prepare every statement" not in client.get(f"/console/?period={PERIOD}").content.decode()


def test_without_weasyprint_the_archive_fails_saying_why(
    client, closed_run, ops, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(ops)

    page = _prepare(client, django_capture_on_commit_callbacks, follow=True).content.decode()

    archive = StatementArchive.objects.get()
    assert archive.status == Status.FAILED and archive.data is None
    assert archive.error.startswith("PDF statements are unavailable on this server")
    assert 'id="archive-failed"' in page and "PDF statements are unavailable on this server" in page
    assert client.get(f"/console/statements/{archive.pk}/download/").status_code == 302
    assert client.get(f"/console/?period={PERIOD}").status_code == 200


def test_the_archive_page_follows_the_progress_of_a_queued_archive(client, closed_run, ops):
    archive, created = archives.request_statement_archive(period=closed_run.period, user=ops)  # not run
    client.force_login(ops)

    page = client.get(f"/console/statements/{archive.pk}/").content.decode()
    progress = client.get(f"/console/statements/{archive.pk}/progress/").json()

    assert created and archive.status == Status.QUEUED
    assert 'data-waiting="1"' in page and "0 of 2" in page and "reload the page" in page
    assert "follow_job.js" in page and "/download/" not in page
    assert progress == {
        "status": "queued",
        "label": "Queued",
        "done": 0,
        "total": 2,
        "size": 0,
        "error": "",
        "percent": 0,
        "waiting": True,
    }
    assert client.get("/console/statements/999999/progress/").status_code == 404


def test_the_build_counts_its_progress_every_few_statements(closed_run, ops, monkeypatch, renders):
    monkeypatch.setattr(archives, "PROGRESS_EVERY", 1)
    archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)

    built = archives.build_statement_archive(archive_id=archive.pk)

    assert renders == [0, 1]  # the second statement was rendered after the first was counted
    assert (built.status, built.done, built.total, built.percent) == (Status.READY, 2, 2, 100)
    assert archives.archive_progress(archive.pk)["percent"] == 100


def test_a_ready_or_unfinished_archive_of_the_same_close_is_reused(
    client, closed_run, ops, finance, renders, django_capture_on_commit_callbacks
):
    queued, created = archives.request_statement_archive(period=closed_run.period, user=ops)
    again, created_again = archives.request_statement_archive(period=closed_run.period, user=finance)
    assert created and not created_again and again.pk == queued.pk  # one archive being built: that one
    archives.build_statement_archive(archive_id=queued.pk)
    client.force_login(finance)

    response = _prepare(client, django_capture_on_commit_callbacks)

    assert response["Location"] == f"/console/statements/{queued.pk}/"
    assert "already asked for" in client.get(response["Location"]).content.decode()
    assert StatementArchive.objects.count() == 1 and len(renders) == 2  # nothing rendered again


def test_an_archive_is_stale_after_a_reopen_and_a_new_close(
    client, closed_run, ops, renders, django_capture_on_commit_callbacks
):
    from commissions.services.close import close_period, reopen_period

    client.force_login(ops)
    _prepare(client, django_capture_on_commit_callbacks)
    first = StatementArchive.objects.get()
    period = reopen_period(period=closed_run.period, user=ops, reason="KPI actuals were late for E2")
    assert "is open" in client.post(PREPARE, {"period": PERIOD}, follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=period, user=ops)

    page = client.get(f"/console/statements/{first.pk}/").content.decode()
    refused = client.get(f"/console/statements/{first.pk}/download/", follow=True).content.decode()
    _prepare(client, django_capture_on_commit_callbacks)

    assert 'id="archive-stale"' in page and 'id="archive-download"' not in page
    assert f"{PERIOD} was re-opened since this ZIP was prepared" in refused
    second = StatementArchive.objects.exclude(pk=first.pk).get()
    assert second.status == Status.READY and second.close_id != first.close_id
    assert len(renders) == 4  # built anew for the new close
    assert archives.sweep_statement_archives() == {"failed": 0, "expired": 1}  # the stale one's bytes cleared
    first.refresh_from_db()
    assert (first.status, first.data) == (Status.EXPIRED, None)


def test_a_reopen_during_the_build_fails_the_archive(closed_run, ops, monkeypatch):
    from commissions.services.close import reopen_period

    archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)
    render = archives.pdf.render

    def reopening(statement, **kwargs):
        if statement.payout.employee.employee_id == "E2":
            reopen_period(period=closed_run.period, user=ops, reason="a late KPI file arrived")
        return render(statement, **kwargs)

    monkeypatch.setattr(archives.pdf, "render", reopening)

    built = archives.build_statement_archive(archive_id=archive.pk)

    assert built.status == Status.FAILED and f"{PERIOD} was re-opened while" in built.error
    assert StatementArchive.objects.values_list("data", flat=True).get() is None


def test_a_redelivered_task_builds_the_zip_once(closed_run, ops, renders):
    archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)

    assert tasks.build_statement_archive.apply((archive.pk,)).get() == Status.READY
    stored = bytes(StatementArchive.objects.get().data)
    assert tasks.build_statement_archive.apply((archive.pk,)).get() == Status.READY

    assert len(renders) == 2 and bytes(StatementArchive.objects.get().data) == stored


def test_a_delivery_after_a_worker_died_mid_build_builds_it(closed_run, ops, renders):
    archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)
    StatementArchive.objects.filter(pk=archive.pk).update(status=Status.BUILDING, done=1)  # then it died

    assert tasks.build_statement_archive.apply((archive.pk,)).get() == Status.READY

    archive.refresh_from_db()
    assert (archive.done, archive.attempts, len(renders)) == (2, 1, 2)


def test_a_crash_marks_the_archive_failed(
    client, closed_run, ops, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(statement, **kwargs):
        raise RuntimeError("the renderer ran out of memory")

    monkeypatch.setattr(archives.pdf, "render", crash)
    client.force_login(ops)

    response = _prepare(client, django_capture_on_commit_callbacks, follow=True)  # eagerly: not raised

    archive = StatementArchive.objects.get()
    assert (archive.status, archive.error) == (Status.FAILED, "RuntimeError: the renderer ran out of memory")
    assert archive.finished_at is not None and archive.data is None
    assert "the renderer ran out of memory" in response.content.decode()
    assert archives.archive_progress(archive.pk)["waiting"] is False


def test_an_archive_that_could_not_be_queued_fails_saying_so(
    closed_run, ops, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker at redis://queue:6379 refused the connection")

    monkeypatch.setattr(tasks.build_statement_archive, "delay", unreachable)

    with django_capture_on_commit_callbacks(execute=True):
        archive, _ = archives.request_statement_archive(period=closed_run.period, user=ops)

    archive.refresh_from_db()
    assert archive.status == Status.FAILED and "Could not queue the archive" in archive.error


def test_the_sweep_fails_lost_archives_and_clears_old_ones(closed_run, ops):
    now = timezone.now()
    period = closed_run.period
    make = StatementArchive.objects.create
    queued_lost = make(period=period, requested_by=ops)
    building_lost = make(period=period, requested_by=ops, status=Status.BUILDING)
    building_alive = make(period=period, requested_by=ops, status=Status.BUILDING)
    archive, _ = archives.request_statement_archive(period=period, user=ops)
    fresh = archives.build_statement_archive(archive_id=archive.pk)
    old_ready = make(  # of the same close as the fresh one: only its age expires it
        period=period,
        close_id=fresh.close_id,
        run_ids=fresh.run_ids,
        status=Status.READY,
        data=b"PK",
        size=2,
        finished_at=now - archives.KEEP_READY - timedelta(seconds=1),
    )
    for row, age in [
        (queued_lost, archives.QUEUED_TIMEOUT),
        (building_lost, archives.BUILDING_TIMEOUT),
        (building_alive, archives.BUILDING_TIMEOUT / 2),
    ]:
        StatementArchive.objects.filter(pk=row.pk).update(updated_at=now - age - timedelta(seconds=1))

    assert archives.sweep_statement_archives(now=now) == {"failed": 2, "expired": 1}

    status = dict(StatementArchive.objects.values_list("pk", "status"))
    assert status[queued_lost.pk] == status[building_lost.pk] == Status.FAILED
    assert status[building_alive.pk] == Status.BUILDING and status[fresh.pk] == Status.READY
    assert status[old_ready.pk] == Status.EXPIRED
    assert StatementArchive.objects.get(pk=queued_lost.pk).error.startswith("No worker finished this archive")
    assert StatementArchive.objects.get(pk=old_ready.pk).data is None
