"""Roles cannot be granted by the people they constrain (DESIGN §1: admin manages users).

An employees import by anyone but an admin may create people and change names, geos and managers, but
a row that adds or removes a role is refused (line, column ``roles``) and nothing of the file is
written. Nobody changes their own roles, an admin included. Every change is recorded with who, when,
before and after, and shown on the audit page.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, RoleChange, User
from approvals import services as requests
from commissions.services.imports import ImportRefused, import_file
from core.errors import NotAllowed
from tests.api.imports import import_through_api
from tests.builders import make_user

from .conftest import make_request
from .test_rights_agree import user_page_form

pytestmark = pytest.mark.django_db

HEADER = "employee_id,email,name,geo,manager_employee_id,roles"


def employees_file(tmp_path, *rows: str):
    path = tmp_path / "employees.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def row(user: User, roles: str, *, name: str | None = None, geo: str | None = None) -> str:
    return f"{user.employee_id},{user.email},{name or user.name},{geo or user.geo},,{roles}"


def roles_of(user: User) -> set[str]:
    return set(user.roles.values_list("role", flat=True))


def refused_rows(call) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as caught:
        call()
    return [(error.line, error.column) for error in caught.value.errors]


# --- the import ---------------------------------------------------------------------------------------------


def test_ops_cannot_give_itself_cco_and_finance_then_approve_as_cco(tmp_path, world, others):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    path = employees_file(tmp_path, row(ops, "ops;cco;finance"))

    assert refused_rows(lambda: import_file(kind="employees", path=path, user=ops)) == [(2, "roles")]

    assert roles_of(ops) == {"ops"}
    request = make_request(world, filed_by=others["filer"])
    with pytest.raises(NotAllowed, match="waits for cco"):
        requests.approve(request=request, user=ops, comment="Approving as the CCO I made myself.")


def test_ops_cannot_make_a_csm_an_admin_and_the_whole_file_is_refused(tmp_path):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    other = make_user(Role.CSM, email="other@example.com", name="Old Name")
    path = employees_file(tmp_path, row(other, "csm", name="New Name"), row(csm, "csm;admin"))

    errors = refused_rows(lambda: import_file(kind="employees", path=path, user=ops))

    assert errors == [(3, "roles")]
    assert roles_of(csm) == {"csm"}
    assert User.objects.get(pk=other.pk).name == "Old Name"  # all or nothing


def test_the_refusal_names_line_column_and_why(tmp_path):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    path = employees_file(tmp_path, row(csm, "csm;admin"))

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="employees", path=path, user=ops)

    (error,) = caught.value.errors
    assert (error.line, error.column, error.value) == (2, "roles", "admin;csm")
    assert "changes roles (csm → admin;csm)" in error.reason
    assert "changing roles needs the admin role" in error.reason


def test_ops_still_creates_people_without_roles_and_changes_names_geos_and_managers(tmp_path):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com", geo="AMER")
    path = employees_file(
        tmp_path, row(csm, "csm", name="Renamed", geo="EMEA"), "N1,new@example.com,New Person,AMER,,"
    )

    result = import_file(kind="employees", path=path, user=ops)

    assert (result.created, result.updated) == (1, 1)
    csm.refresh_from_db()
    assert (csm.name, csm.geo, roles_of(csm)) == ("Renamed", "EMEA", {"csm"})
    assert roles_of(User.objects.get(employee_id="N1")) == set()
    assert not RoleChange.objects.exists()


def test_a_new_person_with_roles_counts_as_adding_roles(tmp_path):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    path = employees_file(tmp_path, "N1,new@example.com,New Person,AMER,,csm")

    assert refused_rows(lambda: import_file(kind="employees", path=path, user=ops)) == [(2, "roles")]
    assert not User.objects.filter(employee_id="N1").exists()


def test_removing_a_role_is_a_change_too(tmp_path):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    cco = make_user(Role.CCO, email="cco@example.com")

    path = employees_file(tmp_path, row(cco, ""))
    assert refused_rows(lambda: import_file(kind="employees", path=path, user=ops)) == [(2, "roles")]
    assert roles_of(cco) == {"cco"}


def test_a_command_without_user_cannot_change_roles(tmp_path):
    csm = make_user(Role.CSM, email="csm@example.com")
    path = employees_file(tmp_path, row(csm, "csm;cco"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="refused with 1 error"):
        call_command("import_csv", "employees", str(path), stdout=io.StringIO(), stderr=err)

    assert "line 2, column roles" in err.getvalue()
    assert "changing roles needs an admin (give --user)" in err.getvalue()
    assert roles_of(csm) == {"csm"}


def test_the_api_refuses_an_ops_import_that_grants_roles(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    client = APIClient()
    client.force_authenticate(ops)
    content = f"{HEADER}\n{row(csm, 'csm;admin')}\n".encode()
    upload = SimpleUploadedFile("employees.csv", content, "text/csv")

    _, job = import_through_api(client, "employees", upload)

    assert job["status"] == "refused"  # by the job's dry run (docs/imports.md "The API")
    (detail,) = job["errors"]
    assert (detail["line"], detail["column"]) == (2, "roles")
    assert roles_of(csm) == {"csm"}


def test_an_admin_changes_roles_by_import_and_the_change_is_recorded(tmp_path):
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    path = employees_file(tmp_path, row(csm, "csm;csvp"), "N1,new@example.com,New Person,AMER,,csm")

    import_file(kind="employees", path=path, user=admin)

    assert roles_of(csm) == {"csm", "csvp"}
    changes = {c.user.email: c for c in RoleChange.objects.select_related("user", "by")}
    assert set(changes) == {"csm@example.com", "new@example.com"}
    promoted = changes["csm@example.com"]
    assert (promoted.by, promoted.before, promoted.after, promoted.source) == (
        admin,
        ["csm"],
        ["csm", "csvp"],
        "import",
    )
    assert (changes["new@example.com"].before, changes["new@example.com"].after) == ([], ["csm"])


def test_an_admin_cannot_change_their_own_roles_by_import(tmp_path):
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    path = employees_file(tmp_path, row(admin, "admin;cco"))

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="employees", path=path, user=admin)

    assert "may not change their own roles: another admin must" in caught.value.errors[0].reason
    assert roles_of(admin) == {"admin"}


# --- the Django admin ---------------------------------------------------------------------------------------


def admin_client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_cannot_change_their_own_roles_on_the_user_page():
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    client = admin_client(admin)

    response = client.post(
        f"/admin/accounts/user/{admin.pk}/change/", user_page_form(admin, ["admin", "cco"])
    )

    assert response.status_code == 200  # the form again, with the refusal
    assert "may not change their own roles: another admin must" in response.content.decode()
    assert roles_of(admin) == {"admin"}
    assert not RoleChange.objects.exists()


def test_a_second_admin_changes_them_and_the_change_is_recorded_with_who():
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    second = make_user(Role.ADMIN, geo="", email="second.admin@example.com")

    response = admin_client(second).post(
        f"/admin/accounts/user/{admin.pk}/change/", user_page_form(admin, ["admin", "cco"])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles_of(admin) == {"admin", "cco"}
    change = RoleChange.objects.get()
    assert (change.user, change.by, change.before, change.after, change.source) == (
        admin,
        second,
        ["admin"],
        ["admin", "cco"],
        "admin",
    )


def test_staff_without_the_admin_role_cannot_change_roles_on_the_user_page():
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")

    response = admin_client(ops).post(
        f"/admin/accounts/user/{csm.pk}/change/", user_page_form(csm, ["csm", "admin"])
    )

    assert response.status_code == 302  # the flags open no admin: only the admin role does (DESIGN §1)
    assert response.url.startswith("/admin/login/")
    assert roles_of(csm) == {"csm"}


def test_nobody_edits_their_own_permission_flags_on_the_user_page():
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    client = admin_client(admin)

    form = client.get(f"/admin/accounts/user/{admin.pk}/change/").context["adminform"].form

    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)


def test_roles_are_not_edited_outside_the_user_page():
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    client = admin_client(admin)

    assert client.get("/admin/accounts/userrole/add/").status_code == 403
    response = client.post(f"/admin/accounts/userrole/{csm.roles.get().pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert roles_of(csm) == {"csm"}


# --- the audit trail ----------------------------------------------------------------------------------------


def test_role_changes_are_on_the_audit_page_with_who_and_before_after(tmp_path):
    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    import_file(kind="employees", path=employees_file(tmp_path, row(csm, "csm;csvp")), user=admin)
    client = Client()
    client.force_login(admin)

    response = client.get("/audit/", {"object_type": "role_change"})

    assert response.status_code == 200
    (entry,) = list(response.context["page"])
    assert (entry.who, entry.object_label, entry.changes_text) == (
        "admin@example.com",
        "csm@example.com",
        "roles: csm → csm, csvp",
    )
    assert "employees import" in entry.action


def test_on_postgresql_the_role_events_of_an_api_import_carry_the_importer():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pghistory's triggers run on PostgreSQL only")
    from audit.models import UserRoleEvent

    admin = make_user(Role.ADMIN, geo="", email="admin@example.com")
    csm = make_user(Role.CSM, email="csm@example.com")
    client = APIClient()
    client.force_authenticate(admin)
    upload = SimpleUploadedFile("employees.csv", f"{HEADER}\n{row(csm, 'csm;csvp')}\n".encode(), "text/csv")

    assert import_through_api(client, "employees", upload)[1]["status"] == "applied"

    event = UserRoleEvent.objects.filter(pgh_obj__user=csm, role="csvp").select_related("pgh_context").get()
    assert event.pgh_context is not None and event.pgh_context.metadata["user"] == admin.pk
