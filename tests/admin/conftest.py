from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Role, User, UserRole
from adoption.models import ArrRecord, Ownership, ScoreObservation
from commissions.models import Assignment, Deal, FxRate, ImportRecord, KpiActual
from commissions.services.plans import load_plan
from tests.builders import make_customer, make_snapshot, make_user

WORKED_PLAN = Path("/work/shared/examples/worked/plan.yaml")
if not WORKED_PLAN.exists():
    WORKED_PLAN = Path(__file__).resolve().parents[2] / "fixtures" / "worked" / "plan.yaml"


@pytest.fixture
def superuser(db) -> User:
    """A superuser who is not a cco (create_superuser gives the `admin` role only)."""
    return User.objects.create_superuser(email="root@example.com", password="correct horse battery staple")


@pytest.fixture
def cco_superuser(db) -> User:
    user = User.objects.create_superuser(email="chief@example.com", password="correct horse battery staple")
    UserRole.objects.create(user=user, role=Role.CCO)
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def rows(superuser, cco_superuser) -> dict:
    """One row of every model the admin shows."""
    csm = make_user(Role.CSM, email="csm@example.com", name="Casey Manager")
    customer = make_customer("ACME", name="Acme Corp", owner=csm)
    make_customer("GLOBEX", name="Globex", owner=csm)
    plan = load_plan(source=WORKED_PLAN.read_text())
    draft = make_snapshot("FY23", lines=1)
    approved = make_snapshot("FY22", lines=2, approved_by=cco_superuser)
    return {
        "user": csm,
        "userrole": csm.roles.get(),
        "customer": customer,
        "ownership": Ownership.objects.get(customer=customer),
        "arrrecord": ArrRecord.objects.create(
            customer=customer, as_of=date(2021, 4, 1), arr=Decimal("100000"), currency="USD"
        ),
        "snapshot": draft,
        "approved_snapshot": approved,
        "targetline": draft.lines.get(),
        "approved_targetline": approved.lines.first(),
        "scoreobservation": ScoreObservation.objects.create(
            customer=customer, as_of=date(2021, 7, 31), score=Decimal("55")
        ),
        "plan": plan,
        "component": plan.components.get(code="NRR"),
        "assignment": Assignment.objects.create(
            employee=csm, plan=plan, start_date=date(2021, 2, 1), on_target_amount=Decimal("3000.00")
        ),
        "deal": Deal.objects.create(
            deal_id="D-1",
            customer=customer,
            type="expansion",
            arr_delta=Decimal("7500"),
            currency="USD",
            booked_on=date(2021, 6, 1),
            effective_on=date(2021, 6, 1),
        ),
        "kpiactual": KpiActual.objects.create(period="FY22-Q2", employee=csm, kpi="prs", value=Decimal("12")),
        "fxrate": FxRate.objects.create(period="FY22-Q2", currency="EUR", rate=Decimal("1.2")),
        "importrecord": ImportRecord.objects.create(
            kind="customers",
            file_name="customers.csv",
            sha256="0" * 64,
            user=superuser,
            status="applied",
            rows=2,
        ),
    }
