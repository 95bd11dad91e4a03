"""A day's scores split by customer range over real Celery worker processes, over real Redis, with
PostgreSQL the only shared state (as sharded runs, tests/quarter/test_sharded_runs_on_workers.py).
CI runs these (DATABASE_URL and REDIS_URL set); on the SQLite default they are skipped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from adoption.models import DailyScore, ScoreObservation
from adoption.scorecards.commission import set_commission_scorecards, set_score_source
from adoption.scorecards.computing import compute_days
from adoption.scorecards.loading import load_scorecard
from adoption.tasks import start_computation

from .conftest import CORE_YAML, DAY, SMB_YAML

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
def workers(tmp_path):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    started = []
    for name in ("first", "second"):
        log = tmp_path / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery", "--pool", "solo"]
        command += ["-n", f"{name}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]
        with log.open("w") as out:
            started.append(
                (subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT), log)
            )
    for _, log in started:
        wait_for(lambda log=log: "ready." in log.read_text(), 90, f"worker {log.stem}")
    yield started
    for process, _ in started:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def rows() -> list[tuple]:
    return list(
        DailyScore.objects.order_by("scorecard_id", "day", "customer_id").values_list(
            "scorecard_id", "day", "customer_id", "version_id", "score", "partial", "criteria"
        )
    )


def test_worker_processes_store_the_scores_one_process_would(world, workers):
    load_scorecard(CORE_YAML, user=None)
    load_scorecard(SMB_YAML, user=None)
    set_commission_scorecards("FY27", ["core"], user=None)
    set_score_source("FY27", "scorecard")
    first = DAY - timedelta(days=2)
    compute_days(first, DAY)
    expected = rows()
    observations = sorted(ScoreObservation.objects.values_list("customer_id", "as_of", "score", "source"))
    DailyScore.objects.all().delete()
    ScoreObservation.objects.all().delete()

    assert start_computation(first, DAY, shards=3) == 3  # one task per customer range
    wait_for(lambda: DailyScore.objects.count() == len(expected), 120, "the shards' scores")

    assert rows() == expected
    assert (
        sorted(ScoreObservation.objects.values_list("customer_id", "as_of", "score", "source"))
        == observations
    )
    logs = [log.read_text() for _, log in workers]
    assert all("compute_scores_shard" in text for text in logs)  # both processes took ranges
