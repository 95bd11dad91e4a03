"""Sharded runs on real Celery worker processes over real Redis, with PostgreSQL the only shared state.

Each worker is its own operating-system process (``celery worker``), as on separate machines. CI runs
these (DATABASE_URL and REDIS_URL set); on the SQLite default they are skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from commissions.models import CustomerResult, Payout, Plan, Run, RunShard
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from commissions.services.shards import plan_sharded_run
from commissions.tasks import dispatch_shards
from demo.company import seed_demo

from .test_sharded_runs import PERIOD, rows_of

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 3  # seconds before an unacknowledged shard goes back to the queue

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


class Worker:
    """``celery -A config worker`` on the shards queue, in its own process, against the test database."""

    def __init__(self, name: str, log_dir: Path):
        database = connection.settings_dict
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }
        self.log = log_dir / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "shards", "--pool", "solo"]
        command += ["-n", f"{name}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_ready(self) -> None:
        wait_for(lambda: "ready." in self.log.read_text(), 90, f"worker {self.log.stem} to start", self.log)

    def took_a_shard(self) -> bool:
        return "calculate_shard" in self.log.read_text()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(name: str) -> Worker:
        _wait_until_unacked_messages_are_due()
        worker = Worker(name, tmp_path)
        started.append(worker)
        return worker

    _purge_shards_queue()
    yield start
    for worker in started:
        worker.stop()
    _purge_shards_queue()


def _wait_until_unacked_messages_are_due() -> None:
    """Start a worker only once every message another worker took and never acknowledged is older than
    the visibility timeout. Kombu's Redis transport looks for such messages when a worker starts and then
    only every tenth check (every 100 s by default): a worker started a moment too early would find the
    killed worker's shard not yet due and wait 100 s for the next look, instead of taking it at once."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:

        def due() -> bool:
            newest = client.zrange("unacked_index", -1, -1, withscores=True)
            return not newest or newest[0][1] < time.time() - VISIBILITY_TIMEOUT - 0.5

        wait_for(due, VISIBILITY_TIMEOUT + 30, "the unacknowledged shards to be due again")
    finally:
        client.close()


def _purge_shards_queue() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("shards")


@pytest.fixture
def demo():
    seed_demo(today=date(2026, 11, 25))
    period = get_period(PERIOD)
    pull_scores(period=period)
    return period


def wait_for(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = "\n".join(log.read_text().splitlines()[-30:]) if log is not None else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")


def adoption_plan() -> Plan:
    """The demo plan with an adoption component, so books of customers are sharded too."""
    return Plan.objects.filter(components__metric="adoption").distinct().order_by("code").first()


def finished(run: Run) -> bool:
    run.refresh_from_db()
    return run.status != Run.Status.RUNNING


def test_two_worker_processes_write_the_run_one_process_would(demo, workers):
    plan = adoption_plan()
    single = calculate(period=demo, plan=plan).run
    expected = rows_of(single)
    single.delete()

    first, second = workers("first"), workers("second")
    first.wait_ready()
    second.wait_ready()
    run = plan_sharded_run(period=demo, plan=plan, shards=6).run
    assert dispatch_shards(run.pk) == 6
    wait_for(lambda: finished(run), 180, "the sharded run", first.log)

    assert run.status == Run.Status.SUCCEEDED, run.error
    assert rows_of(run) == expected
    processes = set(RunShard.objects.filter(run=run).values_list("worker", flat=True))
    assert len(processes) == 2, processes  # both processes took shards
    assert first.took_a_shard() and second.took_a_shard()


def test_a_worker_killed_mid_shard_is_redelivered_and_the_run_completes_once(demo, workers):
    plan = adoption_plan()
    single = calculate(period=demo, plan=plan).run
    expected = rows_of(single)
    single.delete()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run

    # Hold the results table so the first worker's shard blocks in the middle of its write…
    table = CustomerResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            doomed = workers("doomed")
            doomed.wait_ready()
            dispatch_shards(run.pk)
            wait_for(
                lambda: _waiting_on(cursor, table),
                90,
                "the first worker to block in its write",
                log=doomed.log,
            )
            doomed.kill()  # …and kill it there: its shard is neither written nor acknowledged.
            # A backend waiting on a lock notices its client is gone only when it wakes; end it now.
            cursor.execute(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
                "WHERE NOT l.granted AND l.relation = %s::regclass",
                [table],
            )
        finally:
            cursor.execute("ROLLBACK")
    assert RunShard.objects.filter(run=run, status=RunShard.Status.DONE).count() == 0
    assert not Payout.objects.filter(run=run).exists()

    rescuer = workers("rescuer")
    wait_for(lambda: finished(run), 180, "the redelivered shard", rescuer.log)

    assert run.status == Run.Status.SUCCEEDED, run.error
    assert rows_of(run) == expected  # nothing lost, nothing written twice
    attempts = dict(RunShard.objects.filter(run=run).values_list("index", "attempts"))
    assert max(attempts.values()) == 2  # the killed shard was tried again


def _waiting_on(cursor, table: str) -> bool:
    """Whether another session waits for a lock on ``table`` (pg_locks is live, even in a transaction)."""
    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table])
    return cursor.fetchone()[0] > 0
