"""Contest personas and builders (docs/design.md §11.5): each test makes just the contest it needs."""

from datetime import date

import pytest

from accounts.models import Role
from recognition.services.contests import create_contest, start_contest
from tests.builders import make_user

START, END = date(2021, 5, 1), date(2021, 5, 31)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO)


def active_contest(ops, people, *, prize="100.00", code="clean-data-may", **fields):
    contest = create_contest(
        user=ops,
        code=code,
        name="Clean data in May",
        start=fields.pop("start", START),
        end=fields.pop("end", END),
        prize=prize,
        currency="EUR" if prize else "",
        participants="list",
        people=people,
        **fields,
    )
    return start_contest(contest=contest, user=ops)
