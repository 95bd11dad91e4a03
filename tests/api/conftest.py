"""Personas (DESIGN §1), each with a personal API token, and a small world they look at.

AMER: ``csm`` owns ACME, ``other_csm`` owns GLOBEX, ``csvp`` is their Geo VP. EMEA: ``emea_csm`` owns
INITECH. ``cco``, ``finance``, ``ops`` and ``admin`` see everything; ``nobody`` holds no role.
"""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from adoption.models import ArrRecord, ScoreObservation
from api.tokens import create_token
from commissions.models import (
    Assignment,
    Component,
    ComponentResult,
    CustomerResult,
    Deal,
    FxRate,
    KpiActual,
    Payout,
    Plan,
    Run,
)
from commissions.services.periods import get_period
from tests.builders import make_customer, make_snapshot, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Eight personas per test: the production hasher would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db) -> dict[str, User]:
    return {
        "csm": make_user(Role.CSM, geo="AMER", email="csm@example.com"),
        "other_csm": make_user(Role.CSM, geo="AMER", email="other.csm@example.com"),
        "emea_csm": make_user(Role.CSM, geo="EMEA", email="emea.csm@example.com"),
        "csvp": make_user(Role.CSVP, geo="AMER", email="csvp@example.com"),
        "cco": make_user(Role.CCO, geo="", email="cco@example.com"),
        "finance": make_user(Role.FINANCE, geo="", email="finance@example.com"),
        "ops": make_user(Role.OPS, geo="", email="ops@example.com"),
        "admin": User.objects.create_superuser(email="admin@example.com", password="x" * 20),
        "nobody": make_user(geo="", email="nobody@example.com"),  # signed in, holds no role
    }


@pytest.fixture
def world(people) -> dict:
    """One customer per CSM with ARR, a score, a deal, a target line; a run with a payout per CSM."""
    owners = {"ACME": people["csm"], "GLOBEX": people["other_csm"], "INITECH": people["emea_csm"]}
    geos = {"ACME": "AMER", "GLOBEX": "AMER", "INITECH": "EMEA"}
    customers = {
        code: make_customer(code, geo=geos[code], owner=owner, segment="ENT")
        for code, owner in owners.items()
    }
    plan = Plan.objects.create(code="CS-FY22", name="CS plan", fiscal_year="FY22", currency="USD")
    Component.objects.create(plan=plan, code="ADOPTION", metric="adoption", weight=Decimal("1"))
    snapshot = make_snapshot("FY22", lines=0)
    period = get_period("FY22-Q2")
    FxRate.objects.create(period="FY22-Q2", currency="EUR", rate=Decimal("1.1"))
    run = Run.objects.create(
        plan=plan,
        period=period,
        version=1,
        status=Run.Status.SUCCEEDED,
        started_by=people["ops"],
        fingerprint="f",
    )
    for n, (code, customer) in enumerate(customers.items()):
        employee = owners[code]
        ArrRecord.objects.create(
            customer=customer, as_of=date(2021, 1, 1), arr=Decimal("1000"), currency="USD"
        )
        ScoreObservation.objects.create(customer=customer, as_of=date(2021, 6, 1), score=Decimal("50"))
        Deal.objects.create(
            deal_id=f"D{n}",
            customer=customer,
            type="expansion",
            arr_delta=Decimal("10"),
            currency="USD",
            booked_on=date(2021, 6, 1),
            effective_on=date(2021, 6, 1),
        )
        snapshot.lines.create(
            customer=customer, period="FY22-Q2", baseline_score=Decimal("40"), target_score=Decimal("60")
        )
        KpiActual.objects.create(period="FY22-Q2", employee=employee, kpi="QBR", value=Decimal("3"))
        Assignment.objects.create(
            employee=employee, plan=plan, start_date=date(2021, 2, 1), on_target_amount=Decimal("3000")
        )
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
            run=run, employee=employee, customer=customer, counted=True, reason="counted"
        )
    return {"customers": customers, "run": run, "plan": plan, "snapshot": snapshot}


@pytest.fixture
def client_for(people):
    """``client_for("csm")``: an API client authenticated by that persona's Bearer token."""

    def make(persona: str | None) -> APIClient:
        client = APIClient()
        if persona is not None:
            _, key = create_token(people[persona], "test")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


@pytest.fixture
def run_jobs(monkeypatch, django_capture_on_commit_callbacks):
    """``run_jobs(fn, *args, **kwargs)`` calls ``fn`` (a request, say), then the import-job steps it queued on
    commit, at once in this process as an eager worker does — with or without REDIS_URL (CI's real broker
    has no worker here; tests/imports_pages/test_import_job_on_a_worker.py runs one)."""
    from commissions import tasks

    monkeypatch.setattr(
        tasks.run_import_job, "delay", lambda job_id: tasks.run_import_job.apply(args=[job_id])
    )

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def api_import():
    """``api_import(client, kind, content, name=…, confirm=True)``: tests.api.imports.import_through_api."""
    from .imports import import_through_api

    return import_through_api
