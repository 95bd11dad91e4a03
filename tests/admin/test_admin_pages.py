"""Every admin page of accounts, adoption and commissions loads, searches, and lists without N+1 queries."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User, UserRole
from commissions.models import Component, ImportRecord
from tests.builders import make_customer, make_snapshot, make_user

# The models of accounts, adoption and commissions' base data (the quarter models have their own admin).
MODELS = [
    apps.get_model(name)
    for name in (
        "accounts.User",
        "accounts.UserRole",
        "adoption.Customer",
        "adoption.Ownership",
        "adoption.ArrRecord",
        "adoption.Snapshot",
        "adoption.TargetLine",
        "adoption.ScoreObservation",
        "commissions.Plan",
        "commissions.Component",
        "commissions.Assignment",
        "commissions.Deal",
        "commissions.KpiActual",
        "commissions.FxRate",
        "commissions.ImportRecord",
    )
]
ROW_KEYS = {model: model._meta.model_name for model in MODELS}


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_has_an_admin():
    missing = [model.__name__ for model in MODELS if model not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_loads_with_a_row(admin_client, rows, model):
    row = rows[ROW_KEYS[model]]
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert row.pk in [obj.pk for obj in response.context["cl"].result_list]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_loads(admin_client, rows, model):
    row = rows[ROW_KEYS[model]]
    response = admin_client.get(url(model, "change", row.pk))
    assert response.status_code == 200


# Read-only: import records, and roles (they change on the person's page, where the right is checked).
@pytest.mark.parametrize(
    "model", [m for m in MODELS if m not in (ImportRecord, UserRole)], ids=lambda m: m.__name__
)
def test_add_page_loads(admin_client, rows, model):
    assert admin_client.get(url(model, "add")).status_code == 200


def test_import_records_are_read_only(admin_client, rows):
    record = rows["importrecord"]
    assert admin_client.get(url(ImportRecord, "add")).status_code == 403
    response = admin_client.get(url(ImportRecord, "change", record.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert (
        admin_client.post(url(ImportRecord, "change", record.pk), {"file_name": "x.csv"}).status_code == 403
    )
    assert admin_client.get(url(ImportRecord, "delete", record.pk)).status_code == 403
    record.refresh_from_db()
    assert record.file_name == "customers.csv"


def test_search_finds_customers_by_id_or_name(admin_client, rows):
    from adoption.models import Customer

    response = admin_client.get(url(Customer, "changelist"), {"q": "acme"})
    assert [c.customer_id for c in response.context["cl"].result_list] == ["ACME"]
    response = admin_client.get(url(Customer, "changelist"), {"q": "GLOBEX"})
    assert [c.customer_id for c in response.context["cl"].result_list] == ["GLOBEX"]


def test_search_finds_users_by_email(admin_client, rows):
    response = admin_client.get(url(User, "changelist"), {"q": "csm@example"})
    assert [u.email for u in response.context["cl"].result_list] == ["csm@example.com"]


def test_users_list_shows_their_roles(admin_client, rows):
    response = admin_client.get(url(User, "changelist"), {"q": "chief"})
    assert b"admin, cco" in response.content


def test_adding_a_user_with_the_email_as_user_name(admin_client, db):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "New.Person@Example.com",
            "name": "New Person",
            "usable_password": "true",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-role": "finance",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.name == "New Person"
    assert user.check_password("a long enough passphrase 42")
    assert list(user.roles.values_list("role", flat=True)) == ["finance"]
    assert not user.is_staff


def test_adding_a_user_refuses_an_email_taken_in_another_case(admin_client, rows):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "CSM@example.com",
            "usable_password": "false",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == ["User with this Email already exists."]
    assert User.objects.filter(email__iexact="csm@example.com").count() == 1


def test_the_user_change_form_saves_roles_inline(admin_client, rows):
    csm = rows["user"]
    role = csm.roles.get()
    data = {
        "email": csm.email,
        "name": csm.name,
        "employee_id": csm.employee_id,
        "geo": "EMEA",
        "manager": "",
        "is_active": "on",
        "date_joined_0": "2021-01-01",
        "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "1",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": role.pk,
        "roles-0-user": csm.pk,
        "roles-0-role": "csm",
        "roles-1-id": "",
        "roles-1-user": csm.pk,
        "roles-1-role": "csvp",
    }
    response = admin_client.post(url(User, "change", csm.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    csm.refresh_from_db()
    assert csm.geo == "EMEA"
    assert sorted(csm.roles.values_list("role", flat=True)) == ["csm", "csvp"]


def test_a_component_edited_in_the_admin_obeys_the_plan_rules(admin_client, rows):
    plan = rows["plan"]
    data = {
        "plan": plan.pk,
        "position": 5,
        "code": "NRR2",
        "metric": "nrr",
        "kpi": "",
        "weight": "1",
        "goal": "1.0",
        "floor": "1.0",
        "threshold": "0",
        "accelerator": "1",
        "cap": "",
    }
    response = admin_client.post(url(Component, "add"), data)
    assert response.status_code == 200
    assert (
        "goal (1.0) must be greater than floor (1.0)" in response.context["adminform"].form.non_field_errors()
    )
    assert not Component.objects.filter(code="NRR2").exists()

    data.update(code="K2", metric="kpi", kpi="calls", goal="5", floor="")
    response = admin_client.post(url(Component, "add"), data)
    assert response.status_code == 302
    assert Component.objects.get(code="K2").goal == Decimal("5")


# --- no N+1 on the lists -------------------------------------------------------------------------------


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(model, "changelist")).status_code == 200
    return len(queries)


def add_more_rows() -> None:
    """Three more owners, customers, snapshot lines, roles: a list that loads per row would grow."""
    for n in range(3):
        owner = make_user(Role.CSM, Role.CSVP, email=f"more{n}@example.com")
        make_customer(f"MORE{n}", owner=owner)
    make_snapshot("FY21", lines=3)


@pytest.mark.parametrize(
    "model_name",
    ["accounts.User", "accounts.UserRole", "adoption.Ownership", "adoption.Snapshot", "adoption.TargetLine"],
)
def test_changelists_do_not_query_per_row(admin_client, rows, model_name):
    model = apps.get_model(model_name)
    before = changelist_queries(admin_client, model)
    add_more_rows()
    assert changelist_queries(admin_client, model) == before
