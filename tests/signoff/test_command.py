"""``python manage.py sign_off_payouts FY22-Q2 --user EMAIL --comment TEXT`` (DESIGN §6): thin over the
service; a refusal exits non-zero with the service's message."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissions.models import PayoutSignOff

from .conftest import COMMENT

pytestmark = pytest.mark.django_db


def sign_off(*args) -> str:
    out = StringIO()
    call_command("sign_off_payouts", *args, stdout=out)
    return out.getvalue()


def test_finance_signs_off_from_the_shell(closed, finance):
    said = sign_off("FY22-Q2", "--user", finance.email, "--comment", COMMENT)
    assert said == "Signed off the payouts of FY22-Q2: CS-FY22 2333.33 USD. Payroll can be exported.\n"
    assert PayoutSignOff.objects.get().signed_by == finance


def test_a_refusal_exits_non_zero_with_the_message(closed, ops, finance):
    with pytest.raises(CommandError, match="signing off payouts needs the finance role"):
        sign_off("FY22-Q2", "--user", ops.email, "--comment", COMMENT)
    with pytest.raises(CommandError, match="needs a comment of at least 10 characters"):
        sign_off("FY22-Q2", "--user", finance.email, "--comment", "ok")
    with pytest.raises(CommandError, match="No user with e-mail nobody@example.com"):
        sign_off("FY22-Q2", "--user", "nobody@example.com", "--comment", COMMENT)
    assert not PayoutSignOff.objects.exists()


def test_an_unknown_quarter_is_named(worked, finance):
    with pytest.raises(CommandError, match="There is no quarter FY22-Q4 yet"):
        sign_off("FY22-Q4", "--user", finance.email, "--comment", COMMENT)
