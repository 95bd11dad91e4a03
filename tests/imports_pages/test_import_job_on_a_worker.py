"""An import job checked and written by a real Celery worker process over Redis, with PostgreSQL the only
shared state: the uploaded bytes travel through the database, as to a worker on another machine.
CI runs it (DATABASE_URL and REDIS_URL set); on the SQLite default it is skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from adoption.models import Customer
from commissions.models import ImportJob
from commissions.services.imports import jobs
from tests.quarter.test_sharded_runs_on_workers import wait_for

from .conftest import Upload, xlsx

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path):
    """``celery -A config worker`` on the default queue, in its own process, against the test database."""
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    log = tmp_path / "imports-worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery", "--pool", "solo"]
    command += ["-n", "imports@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready." in log.read_text(), 90, "the worker to start", log)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_an_import_job_is_checked_and_written_by_a_real_worker(worker, ops):
    header = ["customer_id", "name", "geo", "start_date", "segment"]
    data = xlsx(
        [header, ["C1", "Acme", "AMER", "2019-03-01", None], ["C2", "Globex", "EMEA", "2020-01-10", None]]
    )

    job = jobs.start_import_job(kind="customers", file=Upload(data, "c.xlsx"), file_name="c.xlsx", user=ops)

    def status() -> str:
        return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)

    wait_for(lambda: status() == ImportJob.Status.VALIDATED, 60, "the dry run", worker)
    assert not Customer.objects.exists()
    jobs.confirm_import_job(job=job, user=ops)
    wait_for(lambda: status() == ImportJob.Status.APPLIED, 60, "the write", worker)
    job.refresh_from_db()
    assert (job.created, job.data) == (2, None)
    assert "run_import_job" in worker.read_text()
    assert Customer.objects.count() == 2
