"""People with every role and combination of roles (DESIGN §1), and a small quarter they act on.

AMER: ``ACME`` is owned by a CSM; FY22-Q2 has a score, a pull-ready snapshot line, one plan with one
assignment. The personas are built per test from ``PERSONAS``; ``filer``, ``approver_cco`` and
``approver_finance`` are other people who take the other steps of a request.
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role, User
from adoption.models import ArrRecord, ScoreObservation, Snapshot
from approvals.models import Request
from commissions.models import Assignment, Component, Plan
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

QUARTER = "FY22-Q2"
JUSTIFICATION = "The customer's telemetry was down for six weeks of the quarter."

# persona -> roles; ``inactive`` holds ops but its account is switched off.
PERSONAS: dict[str, tuple[str, ...]] = {
    "csm": (Role.CSM,),
    "csvp": (Role.CSVP,),
    "cco": (Role.CCO,),
    "finance": (Role.FINANCE,),
    "ops": (Role.OPS,),
    "admin": (Role.ADMIN,),
    "nobody": (),
    "inactive": (Role.OPS,),
    "ops+cco": (Role.OPS, Role.CCO),
    "ops+finance": (Role.OPS, Role.FINANCE),
    "ops+admin": (Role.OPS, Role.ADMIN),
    "csvp+cco": (Role.CSVP, Role.CCO),
    "cco+finance": (Role.CCO, Role.FINANCE),
}


def make_persona(persona: str) -> User:
    email = persona.replace("+", ".") + "@example.com"
    return make_user(*PERSONAS[persona], geo="AMER", email=email, is_active=persona != "inactive")


@pytest.fixture
def world(db) -> dict:
    csm = make_user(Role.CSM, geo="AMER", email="owner.csm@example.com")
    customer = make_customer("ACME", geo="AMER", owner=csm, segment="ENT")
    plan = Plan.objects.create(code="CS-FY22", name="CS plan", fiscal_year="FY22", currency="USD")
    Component.objects.create(plan=plan, code="ADOPTION", metric="adoption", weight=Decimal("1"))
    Assignment.objects.create(
        employee=csm, plan=plan, start_date=date(2021, 2, 1), on_target_amount=Decimal("3000")
    )
    ArrRecord.objects.create(customer=customer, as_of=date(2021, 1, 1), arr=Decimal("1000"), currency="USD")
    ScoreObservation.objects.create(customer=customer, as_of=date(2021, 6, 1), score=Decimal("50"))
    snapshot = Snapshot.objects.create(fiscal_year="FY22")
    snapshot.lines.create(
        customer=customer, period=QUARTER, baseline_score=Decimal("40"), target_score=Decimal("60")
    )
    return {
        "csm": csm,
        "customer": customer,
        "plan": plan,
        "period": get_period(QUARTER),
        "snapshot": snapshot,
    }


@pytest.fixture
def others(db) -> dict[str, User]:
    """The people who take a request's other steps."""
    return {
        "filer": make_user(Role.CSVP, geo="AMER", email="filer@example.com"),
        "cco": make_user(Role.CCO, geo="", email="approver.cco@example.com"),
        "finance": make_user(Role.FINANCE, geo="", email="approver.finance@example.com"),
        "ops": make_user(Role.OPS, geo="", email="closer.ops@example.com"),
    }


def make_request(world, *, filed_by: User, status: str = Request.Status.PENDING_CCO, **fields) -> Request:
    request = Request.objects.create(
        kind=Request.Kind.EXCEPTION,
        customer=world["customer"],
        period=world["period"],
        value=Decimal("1.1"),
        justification=JUSTIFICATION,
        filed_by=filed_by,
    )
    if status != Request.Status.PENDING_CCO or fields:
        Request.objects.filter(pk=request.pk).update(status=status, **fields)
        request.refresh_from_db()
    return request
