"""Data built once per test module instead of once per test.

A module-scoped fixture builds its world inside one transaction (``built_once``) that is rolled back when
the module's last test is done. Each test still runs in its own transaction nested in it (pytest-django's
``db``), so a test's writes are undone before the next test starts, exactly as if the world had just been
built for it. Only modules whose every test uses the world, and whose tests are not transactional,
share it (``shares``): another test of the module would otherwise see rows it did not ask for, and a
transactional test flushes the database, which cannot happen inside the outer transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction

TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        TRANSACTIONAL_FIXTURES & set(item.fixturenames)
    )


def shares(request, fixture: str) -> bool:
    """Whether every test of the requesting module uses ``fixture`` and none of them is transactional."""
    items = [item for item in request.session.items if getattr(item, "module", None) is request.module]
    return bool(items) and all(fixture in item.fixturenames and not _transactional(item) for item in items)


@contextmanager
def built_once(django_db_blocker):
    """``with built_once(django_db_blocker): build(); yield`` keeps the rows until the block ends, then
    rolls them back."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


# --- The demo company, shared by the dashboards' and downloads' tests ------------------------------------

DEMO_DAY = date(2026, 11, 25)


def build_demo() -> None:
    """The demo company as of ``DEMO_DAY``: ended quarters pulled, calculated and (but the last) closed."""
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=DEMO_DAY)
    run_demo_quarters(today=DEMO_DAY)


@pytest.fixture(scope="module")
def _demo_of_module(request, django_db_setup, django_db_blocker):
    """The demo built once for a module whose every test uses it; else nothing."""
    if not shares(request, "demo"):
        yield False
        return
    with built_once(django_db_blocker):
        build_demo()
        yield True


@pytest.fixture
def demo(_demo_of_module, db):
    """The demo company as of ``DEMO_DAY`` (FY27-Q3 open, FY27-Q4 live), fresh for each test."""
    if _demo_of_module:
        cache.clear()  # as after a fresh build: no projection of an earlier test is served
    else:
        build_demo()
