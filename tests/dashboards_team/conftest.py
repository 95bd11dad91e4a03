"""Personas and a demo company for the team and company pages."""

import pytest
from django.utils import timezone

from accounts.models import Role, User
from tests import worlds
from tests.builders import make_user
from tests.worlds import _demo_of_module, demo  # noqa: F401

DEMO_DAY = worlds.DEMO_DAY


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
