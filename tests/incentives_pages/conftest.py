"""Personas and builders of the incentives pages' tests (docs/incentives.md "Pages"): one person per role,
and each test makes just the SPIFF, grant or rule it needs."""

from datetime import date

import pytest

from accounts.models import Role
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from tests.builders import assign_plan, make_user

# FY22 (fiscal years from February): Q2 is 2021-05-01 – 2021-07-31, its code FY22-Q2.
START, END = date(2021, 5, 1), date(2021, 5, 31)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, geo="")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, geo="")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, geo="")


@pytest.fixture
def csvp(db):
    """The Geo VP of AMER."""
    return make_user(Role.CSVP, geo="AMER")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", employee_id="E1")


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", employee_id="E2")


@pytest.fixture
def plan(db):
    """A plan of FY22, so that its quarters may be written (``open_period_for_writing``)."""
    return assign_plan(make_user(Role.CSM, employee_id="Z-PLAN", geo="EMEA"))


def persona(name: str):
    """A fresh person of one role (``admin`` holds the admin role only; ``none`` no role at all)."""
    roles = {
        "ops": (Role.OPS,),
        "cco": (Role.CCO,),
        "finance": (Role.FINANCE,),
        "csvp": (Role.CSVP,),
        "csm": (Role.CSM,),
        "admin": (Role.ADMIN,),
        "none": (),
    }[name]
    return make_user(*roles, geo="AMER")


def manual_spiff(ops, cco, *, budget="500.00", people=None, finance=None, **fields):
    """An approved SPIFF granted by hand (for the named ``people``, else all CSMs)."""
    spiff = create_spiff(
        user=ops,
        code=fields.pop("code", "saves-may"),
        name="Saved renewals",
        start=START,
        end=END,
        currency="USD",
        kind="manual",
        budget=budget,
        eligibility="list" if people else "all",
        people=people,
    )
    spiff = approve_spiff(spiff=propose_spiff(spiff=spiff, user=ops), user=cco)
    if finance is not None:
        spiff = approve_spiff(spiff=spiff, user=finance)
    return spiff
