"""Signing in and out, changing one's password, and the lock-out after repeated failures (issue 4 §1).

Sign-ins go through ``client.post`` to the real login page: django-axes counts failures per request
(username + IP address), which ``client.login`` would bypass.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"
WRONG = "not the password"


@pytest.fixture
def alice(db):
    return make_user(Role.CSM, email="alice@example.com")


@pytest.fixture
def bob(db):
    return make_user(Role.CSM, email="bob@example.com")


def sign_in(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, email: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        sign_in(client, email, WRONG, ip=ip)


def change_password(client, *, old: str, new: str):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post("/accounts/password_change/", data)


def is_locked_out(response) -> bool:
    templates = [template.name for template in response.templates]
    return response.status_code == 429 and "registration/locked_out.html" in templates


# --- signing in and out ------------------------------------------------------------------------------------


def test_login_page_renders_for_anonymous(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert b"Attain" in response.content
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_right_password_signs_in_and_lands_on_their_dashboard(client, alice):
    response = sign_in(client, "alice@example.com", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/landing/"
    assert client.get("/landing/").url == "/my/"  # alice is a CSM (DESIGN §1 "Where each person lands")
    assert client.get("/").status_code == 200


def test_wrong_password_shows_the_form_again_with_an_error(client, alice):
    response = sign_in(client, "alice@example.com", WRONG)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client):
    make_user(Role.CSM, email="gone@example.com", is_active=False)

    response = sign_in(client, "gone@example.com", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_follows_next_to_the_page_asked_for(client, alice):
    response = client.post(
        f"{LOGIN}?next=/accounts/password_change/", {"username": "alice@example.com", "password": PASSWORD}
    )

    assert response.url == "/accounts/password_change/"


def test_sign_in_does_not_follow_next_to_another_site(client, alice):
    response = client.post(
        f"{LOGIN}?next=https://evil.example.com/", {"username": "alice@example.com", "password": PASSWORD}
    )

    assert response.url == "/landing/"


def test_signed_in_pages_offer_sign_out_as_a_post_form_and_change_password(client, alice):
    client.force_login(alice)

    content = client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/"' in content
    assert "csrfmiddlewaretoken" in content
    assert 'href="/accounts/password_change/"' in content


def test_sign_out_by_post_ends_the_session_and_goes_to_login(client, alice):
    client.force_login(alice)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get("/").status_code == 302


def test_sign_out_by_get_is_refused(client, alice):
    """A link (or an image tag on another site) must not sign a person out."""
    client.force_login(alice)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_admin_link_is_shown_to_the_admin_role_only(client, alice):
    client.force_login(alice)
    assert 'href="/admin/"' not in client.get("/").content.decode()

    staff = make_user(Role.OPS, is_staff=True)
    client.force_login(staff)
    assert 'href="/admin/"' not in client.get("/").content.decode()

    client.force_login(make_user(Role.ADMIN))
    assert 'href="/admin/"' in client.get("/").content.decode()


# --- changing one's password ------------------------------------------------------------------------------


def test_password_change_page_requires_sign_in(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/accounts/password_change/"


def test_password_change_changes_the_password_and_keeps_the_session(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/password_change/").status_code == 200

    response = change_password(client, old=PASSWORD, new="a new long passphrase")

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/done/"
    done = client.get(response.url)
    assert done.status_code == 200
    assert b"Password changed" in done.content
    alice.refresh_from_db()
    assert alice.check_password("a new long passphrase")


def test_password_change_with_a_wrong_old_password_is_refused(client, alice):
    client.force_login(alice)

    response = change_password(client, old=WRONG, new="a new long passphrase")

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_applies_the_password_validators(client, alice):
    client.force_login(alice)

    response = change_password(client, old=PASSWORD, new="12345678")

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


# --- lock-out after repeated failures (django-axes: 5 failures per username + IP, 15 minutes) -------------


def test_sixth_attempt_with_the_right_password_is_refused_after_five_failures(client, alice):
    fail(client, "alice@example.com", 5)

    response = sign_in(client, "alice@example.com", PASSWORD)

    assert is_locked_out(response)
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, alice):
    fail(client, "alice@example.com", 4)

    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, alice):
    fail(client, "alice@example.com", 4)
    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    fail(client, "alice@example.com", 4)

    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 302


def test_other_users_are_not_affected_by_a_lock_out(client, alice, bob):
    fail(client, "alice@example.com", 5)

    assert sign_in(client, "bob@example.com", PASSWORD).status_code == 302


def test_the_same_user_from_another_address_is_not_locked_out(client, alice):
    """Lock-out is per username and IP address: someone guessing elsewhere cannot lock a person out."""
    fail(client, "alice@example.com", 5, ip="10.0.0.66")

    assert is_locked_out(sign_in(client, "alice@example.com", PASSWORD, ip="10.0.0.66"))
    assert sign_in(client, "alice@example.com", PASSWORD, ip="10.0.0.1").status_code == 302


def test_lock_out_ends_after_the_cool_off(client, alice):
    fail(client, "alice@example.com", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 302


def test_lock_out_still_holds_just_before_the_cool_off_ends(client, alice):
    fail(client, "alice@example.com", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))

    assert is_locked_out(sign_in(client, "alice@example.com", PASSWORD))


@pytest.mark.django_db
def test_sign_in_accepts_the_email_in_any_case(client):
    from tests.builders import make_user

    user = make_user("csm", email="alice@example.com")
    response = client.post(
        "/accounts/login/", {"username": "Alice@Example.COM", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
