"""Fixtures for the whole suite."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection


def pytest_configure(config):
    """A fast password hasher for the suite: the default PBKDF2 takes half a second per password on
    this machine's kind, and nearly every test makes people with passwords. Sign-in still checks
    passwords the same way; only the hash's cost differs."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No API rate limits in the suite (thousands of requests a minute by a few reused user ids); the
    # throttle's own tests set low rates (tests/api/test_throttling.py).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()  # DRF caches what it read of REST_FRAMEWORK; an assignment sends no signal
    _own_redis_db_per_xdist_worker(settings)


def _own_redis_db_per_xdist_worker(settings) -> None:
    """Under pytest-xdist (``make test`` runs ``-n auto``) each worker process gets its own Redis database:
    REDIS_URL's number plus the worker's index (gw0 keeps it, gw1 takes the next, ...). The broker's
    queues, task results and the projection cache of one worker's tests are then never seen, consumed
    or flushed by another's. Celery workers the tests start get the same URL (settings.REDIS_URL)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not settings.REDIS_URL or not worker.startswith("gw"):
        return
    parts = urlsplit(settings.REDIS_URL)
    base = int(parts.path.strip("/") or 0)
    url = urlunsplit(parts._replace(path=f"/{base + int(worker[2:])}"))
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_RESULT_BACKEND = url
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}

    from django.core.cache import caches

    caches.__dict__.pop("settings", None)  # read CACHES again at first use

    from config.celery import app

    app.conf.update(broker_url=url, result_backend=url)


@pytest.fixture(autouse=True)
def _thaw_frozen_snapshots_before_flush(request):
    """SQLite: a transactional test ends with Django emptying every table with DELETE, which the
    frozen-snapshot triggers refuse (PostgreSQL's TRUNCATE fires no row triggers). Delete the snapshot
    rows with the triggers lifted, then put the triggers back for the next test. Customer results go
    first too: a trigger refuses to delete a customer that has them (commissions migration 0004)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so it is torn down (flushed) after us
    yield
    if connection.vendor != "sqlite":
        return
    from adoption.frozen import SQLITE_DROP, SQLITE_TRIGGERS

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM commissions_customerresult")
        for statement in SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute("DELETE FROM adoption_targetline")
        cursor.execute("DELETE FROM adoption_targetchange")  # they point at the snapshots
        cursor.execute("DELETE FROM adoption_snapshot")
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)


@pytest.fixture
def csv_file(tmp_path):
    """``csv_file(text)`` writes ``text`` (or bytes) to a fresh file and returns its path."""
    counter = iter(range(1_000_000))

    def write(content: str | bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or f"import_{next(counter)}.csv")
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the test process (tests/browser/conftest.py says how it is found); skipped when
    Playwright or Chromium is missing."""
    from tests.browser.conftest import CHROMIUM, _available

    if not _available():
        pytest.skip("needs Playwright and Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()
