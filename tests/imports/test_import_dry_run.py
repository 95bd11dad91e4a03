"""--dry-run validates and reports what would change, and writes nothing but its record."""

from decimal import Decimal

import pytest

from accounts.models import User, UserRole
from adoption.models import ScoreObservation, Snapshot, TargetLine
from commissions.models import ImportRecord
from tests.builders import make_customer

from .conftest import lines

pytestmark = pytest.mark.django_db


def test_dry_run_reports_and_writes_nothing(run_import):
    make_customer("C1")
    result = run_import(
        "scores", lines("customer_id,as_of,score", "C1,2021-07-30,55", "C1,2021-07-31,56"), dry_run=True
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    assert result.summary == "scores: 2 rows — 2 created, 0 updated, 0 unchanged (dry run)"
    assert not ScoreObservation.objects.exists()
    record = ImportRecord.objects.get()
    assert (record.status, record.rows, record.created) == ("dry_run", 2, 2)


def test_dry_run_counts_updates_against_stored_rows(run_import):
    make_customer("C1")
    run_import("scores", lines("customer_id,as_of,score", "C1,2021-07-30,55"))
    result = run_import(
        "scores", lines("customer_id,as_of,score", "C1,2021-07-30,60", "C1,2021-07-31,56"), dry_run=True
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert list(ScoreObservation.objects.values_list("score", flat=True)) == [Decimal("55")]


def test_dry_run_of_targets_creates_no_snapshot(run_import):
    make_customer("C1")
    text = lines("fiscal_year,customer_id,baseline_score,period,target_score", "FY22,C1,40,FY22-Q2,60")
    assert run_import("targets", text, dry_run=True).created == 1
    assert not Snapshot.objects.exists()
    assert not TargetLine.objects.exists()


def test_dry_run_of_employees_writes_no_user(run_import):
    text = lines(
        "employee_id,email,name,roles,geo,manager_employee_id",
        "E1,e1@example.com,Erin,csm,AMER,E2",
        "E2,e2@example.com,Eve,cco,AMER,",
    )
    result = run_import("employees", text, dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert not User.objects.exclude(email="importer@example.com").exists()
    assert not UserRole.objects.exclude(user__email="importer@example.com").exists()
