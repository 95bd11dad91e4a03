"""The monthly jobs as commands (docs/incentives.md): earn_points and expire_points, each idempotent."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commissions.models import PersonMetric

from .conftest import D, logins_rule

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_earn_then_expire_from_the_stored_metrics_once_each(ops, csm):
    logins_rule(ops, points=10, expiry_months=1)
    PersonMetric.objects.create(
        employee=csm, date=date(2025, 1, 1), metric="login_rate", period="month", value=D("90")
    )

    assert (
        _run("earn_points", "--month", "2025-01")
        == "2025-01: 1 lot(s), 10 point(s) earned; 0 earned already.\n"
    )
    assert "0 lot(s), 0 point(s) earned; 1 earned already" in _run("earn_points", "--month", "2025-01")
    assert _run("expire_points", "--day", "2025-02-28") == "2025-02-28: 0 point(s) of 0 lot(s) expired.\n"
    assert _run("expire_points", "--day", "2025-03-01") == "2025-03-01: 10 point(s) of 1 lot(s) expired.\n"
    assert _run("expire_points", "--day", "2025-03-01") == "2025-03-01: 0 point(s) of 0 lot(s) expired.\n"


def test_a_bad_month_or_a_csm_is_a_clear_error(csm):
    with pytest.raises(CommandError, match="--month must be a month like 2026-06"):
        _run("earn_points", "--month", "2025-13")
    with pytest.raises(CommandError, match="managing points needs the ops role"):
        _run("expire_points", "--user", csm.email)
