"""The admin role is what opens the Django admin (DESIGN §1) — not Django's staff or superuser flags.

An admin gives a second person the admin role on the user page; that person can then use the admin
(and change the first admin's roles, which nobody does for themselves); taking the role away closes it.
Only holders of ``access.may_use_admin`` are shown the Admin link and the home page's Administration entry.
"""

import pytest
from django.test import Client

from accounts import access
from accounts.models import Role, RoleChange, User
from tests.builders import make_user
from tests.rights.test_rights_agree import user_page_form

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_person(client: Client, email: str, roles: list[str]):
    data = {
        "email": email,
        "name": "Second Admin",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "roles-TOTAL_FORMS": str(len(roles)),
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    data.update({f"roles-{i}-role": role for i, role in enumerate(roles)})
    return client.post("/admin/accounts/user/add/", data)


def test_a_person_given_the_admin_role_on_the_user_page_uses_the_admin():
    first = User.objects.create_superuser(email="first.admin@example.com", password=PASSWORD)
    assert add_person(signed_in(first), "second.admin@example.com", ["admin"]).status_code == 302
    second = User.objects.get(email="second.admin@example.com")
    assert not second.is_staff and not second.is_superuser  # the role alone opens the admin

    client = signed_in(second)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{first.pk}/change/", user_page_form(first, ["admin", "ops"])
    )
    assert response.status_code == 302
    assert set(first.roles.values_list("role", flat=True)) == {"admin", "ops"}
    assert RoleChange.objects.filter(user=first, by=second, after=["admin", "ops"]).exists()


def test_the_admin_role_signs_in_on_the_admins_own_page():
    make_user(Role.ADMIN, email="admin.role@example.com")
    make_user(Role.OPS, email="staff.ops@example.com", is_staff=True)
    client = Client()

    admin = client.post(
        "/admin/login/?next=/admin/", {"username": "admin.role@example.com", "password": PASSWORD}
    )
    assert admin.status_code == 302 and admin.url == "/admin/"
    client.logout()
    staff = client.post(
        "/admin/login/?next=/admin/", {"username": "staff.ops@example.com", "password": PASSWORD}
    )
    assert staff.status_code == 200  # refused: the staff flag opens nothing


def test_taking_the_admin_role_away_takes_the_admin_away():
    first = make_user(Role.ADMIN, email="first.admin@example.com")
    second = make_user(
        Role.ADMIN, Role.OPS, email="second.admin@example.com", is_staff=True, is_superuser=True
    )
    assert signed_in(second).get("/admin/").status_code == 200

    data = user_page_form(second, ["admin", "ops"])
    data["roles-0-DELETE"] = "on"  # the admin row (rows in the order of their roles)
    response = signed_in(first).post(f"/admin/accounts/user/{second.pk}/change/", data)
    assert response.status_code == 302

    second = User.objects.get(pk=second.pk)
    assert not access.may_use_admin(second)
    assert signed_in(second).get("/admin/").status_code == 302  # to the admin's sign-in page
    assert signed_in(second).get("/admin/accounts/user/").status_code == 302
    assert RoleChange.objects.filter(user=second, by=first, before=["admin", "ops"], after=["ops"]).exists()


def test_the_staff_and_superuser_flags_without_the_role_open_nothing():
    flagged = make_user(Role.CSM, email="flagged@example.com", is_staff=True, is_superuser=True)

    assert not access.may_use_admin(flagged)
    assert "needs the admin role" in access.may_use_admin(flagged).reason
    assert signed_in(flagged).get("/admin/").status_code == 302


def test_an_admin_still_may_not_change_their_own_roles_or_flags():
    admin = make_user(Role.ADMIN, email="admin@example.com")
    client = signed_in(admin)

    form = client.get(f"/admin/accounts/user/{admin.pk}/change/").context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    response = client.post(
        f"/admin/accounts/user/{admin.pk}/change/", user_page_form(admin, ["admin", "ops"])
    )
    assert "may not change their own roles: another admin must" in response.content.decode()
    assert set(admin.roles.values_list("role", flat=True)) == {"admin"}


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        pytest.param((Role.OPS,), False, id="ops"),
        pytest.param((Role.CCO,), False, id="cco"),
        pytest.param((Role.FINANCE,), False, id="finance"),
        pytest.param((Role.ADMIN,), True, id="admin"),
        pytest.param((Role.OPS, Role.ADMIN), True, id="ops+admin"),
    ],
)
def test_the_admin_link_and_entry_are_shown_to_whoever_may_use_the_admin(roles, shown):
    person = make_user(*roles, is_staff=True)  # the demo makes cco, finance and ops staff

    response = signed_in(person).get("/")

    assert bool(access.may_use_admin(person)) is shown
    assert ('href="/admin/">Admin</a>' in response.content.decode()) is shown
    assert ("/admin/" in {place.url for place in response.context["places"]}) is shown
