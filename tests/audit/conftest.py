from decimal import Decimal

import pytest
from django.conf import settings

from accounts.models import Role
from commissions.models import ImportRecord, Plan
from commissions.services.periods import get_period
from tests.builders import make_user

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="pghistory's triggers exist only on PostgreSQL")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, email="csvp@example.com", geo="AMER")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com")


@pytest.fixture
def plan(db):
    return Plan.objects.create(code="CSM-FY22", name="CSM plan", fiscal_year="FY22", currency="USD")


@pytest.fixture
def period(db):
    return get_period("FY22-Q2")


def make_import(user=None, *, kind="targets", file_name="targets.csv", rows=3) -> ImportRecord:
    return ImportRecord.objects.create(
        kind=kind,
        file_name=file_name,
        sha256="ab" * 32,
        user=user,
        status=ImportRecord.Status.APPLIED,
        rows=rows,
        created=rows,
    )


ZERO = Decimal("0")
