"""DESIGN §1, §5: finance signs off a closed quarter's payouts once; nobody signs off a quarter they closed
or one that pays them; the comment is required; a re-open revokes the sign-off (kept for the audit) and
the quarter is signed off again after its next close."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, UserRole
from commissions.models import PayoutSignOff
from commissions.services.close import close_period, reopen_period
from commissions.services.signoff import active_sign_off, sign_off_payouts
from core.errors import AttainError, Conflict, NotAllowed
from tests.builders import make_user

from .conftest import COMMENT

pytestmark = pytest.mark.django_db


def test_finance_signs_off_a_closed_quarter_recording_its_final_runs_and_totals(closed, finance):
    done = sign_off_payouts(period=closed, user=finance, comment=f"  {COMMENT}  ")

    assert done.signed_by == finance and done.comment == COMMENT and done.signed_at is not None
    assert [(r["plan"], r["version"]) for r in done.final_runs] == [("CS-FY22", 1)]
    assert done.totals == {"CS-FY22": {"USD": "2333.33"}}
    assert active_sign_off(closed) == done


@pytest.mark.parametrize("role", [Role.OPS, Role.CCO, Role.CSM, Role.CSVP, Role.ADMIN])
def test_only_finance_signs_off(closed, role):
    person = make_user(role)
    with pytest.raises(NotAllowed, match="signing off payouts needs the finance role"):
        sign_off_payouts(period=closed, user=person, comment=COMMENT)
    assert not PayoutSignOff.objects.exists()


def test_an_open_quarter_is_not_signed_off(worked, finance):
    from commissions.services.periods import get_period

    with pytest.raises(AttainError, match="FY22-Q2 is not closed: ops closes it"):
        sign_off_payouts(period=get_period("FY22-Q2"), user=finance, comment=COMMENT)


def test_a_quarter_is_signed_off_once_naming_who_signed_and_when(closed, finance):
    first = sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    when = timezone.localtime(first.signed_at).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(Conflict, match=f"already signed off by finance@example.com on {when}"):
        sign_off_payouts(period=closed, user=make_user(Role.FINANCE), comment=COMMENT)
    assert PayoutSignOff.objects.count() == 1


def test_the_database_holds_one_unrevoked_sign_off_per_quarter(closed, finance):
    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutSignOff.objects.create(period=closed, signed_by=finance, comment=COMMENT)


def test_nobody_signs_off_a_quarter_they_closed(worked, finance):
    UserRole.objects.create(user=finance, role=Role.OPS)  # finance and ops in one person
    from .conftest import close_quarter

    closed = close_quarter("FY22-Q2", finance)
    with pytest.raises(NotAllowed, match="finance@example.com closed FY22-Q2 and may not also sign off"):
        sign_off_payouts(period=closed, user=finance, comment=COMMENT)


def test_nobody_signs_off_a_quarter_that_pays_them(closed):
    from accounts.models import User

    e1 = User.objects.get(employee_id="E1")
    UserRole.objects.create(user=e1, role=Role.FINANCE)
    with pytest.raises(NotAllowed, match="e1@example.com is paid by the final runs of FY22-Q2"):
        sign_off_payouts(period=closed, user=e1, comment=COMMENT)


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("", "A sign-off needs a comment of at least 10 characters."),
        ("looks ok", "A sign-off needs a comment of at least 10 characters."),
        ("x" * 2001, "A sign-off's comment is 2,001 characters long: at most 2,000."),
        ("fine, paid\x07 as shown", "A sign-off's comment holds the control character U+0007"),
    ],
)
def test_the_comment_is_10_to_2000_characters_without_control_characters(closed, finance, comment, message):
    with pytest.raises(AttainError, match=re.escape(message)):
        sign_off_payouts(period=closed, user=finance, comment=comment)
    assert not PayoutSignOff.objects.exists()


def test_reopen_revokes_the_sign_off_keeps_it_and_a_new_close_is_signed_off_again(closed, ops, finance):
    first = sign_off_payouts(period=closed, user=finance, comment=COMMENT)

    reopen_period(period=closed, user=ops, reason="A deal was booked on the wrong customer.")

    first.refresh_from_db()
    assert first.revoked_by == ops and first.revoked_at is not None
    assert first.revoke_reason == "Re-opened: A deal was booked on the wrong customer."
    assert active_sign_off(closed) is None
    closed.refresh_from_db()
    close_period(period=closed, user=ops)
    again = sign_off_payouts(period=closed, user=finance, comment="Reviewed again after the re-close.")
    assert active_sign_off(closed) == again
    assert PayoutSignOff.objects.count() == 2


def test_a_refused_reopen_leaves_the_sign_off_in_place(closed, ops, finance):
    done = sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    with pytest.raises(AttainError, match="needs a reason of at least 10 characters"):
        reopen_period(period=closed, user=ops, reason="short")
    done.refresh_from_db()
    assert done.revoked_at is None
