"""E-mails are compared case-insensitively everywhere: sign-in, lock-out, imports and ``--user``."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from accounts.emails import lockout_username
from accounts.models import Role, User
from api.models import ApiToken
from commissions.services.imports import ImportRefused, import_file
from tests.builders import make_user
from tests.test_login import PASSWORD, WRONG, is_locked_out, sign_in

pytestmark = pytest.mark.django_db

EMPLOYEES = "employee_id,email,name,roles,geo,manager_employee_id"


@pytest.fixture
def jordan(db):
    return make_user(Role.CSM, email="jordan@x.com", employee_id="E1")


def test_failures_in_mixed_spellings_share_one_counter_and_lock_every_spelling(client, jordan):
    for spelling in ("jordan@x.com", "Jordan@x.com", "JOrdan@X.com", "JORDAN@X.COM", " jordan@x.com"):
        sign_in(client, spelling, WRONG)
    assert AccessAttempt.objects.count() == 1
    assert AccessAttempt.objects.get().failures_since_start == 5
    for spelling in ("jordan@x.com", "Jordan@X.com", "JORDAN@X.COM"):
        response = sign_in(client, spelling, PASSWORD)
        assert is_locked_out(response), spelling
        assert "_auth_user_id" not in client.session


def test_a_locked_account_cannot_sign_in_with_another_spelling(client, jordan):
    for _ in range(5):
        sign_in(client, "jordan@x.com", WRONG)
    assert is_locked_out(sign_in(client, "Jordan@X.com", PASSWORD))
    assert "_auth_user_id" not in client.session


def test_lockout_username_is_the_stored_spelling(rf):
    assert lockout_username(rf.post("/", {"username": " JOrdan@X.com "})) == "jordan@x.com"
    assert lockout_username(None, {"username": "Jordan@X.COM"}) == "jordan@x.com"


def test_a_user_saved_with_capitals_is_stored_lower_case(jordan):
    jordan.email = "Jordan.New@X.com"
    jordan.save()
    assert User.objects.get(pk=jordan.pk).email == "jordan.new@x.com"


def test_import_of_the_same_person_in_other_capitals_is_the_same_person(tmp_path, jordan):
    admin = make_user(Role.OPS, Role.ADMIN, email="admin@x.com")
    path = tmp_path / "employees.csv"
    path.write_text(f"{EMPLOYEES}\nE1,Jordan@X.com,{jordan.name},csm,AMER,\n")
    result = import_file(kind="employees", path=path, user=admin)
    assert (result.created, result.updated + result.unchanged) == (0, 1)
    assert list(User.objects.filter(email__iexact="jordan@x.com").values_list("email", flat=True)) == [
        "jordan@x.com"
    ]


def test_import_of_another_employee_with_the_email_in_other_capitals_is_refused(tmp_path, jordan):
    admin = make_user(Role.OPS, Role.ADMIN, email="admin@x.com")
    path = tmp_path / "employees.csv"
    path.write_text(f"{EMPLOYEES}\nE2,Jordan@X.com,Jo Other,csm,AMER,\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="employees", path=path, user=admin)
    assert [(e.line, e.column, e.reason) for e in caught.value.errors] == [
        (2, "email", "email already belongs to employee E1")
    ]


def test_import_of_one_email_twice_in_other_capitals_is_a_duplicate(tmp_path):
    admin = make_user(Role.OPS, Role.ADMIN, email="admin@x.com")
    path = tmp_path / "employees.csv"
    path.write_text(f"{EMPLOYEES}\nE1,jordan@x.com,Jo,csm,AMER,\nE2,JORDAN@X.COM,Jo Two,csm,AMER,\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="employees", path=path, user=admin)
    assert [(e.line, e.reason) for e in caught.value.errors] == [(3, "duplicate email: already on line 2")]


def test_user_option_of_commands_takes_any_capitals(jordan):
    out = StringIO()
    call_command("create_api_token", "--user", "JORDAN@X.COM", "--name", "payroll", stdout=out)
    assert ApiToken.objects.get().user == jordan
    assert "for jordan@x.com" in out.getvalue()
