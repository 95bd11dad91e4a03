"""A page with two messages: ops starts a draft contest (a success) and asks to start it again (an error,
it is active now); the messages wait in the session's cookie until the contest's page shows them."""

from datetime import date

import pytest

from accounts.models import Role
from recognition.services.contests import create_contest
from tests.builders import make_user

CODE = "clean-data-may"
PAGE = f"/recognition/contests/{CODE}/"
SUCCESS = "Started Clean data in May: events may be entered."
ERROR = "is active: this step needs it draft."


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, name="Olive Ops")


@pytest.fixture
def draft(ops):
    make_user(Role.CSM, employee_id="E1", name="Ann")
    return create_contest(
        user=ops, code=CODE, name="Clean data in May", start=date(2021, 5, 1), end=date(2021, 5, 31)
    )
