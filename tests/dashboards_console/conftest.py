"""Personas, the worked example and inline tasks for the operations console's tests."""

import pytest

from accounts.models import Role
from commissions import tasks
from commissions.services.periods import get_period
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

PERIOD = "FY22-Q2"
URL = f"/console/?period={PERIOD}"


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, email="admin@example.com")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com")


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, email="vp@example.com")


@pytest.fixture
def worked(db, cco):
    """The worked example of DESIGN §4, imported; the FY22 snapshot approved; no pull yet."""
    load_worked_example(cco)
    return get_period(PERIOD)


@pytest.fixture
def inline_tasks(monkeypatch):
    """``calculate_plan.delay`` runs the task at once, in this process, with or without REDIS_URL."""
    monkeypatch.setattr(
        tasks.calculate_plan, "delay", lambda *args, **kwargs: tasks.calculate_plan(*args, **kwargs)
    )


@pytest.fixture
def as_user(client):
    """``as_user(user)`` signs ``user`` in on the test client and returns the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def post(client, name: str, capture, **data):
    """POST to the console route ``name`` with on-commit callbacks run; follow the redirect."""
    with capture(execute=True):
        return client.post(f"/console/{name}/", {"period": PERIOD, **data}, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
