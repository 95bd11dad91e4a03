import pytest

from accounts.models import Role
from tests.builders import make_snapshot, make_user


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def approved(cco):
    """The FY22 snapshot, approved, with two target lines."""
    return make_snapshot("FY22", lines=2, approved_by=cco)


@pytest.fixture
def draft(db):
    """The FY23 snapshot, a draft with one target line."""
    return make_snapshot("FY23", lines=1)
