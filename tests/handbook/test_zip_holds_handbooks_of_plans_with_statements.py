"""A quarter's ZIP of statements holds the handbook of each plan with a statement in it, and no other
(docs/handbook.md "Where it is"): a plan of the year that paid nobody in the quarter has a final run — every
plan of the year is calculated before a close — but no statement, so its handbook is not in the ZIP, nor
counted on the archive's page."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import Assignment, Component, Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from dashboards import archives, tasks
from dashboards.models import StatementArchive
from tests.builders import make_user

from .conftest import PLAN
from .test_timeline_and_links import needs_weasyprint

pytestmark = pytest.mark.django_db

IDLE = "NRR-FY22"


@pytest.fixture
def closed_with_an_idle_plan(e1, ops, django_capture_on_commit_callbacks):
    """FY22-Q2 closed with two final runs: CS-FY22's, paying E1, and NRR-FY22's, paying nobody (its one CSM
    left it at the end of FY22-Q1). Returns the final runs."""
    idle = Plan.objects.create(code=IDLE, name="NRR only", fiscal_year="FY22", currency="USD")
    Component.objects.create(plan=idle, code="NRR", position=0, metric="nrr", weight=1)
    Assignment.objects.create(
        employee=make_user(Role.CSM, employee_id="E-LEFT", email="left@example.com"),
        plan=idle,
        start_date=date(2021, 2, 1),
        end_date=date(2021, 4, 30),
        on_target_amount=Decimal("1000"),
    )
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    for plan in Plan.objects.order_by("code"):
        calculate(period=period, plan=plan, user=ops)
    with django_capture_on_commit_callbacks(execute=True):
        return close_period(period=period, user=ops)


def test_a_plan_that_paid_nobody_brings_no_handbook(closed_with_an_idle_plan):
    finals = {run.plan.code: run for run in closed_with_an_idle_plan}
    assert set(finals) == {PLAN, IDLE} and not finals[IDLE].payouts.exists()
    run_ids = sorted(run.pk for run in closed_with_an_idle_plan)

    assert [plan.code for plan in archives.handbook_plans(run_ids)] == [PLAN]
    archive = StatementArchive(total=1, run_ids=run_ids)
    assert archives.archive_contents(archive) == {"statements": 1, "handbooks": 1}


def test_a_quarter_that_paid_nobody_holds_no_handbook(e1, ops):
    period = get_period("FY22-Q2")
    plan = Plan.objects.get(code=PLAN)
    run = Run.objects.create(period=period, plan=plan, version=1, status="succeeded", is_final=True)

    assert archives.handbook_plans([run.pk]) == []
    assert archives.archive_contents(StatementArchive(total=0, run_ids=[run.pk]))["handbooks"] == 0


@needs_weasyprint
def test_the_zip_holds_the_handbooks_of_its_statements_plans_only(
    closed_with_an_idle_plan, ops, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        tasks.build_statement_archive,
        "delay",
        lambda *args, **kwargs: tasks.build_statement_archive.apply(args, kwargs),
    )
    client.force_login(ops)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/statements/", {"period": "FY22-Q2"})
    archive = StatementArchive.objects.get()

    names = zipfile.ZipFile(io.BytesIO(bytes(archive.data))).namelist()

    assert names == ["FY22-Q2/E1-CS-FY22.pdf", f"FY22-Q2/handbook-{PLAN}.pdf"]
    assert f"FY22-Q2/handbook-{IDLE}.pdf" not in names
