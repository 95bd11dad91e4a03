"""The worked example of DESIGN §4 with a second CSM on its plan, calculated; personas; the publication
task run in this process (with or without REDIS_URL) and pdftotext to read the PDFs."""

import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache

from accounts.models import Role, User
from commissions.models import Assignment, KpiActual, Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from dashboards import tasks
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

PERIOD = "FY22-Q2"
SITE = "https://attain.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in e-mails are absolute, built on SITE_URL: a value no default could produce."""
    settings.SITE_URL = SITE


@pytest.fixture(autouse=True)
def inline_publication(monkeypatch):
    """``publish_statements.delay`` runs the task at once, in this process, as without REDIS_URL."""
    monkeypatch.setattr(
        tasks.publish_statements,
        "delay",
        lambda *args, **kwargs: tasks.publish_statements.apply(args, kwargs),
    )


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", geo="")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com", geo="")


@pytest.fixture
def e1(db, cco):
    """The worked example imported (E1, who owns C1–C3), plus E2: a CSM of the same plan with an empty
    book and 5 PRs of 10, so only the KPI line applies and pays 3000.00 × 0.5 = 1500.00. Returns E1."""
    load_worked_example(cco)
    cache.clear()
    e2 = make_user(Role.CSM, email="e2@example.com", employee_id="E2", name="Eve Two")
    Assignment.objects.create(
        employee=e2,
        plan=Plan.objects.get(code="CS-FY22"),
        start_date="2021-02-01",
        on_target_amount=Decimal("3000.00"),
        kpi_goal=Decimal("10"),
    )
    KpiActual.objects.create(period=PERIOD, employee=e2, kpi="prs", value=Decimal("5"))
    return User.objects.get(employee_id="E1")


@pytest.fixture
def e2(e1):
    return User.objects.get(employee_id="E2")


@pytest.fixture
def calculated(e1, ops):
    """FY22-Q2 pulled and calculated; still open. Returns the period."""
    period = get_period(PERIOD)
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    return period


@pytest.fixture
def closed_run(calculated, ops, django_capture_on_commit_callbacks):
    """FY22-Q2 closed, its publication run (on commit, as in production). Returns the final run."""
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = close_period(period=calculated, user=ops)
    return run


def pdf_text(content: bytes, tmp_path) -> str:
    """The text of a PDF as pdftotext reads it, whitespace folded to single spaces."""
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    out = subprocess.run(["/usr/bin/pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())
