"""A closed FY22-Q2: the worked example of DESIGN §4 imported, pulled, calculated and closed by ops."""

from pathlib import Path

import pytest

from accounts.models import Role, User
from adoption.services import approve_snapshot
from commissions.models import Period, Plan
from commissions.services.close import close_period
from commissions.services.imports import import_file
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.worlds import built_once, shares

WORKED = Path(__file__).resolve().parents[2] / "fixtures" / "worked"
if not WORKED.exists():
    WORKED = Path("/work/shared/examples/worked")
KINDS = ["employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis"]


def build_closed(ops) -> Period:
    cco = make_user(Role.CCO, email="cco@example.com")
    for kind in KINDS:
        import_file(kind=kind, path=WORKED / f"{kind}.csv", user=ops)
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")
    import_file(kind="assignments", path=WORKED / "assignments.csv", user=ops)
    approve_snapshot(fiscal_year="FY22", user=cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    close_period(period=period, user=ops)
    period.refresh_from_db()
    return period


def make_ops() -> User:
    return make_user(Role.OPS, Role.ADMIN, email="ops@example.com")


@pytest.fixture(scope="module")
def _closed_of_module(request, django_db_setup, django_db_blocker):
    """``(ops, period)`` primary keys of the closed quarter built once for a module whose every test
    uses ``closed`` (tests/worlds.py); else None."""
    if not shares(request, "closed"):
        yield None
        return
    with built_once(django_db_blocker):
        ops = make_ops()
        yield ops.pk, build_closed(ops).pk


@pytest.fixture
def ops(_closed_of_module, db) -> User:
    if _closed_of_module:
        return User.objects.get(pk=_closed_of_module[0])
    return make_ops()


@pytest.fixture
def closed(_closed_of_module, ops) -> Period:
    """FY22-Q2 closed, with its final run v1 (E1 paid 2333.33)."""
    if _closed_of_module:
        return Period.objects.get(pk=_closed_of_module[1])
    return build_closed(ops)
