"""The operations console in a real browser: a calculation's progress bar advances to done.

With REDIS_URL set (CI) the Calculate button queues the task for a real Celery worker started around
the click; without it, tasks run in-process and the run completes during the POST. Either way the page
must end up showing the run succeeded with its bar at 100.
"""

import contextlib

import pytest
from django.conf import settings

from accounts.models import Role
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import screenshot


@contextlib.contextmanager
def worker():
    """A real Celery worker over REDIS_URL, or nothing when tasks run eagerly."""
    if not settings.REDIS_URL:
        yield
        return
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="threads", perform_ping_check=False, shutdown_timeout=30):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_runs_progress_bar_advances_to_done(sign_in, live_server):
    from playwright.sync_api import expect

    ops = make_user(Role.OPS, email="ops@example.com", name="Olive Ops")
    load_worked_example(make_user(Role.CCO, email="cco@example.com"))
    pull_scores(period=get_period("FY22-Q2"), user=ops)
    page = sign_in(ops)
    page.goto(f"{live_server.url}/console/?period=FY22-Q2")
    expect(page.locator("#pull-status")).to_contain_text("3 customers")

    with worker():
        page.click("#calculate")
        row = page.locator("tr[data-run-status]").first
        expect(row).to_have_attribute("data-run-status", "succeeded", timeout=60000)

    bar = row.locator("progress")
    expect(bar).to_have_attribute("value", "100")
    expect(row.locator(".run-status")).to_have_text("succeeded")
    expect(page.locator("#waiting")).to_have_count(0)  # the page followed the queued run to its end
    screenshot(page, "ops-console")
