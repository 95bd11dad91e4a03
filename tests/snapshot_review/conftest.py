"""People and targets files for the snapshot review tests (DESIGN §3 "Target snapshots").

``import_targets(*rows)`` imports a targets file (``fiscal_year,customer_id,baseline_score,period,
target_score`` rows) as ops, through the one import service; ``customers(n)`` makes customers C0001…
owned by ``owner`` when given.
"""

from datetime import date

import pytest

from accounts.models import Role
from commissions.services.imports import import_file
from tests.builders import make_customer, make_user

HEADER = "fiscal_year,customer_id,baseline_score,period,target_score"
REVIEW_DAY = date(2021, 6, 15)  # inside FY22 (February 2021 … January 2022)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", name="Olive Ops")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com", name="Casey Chief", geo="")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com", name="Fran Finance")


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN, email="admin@example.com", name="Ada Admin")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com", name="Cam Csm")


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, email="csvp@example.com", name="Val Vp")


@pytest.fixture
def import_targets(ops, csv_file):
    """``import_targets(*rows, dry_run=False)``: the rows under the targets header, imported as ops."""

    def run(*rows: str, dry_run: bool = False):
        text = "\n".join([HEADER, *rows]) + "\n"
        return import_file(kind="targets", path=csv_file(text), user=ops, dry_run=dry_run)

    return run


def customers(n: int, *, geo: str = "AMER", owner=None, start: int = 1) -> list[str]:
    """``n`` customers C0001, C0002, … (from ``start``); returns their ids."""
    ids = [f"C{i:04d}" for i in range(start, start + n)]
    for customer_id in ids:
        make_customer(customer_id, geo=geo, owner=owner, start_date=date(2019, 1, 1))
    return ids


@pytest.fixture
def review_day(monkeypatch):
    """Pins the day of the review (the CSM of a customer is its owner on that day)."""
    from dashboards.snapshots import views

    monkeypatch.setattr(views, "today", lambda: REVIEW_DAY)
    return REVIEW_DAY
