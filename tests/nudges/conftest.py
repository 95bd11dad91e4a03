"""Nudge personas and builders (docs/design.md §11.5)."""

import pytest

from accounts.models import Role
from recognition.services.nudges import save_config
from recognition.tasks import send_nudge_email
from tests.builders import make_user


@pytest.fixture(autouse=True)
def nudge_emails_run_in_process(monkeypatch):
    """The real task, called synchronously: independent of CELERY_TASK_ALWAYS_EAGER and REDIS_URL (with
    a broker the task would be queued for a worker the tests do not run)."""
    monkeypatch.setattr(send_nudge_email, "delay", lambda *args: send_nudge_email(*args))


@pytest.fixture
def cco(db):
    return make_user(Role.CCO)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS)


@pytest.fixture
def config(cco):
    return save_config(
        user=cco,
        code="logins",
        metric="login_rate",
        subject="Your $metric in $month",
        message="Hello $name, your $metric in $month was $value. Task: $task",
        task_title="Prepare a 5-minute demo of a feature",
    )


def csms(n: int, geo: str = "AMER"):
    return [make_user(Role.CSM, geo=geo) for _ in range(n)]
