"""Personas and a demo company for the team and company pages."""

from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Role, User
from tests.builders import make_user
from tests.worlds import built_once, shares

DEMO_DAY = date(2026, 11, 25)


@pytest.fixture
def amer_vp(db):
    return make_user(Role.CSVP, geo="AMER", name="Avery Vp")


@pytest.fixture
def emea_vp(db):
    return make_user(Role.CSVP, geo="EMEA", name="Emil Vp")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, geo="", name="Chief Customer")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, geo="", name="Fin Ance")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", name="Casey Amer")


@pytest.fixture
def today():
    return timezone.localdate()


def build_demo() -> None:
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=DEMO_DAY)
    run_demo_quarters(today=DEMO_DAY)


@pytest.fixture(scope="module")
def _demo_of_module(request, django_db_setup, django_db_blocker):
    """The demo built once for a module whose every test uses it (tests/worlds.py); else nothing."""
    if not shares(request, "demo"):
        yield False
        return
    with built_once(django_db_blocker):
        build_demo()
        yield True


@pytest.fixture
def demo(_demo_of_module, db):
    """The demo company as of DEMO_DAY: ended quarters pulled, calculated and (but the last) closed."""
    if _demo_of_module:
        cache.clear()  # as after a fresh build: no projection of an earlier test is served
    else:
        build_demo()


def demo_person(role: str, geo: str = "") -> User:
    people = User.objects.filter(roles__role=role)
    if geo:
        people = people.filter(geo=geo)
    return people.order_by("pk").first()


@pytest.fixture
def on_demo_day(monkeypatch):
    """Pin the team page's day to the demo's, so its current quarter is the demo's open one."""
    from dashboards.team import views

    monkeypatch.setattr(views, "today", lambda: DEMO_DAY)
    return DEMO_DAY
