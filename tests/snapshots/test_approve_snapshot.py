"""Approving a target snapshot (DESIGN §1, §3): only a cco, once, a non-empty draft; and the command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role
from adoption.models import Snapshot
from adoption.services import approve_snapshot
from core.calendar import CalendarError
from core.errors import AttainError, NotAllowed, NotFound, SnapshotFrozen
from tests.builders import make_snapshot, make_user


def status_of(fiscal_year: str) -> tuple:
    return (
        Snapshot.objects.filter(fiscal_year=fiscal_year)
        .values_list("status", "approved_by", "approved_at")
        .get()
    )


def test_a_cco_approves_a_draft_and_the_approval_records_who_and_when(cco):
    make_snapshot("FY22", lines=2)
    before = timezone.now()
    snapshot = approve_snapshot(fiscal_year="FY22", user=cco)
    after = timezone.now()

    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.APPROVED
    assert snapshot.is_frozen
    assert snapshot.approved_by == cco
    assert before <= snapshot.approved_at <= after


def test_a_person_holding_cco_among_other_roles_may_approve(db):
    make_snapshot("FY22")
    person = make_user(Role.CSM, Role.CCO)
    assert approve_snapshot(fiscal_year="FY22", user=person).approved_by == person


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.OPS, Role.FINANCE, Role.ADMIN])
def test_only_a_cco_may_approve(db, role):
    make_snapshot("FY22")
    person = make_user(role, email=f"{role}@example.com")
    with pytest.raises(NotAllowed) as caught:
        approve_snapshot(fiscal_year="FY22", user=person)
    assert str(caught.value) == (
        f"{role}@example.com may not approve the target snapshot of FY22: "
        "approving a target snapshot needs the cco role."
    )
    assert status_of("FY22") == ("draft", None, None)


def test_a_superuser_without_the_cco_role_may_not_approve(db):
    make_snapshot("FY22")
    superuser = make_user(email="root@example.com", is_superuser=True, is_staff=True)
    with pytest.raises(NotAllowed):
        approve_snapshot(fiscal_year="FY22", user=superuser)
    assert status_of("FY22") == ("draft", None, None)


def test_an_inactive_cco_may_not_approve(db):
    make_snapshot("FY22")
    retired = make_user(Role.CCO, email="old-cco@example.com", is_active=False)
    with pytest.raises(NotAllowed):
        approve_snapshot(fiscal_year="FY22", user=retired)
    assert status_of("FY22") == ("draft", None, None)


def test_unknown_fiscal_year_is_refused(cco):
    make_snapshot("FY22")
    with pytest.raises(NotFound) as caught:
        approve_snapshot(fiscal_year="FY23", user=cco)
    assert str(caught.value) == "There is no target snapshot for FY23: import its targets first."


def test_a_malformed_fiscal_year_is_refused(cco):
    with pytest.raises(CalendarError, match="“2022” is not a fiscal year: write it like FY27."):
        approve_snapshot(fiscal_year="2022", user=cco)


def test_an_approved_snapshot_cannot_be_approved_again(cco, approved):
    first = status_of("FY22")
    other_cco = make_user(Role.CCO)
    with pytest.raises(SnapshotFrozen) as caught:
        approve_snapshot(fiscal_year="FY22", user=other_cco)
    assert (
        str(caught.value) == "The target snapshot of FY22 is approved and frozen: its targets cannot change."
    )
    assert status_of("FY22") == first
    assert first[1] == cco.pk


def test_an_empty_snapshot_cannot_be_approved(cco):
    make_snapshot("FY22", lines=0)
    with pytest.raises(AttainError) as caught:
        approve_snapshot(fiscal_year="FY22", user=cco)
    assert str(caught.value) == "The target snapshot of FY22 has no target lines to approve."
    assert status_of("FY22") == ("draft", None, None)


# --- manage.py approve_snapshot ------------------------------------------------------------------------


def test_command_approves_and_says_so(cco):
    make_snapshot("FY22", lines=2)
    out = StringIO()
    call_command("approve_snapshot", "FY22", "--user", "CCO@example.com", stdout=out)
    assert out.getvalue() == "Approved the FY22 target snapshot (2 target lines) as cco@example.com\n"
    status, approver, approved_at = status_of("FY22")
    assert (status, approver) == ("approved", cco.pk)
    assert timezone.now() - approved_at < timedelta(minutes=1)


def test_command_refuses_an_unknown_user(db):
    make_snapshot("FY22")
    with pytest.raises(CommandError) as caught:
        call_command("approve_snapshot", "FY22", "--user", "nobody@example.com")
    assert str(caught.value) == "There is no user with the e-mail nobody@example.com."
    assert status_of("FY22") == ("draft", None, None)


def test_command_refuses_a_person_who_is_not_a_cco(db):
    make_snapshot("FY22")
    make_user(Role.OPS, email="ops@example.com")
    with pytest.raises(CommandError) as caught:
        call_command("approve_snapshot", "FY22", "--user", "ops@example.com")
    assert (
        str(caught.value) == "ops@example.com may not approve the target snapshot of FY22: "
        "approving a target snapshot needs the cco role."
    )
    assert status_of("FY22") == ("draft", None, None)


@pytest.mark.parametrize(
    ("fiscal_year", "message"),
    [
        ("FY23", "There is no target snapshot for FY23: import its targets first."),
        ("FY2022", "“FY2022” is not a fiscal year: write it like FY27."),
    ],
)
def test_command_refuses_an_unknown_or_malformed_fiscal_year(cco, fiscal_year, message):
    with pytest.raises(CommandError) as caught:
        call_command("approve_snapshot", fiscal_year, "--user", "cco@example.com")
    assert str(caught.value) == message


def test_command_refuses_an_approved_snapshot(approved):
    with pytest.raises(CommandError) as caught:
        call_command("approve_snapshot", "FY22", "--user", "cco@example.com")
    assert (
        str(caught.value) == "The target snapshot of FY22 is approved and frozen: its targets cannot change."
    )


def test_command_refuses_an_empty_snapshot(cco):
    make_snapshot("FY22", lines=0)
    with pytest.raises(CommandError) as caught:
        call_command("approve_snapshot", "FY22", "--user", "cco@example.com")
    assert str(caught.value) == "The target snapshot of FY22 has no target lines to approve."


def test_command_needs_the_user(db):
    with pytest.raises(CommandError, match="the following arguments are required: --user"):
        call_command("approve_snapshot", "FY22")
