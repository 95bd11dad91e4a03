"""The worked example of DESIGN §4 loaded through the import and plan services, plus personas."""

from pathlib import Path

import pytest

from accounts.models import Role
from adoption.services import approve_snapshot
from commissions.services.imports import import_file
from commissions.services.plans import load_plan
from tests.builders import make_user, people_importer

WORKED = Path(__file__).resolve().parents[2] / "fixtures" / "worked"
KINDS = ["employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis"]


def load_worked_example(cco) -> None:
    for kind in KINDS:
        # Roles are an admin's to give (access.may_change_roles): the employees file comes from one.
        importer = people_importer() if kind == "employees" else None
        import_file(kind=kind, path=WORKED / f"{kind}.csv", user=importer)
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")
    import_file(kind="assignments", path=WORKED / "assignments.csv")
    approve_snapshot(fiscal_year="FY22", user=cco)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def worked(db, cco):
    """The worked example's data, imported; the snapshot approved; no pull yet."""
    load_worked_example(cco)


@pytest.fixture
def quarter(worked):
    """FY22-Q2 of the worked example, its scores pulled: ready to calculate."""
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores

    period = get_period("FY22-Q2")
    pull_scores(period=period)
    return period


# Tests of this folder that start real Celery workers (``make test-fast`` leaves them out).
WORKER_MODULES = {"test_sharded_runs_on_workers.py"}
WORKER_TESTS = {"test_quarter_end_task_on_a_real_worker_delivered_twice"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        path = Path(item.path).resolve()
        if path.parent == here and (path.name in WORKER_MODULES or item.originalname in WORKER_TESTS):
            item.add_marker(pytest.mark.workers)
