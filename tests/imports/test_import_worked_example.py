"""The worked example of DESIGN §4 imports cleanly, in dependency order, and lands as written."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from commissions.models import Assignment, Deal, ImportRecord, KpiActual
from commissions.services.imports import import_file
from commissions.services.plans import load_plan
from tests.builders import people_importer

from .conftest import WORKED

ORDER = ["employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis", "assignments"]
ROWS = {
    "employees": 1,
    "customers": 3,
    "ownership": 3,
    "arr": 3,
    "targets": 3,
    "scores": 3,
    "deals": 1,
    "kpis": 1,
    "assignments": 1,
}


def import_worked_example(**options):
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")
    return {
        kind: import_file(kind=kind, path=WORKED / f"{kind}.csv", **_as_admin(kind, options))
        for kind in ORDER
    }


def _as_admin(kind: str, options: dict) -> dict:
    """Roles are an admin's to give (access.may_change_roles): the employees file comes from one."""
    return {"user": people_importer(), **options} if kind == "employees" else options


@pytest.mark.django_db
def test_worked_example_imports_cleanly():
    results = import_worked_example()
    for kind, result in results.items():
        assert (result.rows, result.created, result.updated, result.unchanged) == (
            ROWS[kind],
            ROWS[kind],
            0,
            0,
        )
    assert ImportRecord.objects.filter(status="applied").count() == len(ORDER)


@pytest.mark.django_db
def test_worked_example_lands_as_written():
    import_worked_example()
    erin = User.objects.get(employee_id="E1")
    assert (erin.email, erin.name, erin.geo, erin.role_codes) == (
        "e1@example.com",
        "Erin One",
        "AMER",
        {"csm"},
    )
    assert not erin.has_usable_password()
    assert Customer.objects.get(customer_id="C3").start_date == date(2021, 6, 15)
    assert set(Ownership.objects.values_list("customer__customer_id", "employee__employee_id")) == {
        ("C1", "E1"),
        ("C2", "E1"),
        ("C3", "E1"),
    }
    assert ArrRecord.objects.get(customer__customer_id="C1").arr == Decimal("100000.00")
    snapshot = Snapshot.objects.get(fiscal_year="FY22")
    assert snapshot.status == Snapshot.Status.DRAFT
    lines = {
        line.customer.customer_id: (line.period, line.baseline_score, line.target_score)
        for line in TargetLine.objects.select_related("customer")
    }
    assert lines == {
        "C1": ("FY22-Q2", Decimal("40"), Decimal("60")),
        "C2": ("FY22-Q2", Decimal("70"), None),
        "C3": ("FY22-Q2", Decimal("30"), Decimal("50")),
    }
    assert ScoreObservation.objects.get(customer__customer_id="C1").score == Decimal("55")
    deal = Deal.objects.get(deal_id="D1")
    assert (deal.customer.customer_id, deal.type, deal.arr_delta, deal.booked_on) == (
        "C2",
        "expansion",
        Decimal("7500"),
        date(2021, 6, 1),
    )
    assert KpiActual.objects.get().value == Decimal("12")
    assignment = Assignment.objects.get()
    assert (assignment.plan.code, assignment.start_date, assignment.end_date) == (
        "CS-FY22",
        date(2021, 2, 1),
        None,
    )
    assert (assignment.on_target_amount, assignment.nrr_goal, assignment.kpi_goal) == (
        Decimal("3000.00"),
        Decimal("1.10"),
        Decimal("10"),
    )


@pytest.mark.django_db
def test_worked_example_reimported_changes_nothing():
    import_worked_example()
    again = {kind: import_file(kind=kind, path=WORKED / f"{kind}.csv") for kind in ORDER}
    for kind, result in again.items():
        assert (result.created, result.updated, result.unchanged) == (0, 0, ROWS[kind]), kind
