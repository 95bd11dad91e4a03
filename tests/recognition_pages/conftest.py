"""Personas and builders of the recognition pages' tests (docs/incentives.md "Contests, wall of fame and
nudges"): one person per role, each test makes just the contest or config it needs."""

from datetime import date

import pytest

from accounts.models import Role
from recognition.services.contests import create_contest
from recognition.services.nudges import save_config
from tests.builders import make_user

START, END = date(2021, 5, 1), date(2021, 5, 31)  # a May long over: a contest of it may finish today
ROLES = ("ops", "cco", "finance", "admin", "csvp", "csm")


@pytest.fixture
def people(db) -> dict:
    """One active person per role, all of geo AMER."""
    return {
        "ops": make_user(Role.OPS),
        "cco": make_user(Role.CCO),
        "finance": make_user(Role.FINANCE),
        "admin": make_user(Role.ADMIN),
        "csvp": make_user(Role.CSVP, geo="AMER"),
        "csm": make_user(Role.CSM, geo="AMER"),
    }


def draft_contest(by, *, code="clean-data-may", **fields):
    """A draft contest of May 2021 for all CSMs (or as ``fields`` say)."""
    return create_contest(
        user=by, code=code, name=fields.pop("name", "Clean data in May"), start=START, end=END, **fields
    )


def logins_config(by, **fields):
    """The CCO's nudge config of the bottom 5% by login rate."""
    values = {
        "metric": "login_rate",
        "subject": "Your $metric in $month",
        "message": "Hello $name, your $metric in $month was $value. Task: $task",
        "task_title": "Prepare a 5-minute demo of a feature",
    }
    return save_config(user=by, code=fields.pop("code", "logins"), **(values | fields))
