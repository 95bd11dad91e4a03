"""Behaviour that needs real services: two concurrent calculations on PostgreSQL, and the quarter-end
task run by a real Celery worker over real Redis, delivered twice. CI runs these (DATABASE_URL and
REDIS_URL set); on the SQLite default they are skipped."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from commissions.models import Plan, QuarterEndJob, Run, ScorePull
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate

from .conftest import load_worked_example

needs_postgres = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
)
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)")


def in_threads(target, count: int = 2) -> list:
    """Run ``target`` in ``count`` threads released at once; return their results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each caller got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calculations_of_a_quarter_make_one_run(cco):
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    plan = Plan.objects.get(code="CS-FY22")

    results = in_threads(lambda: calculate(period=period, plan=plan))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.created for r in results) == [False, True]
    assert len({r.run.pk for r in results}) == 1
    assert Run.objects.count() == 1 and Run.objects.get().status == Run.Status.SUCCEEDED


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_period_lock_serialises_calculations(cco):
    """While one caller holds the quarter's lock, another waits instead of overlapping."""
    from commissions.services.periods import period_lock

    load_worked_example(cco)
    period = get_period("FY22-Q2")
    order: list[str] = []
    held = threading.Event()

    def first():
        with period_lock(period):
            held.set()
            order.append("first in")
            threading.Event().wait(0.5)
            order.append("first out")

    def second():
        held.wait(10)
        with period_lock(period):
            order.append("second in")

    threads = [threading.Thread(target=f) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    connection.close()
    assert order == ["first in", "first out", "second in"]


@needs_postgres
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_quarter_end_task_on_a_real_worker_delivered_twice(cco):
    from celery.contrib.testing.worker import start_worker

    from commissions.tasks import run_quarter_end
    from config.celery import app

    load_worked_example(cco)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
        first = run_quarter_end.delay("FY22-Q2")
        second = run_quarter_end.delay("FY22-Q2")
        statuses = {first.get(timeout=120), second.get(timeout=120)}

    assert statuses <= {"completed", "running"}
    job = QuarterEndJob.objects.get()
    assert job.status == QuarterEndJob.Status.COMPLETED and job.attempts == 1
    assert ScorePull.objects.count() == 1
    assert Run.objects.count() == 1 and Run.objects.get().status == Run.Status.SUCCEEDED
