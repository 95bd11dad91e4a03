"""Personas and small helpers for the request and inquiry pages."""

from decimal import Decimal

import pytest

from accounts.models import Role
from approvals import services
from approvals.models import Request
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

JUSTIFICATION = "The customer migrated platforms mid-quarter; the score lags the work done."


@pytest.fixture
def period(db):
    return get_period("FY22-Q2")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", name="Casey Amer")


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", name="Other Amer")


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
def ops(db):
    return make_user(Role.OPS, geo="", name="Op Erator")


@pytest.fixture
def customer(csm):
    return make_customer("ACME", name="Acme Corp", geo="AMER", owner=csm)


@pytest.fixture
def emea_customer(db):
    return make_customer("EMCO", name="Emco GmbH", geo="EMEA")


@pytest.fixture
def file(amer_vp, period):
    """``file(customer, kind=..., value=..., user=...)`` files a request through the service."""

    def make(customer, *, kind=Request.Kind.EXCEPTION, value="0.9", user=None) -> Request:
        return services.file_request(
            user=user or amer_vp,
            kind=kind,
            customer=customer,
            period=period,
            value=Decimal(value),
            justification=JUSTIFICATION,
        )

    return make


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
