"""The admin refuses what the import refuses, with the import's message (DESIGN §3 "Frozen and closed
data")."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation
from commissions.models import Assignment, Deal, FxRate, KpiActual
from commissions.services.close import reopen_period

pytestmark = pytest.mark.django_db

ASSIGNMENTS = (
    "FY22-Q2 is closed: assignments that overlap it or date its deals cannot change (ops may re-open it, "
    "with a reason)"
)


@pytest.fixture
def admin_client(client, closed):
    user = User.objects.create_superuser(email="root@example.com", password="correct horse battery staple")
    client.force_login(user)
    return client


def url(obj, view: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def post_change(client, obj, **changes):
    """Submit the object's admin change form with ``changes`` over its current values."""
    form = client.get(url(obj, "change")).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields} | changes
    data = {name: "" if value is None else value for name, value in data.items()}
    return client.post(url(obj, "change"), data)


def form_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def test_backdated_assignment_change_is_refused_with_the_import_message(admin_client):
    assignment = Assignment.objects.get()
    response = post_change(admin_client, assignment, on_target_amount="4000.00")
    # As the import says it: the column changed, with the stored and the asked value.
    changed = ASSIGNMENTS.replace(
        " (ops may",
        "; on_target_amount is stored as 3000.00, read by FY22-Q2, and cannot become 4000.00 (ops may",
    )
    assert response.status_code == 200 and form_errors(response) == [changed]
    assert Assignment.objects.get().on_target_amount == Decimal("3000.00")


def test_assignment_delete_and_bulk_delete_are_refused(admin_client):
    assignment = Assignment.objects.get()
    response = admin_client.post(url(assignment, "delete"), {"post": "yes"}, follow=True)
    assert ASSIGNMENTS in [str(m) for m in response.context["messages"]]
    changelist = reverse("admin:commissions_assignment_changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
        follow=True,
    )
    assert ASSIGNMENTS in [str(m) for m in response.context["messages"]]
    assert Assignment.objects.exists()


@pytest.mark.parametrize(
    ("model", "changes", "message"),
    [
        (KpiActual, {"value": "20"}, "FY22-Q2 is closed: KPI values credited to it"),
        (Deal, {"arr_delta": "9000"}, "a deal dated in a closed quarter (booked or effective)"),
        (
            Ownership,
            {"start_date": "2021-06-01"},
            "FY22-Q2 is closed: ownership rows dated on or before its end",
        ),
        (ArrRecord, {"arr": "1"}, "FY22-Q2 is closed: ARR rows dated on or before its end"),
        (ScoreObservation, {"score": "99"}, "FY22-Q2 is closed: scores dated in it"),
        (Customer, {"start_date": "2021-03-01"}, "FY22-Q2 is closed: start dates of its customers"),
    ],
)
def test_change_of_a_row_a_closed_quarter_read_is_refused(admin_client, model, changes, message):
    obj = model.objects.order_by("pk").last()
    before = model.objects.filter(pk=obj.pk).values().get()
    response = post_change(admin_client, obj, **changes)
    assert response.status_code == 200
    assert [error.split(" cannot change")[0] for error in form_errors(response)] == [message]
    assert model.objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.parametrize("model", [KpiActual, Deal, Ownership, ArrRecord, ScoreObservation, Customer])
def test_delete_of_a_row_a_closed_quarter_read_is_refused(admin_client, model):
    obj = model.objects.order_by("pk").last()
    response = admin_client.post(url(obj, "delete"), {"post": "yes"}, follow=True)
    assert any("FY22-Q2 is closed" in str(m) for m in response.context["messages"])
    assert model.objects.filter(pk=obj.pk).exists()


def test_fx_rate_added_to_a_closed_quarter_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:commissions_fxrate_add"), {"period": "FY22-Q2", "currency": "EUR", "rate": "1.2"}
    )
    assert response.status_code == 200
    assert form_errors(response)[0].startswith("FY22-Q2 is closed: FX rates credited to it")
    assert not FxRate.objects.exists()


def test_what_a_closed_quarter_did_not_read_still_changes_in_the_admin(admin_client):
    customer = Customer.objects.get(customer_id="C3")
    response = post_change(admin_client, customer, name="Initech Ltd", geo="EMEA")
    assert response.status_code == 302
    assert Customer.objects.get(customer_id="C3").geo == "EMEA"
    score = ScoreObservation.objects.create(customer=customer, as_of=date(2021, 8, 15), score=Decimal("30"))
    assert post_change(admin_client, score, score="35").status_code == 302
    assert admin_client.post(url(score, "delete"), {"post": "yes"}).status_code == 302
    assert not ScoreObservation.objects.filter(pk=score.pk).exists()


def test_after_reopen_the_admin_changes_the_assignment(admin_client, closed, ops):
    reopen_period(period=closed, user=ops, reason="OTI of E1 was raised in May")
    assert post_change(admin_client, Assignment.objects.get(), on_target_amount="4000.00").status_code == 302
    assert Assignment.objects.get().on_target_amount == Decimal("4000.00")
