"""Who may open which page: every role × every page (issue 4 §1).

One row per page; add a row when a page lands. Rows of pages that do not exist yet are skipped and
turn on by themselves once their URL resolves.
"""

import pytest
from django.urls import Resolver404, resolve

from accounts.models import User
from tests.builders import make_user

OK = "200"  # the page renders
DENIED = "403/404"  # refused, or hidden as not found
LOGIN = "sign in"  # 302 to the sign-in page
ADMIN_LOGIN = "admin sign in"  # 302 to the admin's own sign-in page (the admin role only)

PASSWORD = "correct horse battery staple"
ROLES = ["anonymous", "csm", "csvp", "cco", "finance", "ops", "admin"]


def everyone(expected: str, **overrides: str) -> dict[str, str]:
    """Anonymous visitors sign in first; every signed-in role gets ``expected`` unless overridden."""
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], expected), **overrides}


def only(*roles: str) -> dict[str, str]:
    return everyone(DENIED, **dict.fromkeys(roles, OK))


def admin_role_only() -> dict[str, str]:
    """The admin sends everyone without the admin role to its own sign-in page, staff flag or not."""
    return everyone(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=OK)


def resolves(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def page(url: str, expected: dict[str, str]):
    marks = pytest.mark.skipif(not resolves(url), reason=f"{url} does not exist yet")
    return url, expected, marks


# fmt: off
MATRIX = [
    page("/",                           everyone(OK)),
    page("/accounts/password_change/",  everyone(OK)),
    page("/admin/",                     admin_role_only()),
    page("/requests/",                  everyone(OK)),
    page("/requests/new/",              only("csvp")),
    page("/requests/to-approve/",       only("cco", "finance")),
    page("/requests/to-apply/",         only("ops")),
    # Scoped list: CSMs ask, their Geo VP and ops answer, the rest read (access.inquiries_visible_to).
    page("/requests/inquiries/",        everyone(OK)),
    page("/requests/inquiries/new/",    only("csm")),
]
# fmt: on

CASES = [
    pytest.param(url, role, expected[role], marks=marks, id=f"{url} {role}")
    for url, expected, marks in MATRIX
    for role in ROLES
]


def persona(role: str) -> User | None:
    """A person as the demo makes them: cco, finance and ops are staff; admin is a superuser."""
    if role == "anonymous":
        return None
    if role == "admin":
        return User.objects.create_superuser(email="admin@example.com", password=PASSWORD)
    return make_user(role, geo="AMER", is_staff=role in {"cco", "finance", "ops"})


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, url, role, expected):
    user = persona(role)
    if user is not None:
        client.force_login(user)

    response = client.get(url)

    if expected == OK:
        assert response.status_code == 200, f"{role} should open {url}"
    elif expected == DENIED:
        assert response.status_code in {403, 404}, f"{role} should be refused {url}"
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(f"/accounts/login/?next={url}")
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(f"/admin/login/?next={url}")
    else:
        raise AssertionError(f"unknown expectation {expected!r}")


def test_every_row_names_every_role():
    for url, expected, _ in MATRIX:
        assert set(expected) == set(ROLES), url
