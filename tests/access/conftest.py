"""Personas of DESIGN §1 and a small world they look at (healthchecks' alice/bob/charlie style).

AMER: ``csm`` owns ACME, ``other_csm`` owns GLOBEX, ``csvp`` is their Geo VP. EMEA: ``emea_csm`` owns
INITECH, ``emea_csvp`` is their Geo VP. ``cco``, ``finance``, ``ops`` and ``admin`` see everything;
``nobody`` holds no role; ``inactive`` is a CSM whose account is switched off.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, User
from adoption.models import Customer
from approvals.models import Inquiry, Request
from commissions.models import ComponentResult, CustomerResult, Payout, Period, Plan, Run
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def csm(db) -> User:
    return make_user(Role.CSM, geo="AMER", email="csm@example.com")


@pytest.fixture
def other_csm(db) -> User:
    return make_user(Role.CSM, geo="AMER", email="other.csm@example.com")


@pytest.fixture
def emea_csm(db) -> User:
    return make_user(Role.CSM, geo="EMEA", email="emea.csm@example.com")


@pytest.fixture
def csvp(db) -> User:
    return make_user(Role.CSVP, geo="AMER", email="csvp@example.com")


@pytest.fixture
def emea_csvp(db) -> User:
    return make_user(Role.CSVP, geo="EMEA", email="emea.csvp@example.com")


@pytest.fixture
def cco(db) -> User:
    return make_user(Role.CCO, geo="", email="cco@example.com", is_staff=True)


@pytest.fixture
def finance(db) -> User:
    return make_user(Role.FINANCE, geo="", email="finance@example.com", is_staff=True)


@pytest.fixture
def ops(db) -> User:
    return make_user(Role.OPS, geo="", email="ops@example.com", is_staff=True)


@pytest.fixture
def admin(db) -> User:
    """A superuser, as ``createsuperuser`` makes one: staff, with the ``admin`` role."""
    return User.objects.create_superuser(email="admin@example.com", password=PASSWORD)


@pytest.fixture
def nobody(db) -> User:
    return make_user(geo="AMER", email="nobody@example.com")


@pytest.fixture
def inactive(db) -> User:
    return make_user(Role.CSM, geo="AMER", email="inactive@example.com", is_active=False)


@pytest.fixture
def acme(csm) -> Customer:
    return make_customer("ACME", geo="AMER", owner=csm)


@pytest.fixture
def globex(other_csm) -> Customer:
    return make_customer("GLOBEX", geo="AMER", owner=other_csm)


@pytest.fixture
def initech(emea_csm) -> Customer:
    return make_customer("INITECH", geo="EMEA", owner=emea_csm)


@pytest.fixture
def customers(acme, globex, initech) -> dict[str, Customer]:
    return {"ACME": acme, "GLOBEX": globex, "INITECH": initech}


@pytest.fixture
def period(db) -> Period:
    return get_period("FY22-Q2")


@pytest.fixture
def run(period, ops, csm, other_csm, emea_csm, customers) -> Run:
    """A succeeded run with one payout, component line and customer line per CSM, rows made directly."""
    plan = Plan.objects.create(code="CS-FY22", name="CS plan", fiscal_year="FY22", currency="USD")
    run = Run.objects.create(
        plan=plan, period=period, version=1, status=Run.Status.SUCCEEDED, started_by=ops, fingerprint="f"
    )
    for employee, customer in [(csm, "ACME"), (other_csm, "GLOBEX"), (emea_csm, "INITECH")]:
        Payout.objects.create(
            run=run,
            employee=employee,
            on_target_amount=Decimal("3000"),
            amount=Decimal("1000.00"),
            currency="USD",
        )
        ComponentResult.objects.create(
            run=run,
            employee=employee,
            component="ADOPTION",
            metric="adoption",
            applies=True,
            weight=Decimal("1"),
            share=Decimal("1"),
            payout=Decimal("1000.00"),
        )
        CustomerResult.objects.create(
            run=run, employee=employee, customer=customers[customer], counted=True, reason="counted"
        )
    return run


@pytest.fixture
def published(run) -> Run:
    """``run`` as the final run of its quarter, closed: its statements are published (DESIGN §5)."""
    Run.objects.filter(pk=run.pk).update(is_final=True)
    Period.objects.filter(pk=run.period_id).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=run.started_by
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def requests_by_customer(period, csvp, emea_csvp, customers) -> dict[str, Request]:
    """One pending exception per customer, filed by the customer's Geo VP (rows made directly)."""
    filers = {"AMER": csvp, "EMEA": emea_csvp}
    return {
        code: Request.objects.create(
            kind=Request.Kind.EXCEPTION,
            customer=customer,
            period=period,
            value=Decimal("1"),
            justification="The score misses the rollout finished in the last week of the quarter.",
            filed_by=filers[customer.geo],
        )
        for code, customer in customers.items()
    }


@pytest.fixture
def inquiries_by_employee(period, csm, other_csm, emea_csm, customers) -> dict[str, Inquiry]:
    """One open inquiry per CSM about their own customer."""
    return {
        employee.email: Inquiry.objects.create(
            employee=employee, period=period, customer=customers[code], message="Why is this not counted?"
        )
        for employee, code in [(csm, "ACME"), (other_csm, "GLOBEX"), (emea_csm, "INITECH")]
    }
