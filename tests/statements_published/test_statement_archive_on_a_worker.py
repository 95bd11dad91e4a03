"""A quarter's ZIP of statements built by a real Celery worker process over Redis, with PostgreSQL the only
shared state: the ZIP travels through the database, as from a worker on another machine (DESIGN §6).
CI runs it (DATABASE_URL and REDIS_URL set); on the SQLite default it is skipped."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings

from dashboards import archives, tasks
from dashboards.models import StatementArchive
from tests.imports_pages.test_import_job_on_a_worker import worker  # noqa: F401 - the fixture
from tests.quarter.test_sharded_runs_on_workers import wait_for

from .conftest import PERIOD

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


def test_a_quarters_zip_is_built_by_a_real_worker_once_and_downloaded(worker, closed_run, ops, client):  # noqa: F811
    archive, created = archives.request_statement_archive(period=closed_run.period, user=ops)
    tasks.build_statement_archive.delay(archive.pk)  # delivered twice: the second finds it built

    def status() -> str:
        return StatementArchive.objects.values_list("status", flat=True).get(pk=archive.pk)

    wait_for(lambda: status() == StatementArchive.Status.READY, 120, "the archive", worker)
    # Both deliveries finished: each logs its own "succeeded" line (a count of the task's name alone
    # could be met by the two "received" lines and one result before the second result is written).
    wait_for(lambda: worker.read_text().count("succeeded") >= 2, 60, "both deliveries", worker)
    archive.refresh_from_db()
    assert created and (archive.done, archive.total, archive.attempts) == (2, 2, 1)  # rendered once
    assert worker.read_text().count("succeeded") >= 2 and "'ready'" in worker.read_text()

    client.force_login(ops)
    response = client.get(f"/console/statements/{archive.pk}/download/")

    assert response.status_code == 200
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert zipped.namelist() == [
        f"{PERIOD}/E1-CS-FY22.pdf",
        f"{PERIOD}/E2-CS-FY22.pdf",
        f"{PERIOD}/handbook-CS-FY22.pdf",
    ]
    assert all(zipped.read(name).startswith(b"%PDF") for name in zipped.namelist())
