"""Points are never written off ahead of time (docs/design.md §11.4): ``expire_points`` and its command
refuse a day after today — as ``earn_points`` refuses a month not over — and after every expiry the
balance is the sum of the ledger."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from incentives.errors import PointsInvalid
from incentives.models import PointsEntry
from incentives.services.points import balance_of, expire_points

from .conftest import earn, logins_rule

pytestmark = pytest.mark.django_db
JAN = date(2025, 1, 1)
TODAY = date(2025, 6, 15)  # January's lot, with 3 months, lasts through 2025-04-30


def _ledger_sum(person) -> int:
    return PointsEntry.objects.filter(employee=person).aggregate(s=Sum("points"))["s"] or 0


def test_expiring_a_day_after_today_is_refused_and_writes_nothing(ops, csm):
    logins_rule(ops, points=10, expiry_months=3)
    earn(csm, JAN)

    with pytest.raises(PointsInvalid, match=r"2025-06-16 is after today \(2025-06-15\)"):
        expire_points(date(2025, 6, 16), today=TODAY)

    assert not PointsEntry.objects.filter(kind="expired").exists()


def test_the_command_refuses_a_day_after_today(ops, csm):
    logins_rule(ops, points=10, expiry_months=3)
    earn(csm, JAN)

    with pytest.raises(CommandError, match=r"--day 2999-01-01 is after today"):
        call_command("expire_points", "--day", "2999-01-01", stdout=StringIO())

    assert not PointsEntry.objects.filter(kind="expired").exists()


def test_today_itself_is_accepted(ops, csm):
    logins_rule(ops, points=10, expiry_months=3)
    earn(csm, JAN)

    written = expire_points(TODAY, today=TODAY)

    assert [(e.points, e.on) for e in written] == [(-10, date(2025, 5, 1))]


def test_the_balance_equals_the_ledger_sum_after_expiry(ops, csm):
    logins_rule(ops, points=10, expiry_months=3)
    earn(csm, JAN, date(2025, 2, 1), date(2025, 5, 1))  # lots through 04-30, 05-31 and 08-31

    expire_points(TODAY, today=TODAY)

    # January's and February's lots are gone (−20); May's 10 are still valid.
    assert _ledger_sum(csm) == 10
    assert balance_of(csm, TODAY).balance == _ledger_sum(csm) == 10
    assert balance_of(csm, TODAY).available == 10
