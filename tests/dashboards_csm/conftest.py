"""Fixtures of the CSM pages: the worked example calculated and closed, personas, the demo company."""

import pytest
from django.core.cache import cache

from accounts.models import Role, User
from commissions.models import Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example
from tests.worlds import _demo_of_module, built_once, demo, shares  # noqa: F401


def make_cco() -> User:
    return make_user(Role.CCO, email="cco@example.com")


def build_worked(cco) -> User:
    load_worked_example(cco)
    user = User.objects.get(employee_id="E1")
    user.set_password("correct horse battery staple")
    user.save()
    return user


@pytest.fixture(scope="module")
def _worked_of_module(request, django_db_setup, django_db_blocker):
    """``(cco, E1)`` primary keys of the worked example imported once for a module whose every test uses
    ``worked`` (tests/worlds.py); else None."""
    if not shares(request, "worked"):
        yield None
        return
    with built_once(django_db_blocker):
        cco = make_cco()
        yield cco.pk, build_worked(cco).pk


@pytest.fixture
def cco(_worked_of_module, db):
    if _worked_of_module:
        return User.objects.get(pk=_worked_of_module[0])
    return make_cco()


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def worked(_worked_of_module, cco):
    """The worked example imported; the snapshot approved; no pull yet. Returns E1."""
    if _worked_of_module:
        cache.clear()  # as after a fresh import: no projection of an earlier test is served
        return User.objects.get(pk=_worked_of_module[1])
    return build_worked(cco)


@pytest.fixture
def worked_run(worked, ops):
    """The worked example pulled, calculated and closed: returns its final run."""
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    run = calculate(period=period, plan=Plan.objects.get(), user=ops).run
    close_period(period=period, user=ops)
    run.refresh_from_db()
    return run


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", employee_id="E2")
