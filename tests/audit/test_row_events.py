"""On PostgreSQL every change of an audited table leaves an event with the actor (issue 4 §5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Role, UserRole
from adoption.models import TargetLine
from adoption.services import approve_snapshot
from approvals import services as approvals
from approvals.models import Request
from audit.entries import NOT_RECORDED
from audit.models import (
    AssignmentEvent,
    ComponentEvent,
    PeriodStatusEvent,
    PlanEvent,
    RequestEvent,
    RunEvent,
    SnapshotEvent,
    TargetLineEvent,
    UserRoleEvent,
)
from audit.selectors import AuditFilters, audit_trail
from commissions.models import Assignment, Component, Plan, Run
from commissions.services.close import close_period
from commissions.services.runs import prepare
from core.history import history_context
from tests.builders import make_customer, make_snapshot, make_user

from .conftest import postgres_only

pytestmark = [pytest.mark.django_db, postgres_only]


def actor_of(event) -> object:
    return event.pgh_context.metadata.get("user") if event.pgh_context_id else None


def changes_of(entry) -> dict:
    return {change.field: (change.before, change.after) for change in entry.changes}


def entries(**filters):
    return list(audit_trail(filters=AuditFilters(**filters)))


def test_snapshot_approval_is_recorded_with_the_approver_and_before_after(cco):
    snapshot = make_snapshot("FY22", lines=1)
    with history_context(user=cco.pk, url="/test"):
        approve_snapshot(fiscal_year="FY22", user=cco)
    event = SnapshotEvent.objects.get(pgh_obj_id=snapshot.pk, pgh_label="update")
    assert event.status == "approved" and actor_of(event) == cco.pk
    [entry] = [e for e in entries(object_type="snapshot") if e.action == "update"]
    assert entry.who == "cco@example.com" and entry.object_label == "FY22"
    assert changes_of(entry)["status"] == ("draft", "approved")
    assert changes_of(entry)["approved_by"] == ("", "cco@example.com")


def test_target_lines_inserted_by_bulk_create_are_recorded(ops):
    snapshot = make_snapshot("FY23", lines=0)
    customers = [make_customer(f"C-BULK-{n}") for n in range(3)]
    with history_context(user=ops.pk):
        TargetLine.objects.bulk_create(
            TargetLine(snapshot=snapshot, customer=c, period="FY23-Q1", baseline_score=Decimal("50"))
            for c in customers
        )
    events = TargetLineEvent.objects.filter(pgh_label="insert", snapshot=snapshot)
    assert events.count() == 3 and {actor_of(e) for e in events} == {ops.pk}
    labels = {e.object_label for e in entries(object_type="target")}
    assert "FY23 · C-BULK-0 · FY23-Q1" in labels


def test_plan_and_component_changed_by_queryset_update_are_recorded(ops, plan):
    component = Component.objects.create(plan=plan, code="adoption", metric="adoption", weight=Decimal("1"))
    with history_context(user=ops.pk):
        Plan.objects.filter(pk=plan.pk).update(customer_cap=Decimal("2"))
        Component.objects.filter(pk=component.pk).update(weight=Decimal("0.5"))
    plan_event = PlanEvent.objects.get(pgh_obj_id=plan.pk, pgh_label="update")
    component_event = ComponentEvent.objects.get(pgh_obj_id=component.pk, pgh_label="update")
    assert actor_of(plan_event) == actor_of(component_event) == ops.pk
    [entry] = [e for e in entries(object_type="component") if e.action == "update"]
    assert entry.object_label == "CSM-FY22/adoption"
    assert changes_of(entry)["weight"] == ("1", "0.5")


def test_assignment_changed_by_raw_sql_is_recorded_even_without_context(plan):
    employee = make_user(Role.CSM)
    assignment = Assignment.objects.create(
        employee=employee, plan=plan, start_date=date(2021, 2, 1), on_target_amount=Decimal("1000")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commissions_assignment SET on_target_amount = 1500 WHERE id = %s", [assignment.pk]
        )
    event = AssignmentEvent.objects.get(pgh_obj_id=assignment.pk, pgh_label="update")
    assert event.on_target_amount == Decimal("1500") and event.pgh_context_id is None
    [entry] = [e for e in entries(object_type="assignment") if e.action == "update"]
    assert changes_of(entry)["on_target_amount"] == ("1000.00", "1500.00")
    assert entry.who.startswith("(no context")


def test_role_added_and_removed_are_recorded(ops):
    person = make_user(email="newcomer@example.com")
    with history_context(user=ops.pk):
        role = UserRole.objects.create(user=person, role=Role.FINANCE)
        UserRole.objects.filter(pk=role.pk).delete()
    events = UserRoleEvent.objects.filter(pgh_obj_id=role.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "delete"]
    assert {actor_of(e) for e in events} == {ops.pk}
    role_entries = [e for e in entries(object_type="role", person="ops@") if e.object_id == str(role.pk)]
    assert {e.action for e in role_entries} == {"insert", "delete"}
    assert {e.object_label for e in role_entries} == {"newcomer@example.com: finance"}


def test_run_status_change_is_recorded_but_progress_ticks_are_not(ops, plan, period):
    run = Run.objects.create(plan=plan, period=period, version=1, fingerprint="f" * 64, started_by=ops)
    Run.objects.filter(pk=run.pk).update(progress=50)
    with history_context(user=ops.pk):
        Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED, progress=100)
    assert [e.pgh_label for e in RunEvent.objects.filter(pgh_obj_id=run.pk).order_by("pgh_id")] == [
        "insert",
        "update",
    ]
    [entry] = [e for e in entries(object_type="run") if e.action == "update"]
    assert entry.object_label == "CSM-FY22 FY22-Q2 v1" and entry.who == "ops@example.com"
    assert changes_of(entry)["status"] == ("running", "succeeded")


def test_period_close_is_recorded_with_the_closer(ops, plan, period):
    # A run of the quarter's current inputs (close accepts only a current run).
    digest = prepare(period=period, plan=Plan.objects.get(pk=plan.pk))[1]
    Run.objects.create(plan=plan, period=period, version=1, fingerprint=digest, status="succeeded")
    with history_context(user=ops.pk):
        close_period(period=period, user=ops)
    event = PeriodStatusEvent.objects.get(pgh_obj_id=period.pk, pgh_label="update")
    assert event.status == "closed" and actor_of(event) == ops.pk
    [entry] = [e for e in entries(object_type="period") if e.action == "update"]
    assert changes_of(entry)["status"] == ("open", "closed")
    assert changes_of(entry)["closed_by"] == ("", "ops@example.com")
    assert RunEvent.objects.filter(pgh_obj_id__isnull=False, pgh_label="update", is_final=True).exists()


def test_request_transition_is_recorded_with_the_approver(cco, csvp, period):
    customer = make_customer(geo="AMER")
    with history_context(user=csvp.pk):
        request = approvals.file_request(
            user=csvp,
            kind=Request.Kind.EXCEPTION,
            customer=customer,
            period=period,
            value="1",
            justification="The customer's data feed was down for the quarter.",
        )
    with history_context(user=cco.pk):
        approvals.approve(request=request, user=cco, comment="Agreed, the outage is documented.")
    events = RequestEvent.objects.filter(pgh_obj_id=request.pk).order_by("pgh_id")
    assert [(e.pgh_label, actor_of(e)) for e in events] == [("insert", csvp.pk), ("update", cco.pk)]
    [entry] = [e for e in entries(object_type="request", person="cco@") if e.action == "update"]
    assert changes_of(entry)["status"] == ("pending_cco", "pending_finance")
    assert changes_of(entry)["cco_approver"] == ("", "cco@example.com")


def test_delete_keeps_the_values_before(ops, plan):
    component = Component.objects.create(plan=plan, code="nrr", metric="nrr", weight=Decimal("1"))
    with history_context(user=ops.pk):
        component.delete()
    [entry] = [e for e in entries(object_type="component") if e.action == "delete"]
    assert changes_of(entry)["code"] == ("nrr", "") and entry.object_label == "CSM-FY22/nrr"


def test_first_update_of_a_row_older_than_the_audit_says_before_is_not_recorded(plan):
    with connection.cursor() as cursor:
        # A row from before auditing began: inserted with the audit triggers ignored.
        cursor.execute("ALTER TABLE commissions_plan DISABLE TRIGGER USER")
        cursor.execute(
            "INSERT INTO commissions_plan (code, name, fiscal_year, currency, credit_date,"
            " new_customer_window_days, adoption_formula, adoption_weighting, customer_cap, source,"
            " negative_balance, updated_at) VALUES ('OLD-FY21', 'Old', 'FY21', 'USD', 'booked', 90,"
            " 'progress', 'arr', 1.5, '', 'carry_forward', NOW()) RETURNING id"
        )
        old_id = cursor.fetchone()[0]
        cursor.execute("ALTER TABLE commissions_plan ENABLE TRIGGER USER")
    Plan.objects.filter(pk=old_id).update(name="Older")
    [entry] = [e for e in entries(object_type="plan", search="OLD-FY21") if e.action == "update"]
    assert changes_of(entry)["name"] == (NOT_RECORDED, "Older")
