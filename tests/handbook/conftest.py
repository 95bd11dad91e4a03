"""The worked example of DESIGN §4 (E1 on CS-FY22, 3,000.00 USD a quarter) with the people around E1: a
manager and the manager's manager, the Geo VPs of AMER (E1's geo) and EMEA, another CSM, ops."""

import pytest

from accounts.models import Role, User
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

PLAN = "CS-FY22"
PAGE = f"/handbook/{PLAN}/"


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", geo="")


@pytest.fixture
def e1(db, cco):
    """E1 of the worked example, reporting to a manager who reports to a director (neither holds a role
    that sees everything)."""
    load_worked_example(cco)
    director = make_user(email="director@example.com", name="Dana Director")
    manager = make_user(Role.CSM, email="manager@example.com", name="Max Manager", manager=director)
    e1 = User.objects.get(employee_id="E1")
    e1.manager = manager
    e1.save(update_fields=["manager"])
    return e1


@pytest.fixture
def manager(e1):
    return e1.manager


@pytest.fixture
def director(e1):
    return e1.manager.manager


@pytest.fixture
def other_csm(e1):
    return make_user(Role.CSM, email="other@example.com", name="Olly Other")
