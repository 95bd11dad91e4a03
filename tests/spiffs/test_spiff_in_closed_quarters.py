"""docs/design.md §11.3: a closed quarter's SPIFF awards are frozen, so a SPIFF whose every day lies in
closed quarters could never pay: it is refused when drafted and when proposed, naming the quarters. A SPIFF
with one day of an open quarter is allowed."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role
from commissions.models import Period
from commissions.services.periods import get_period
from incentives.errors import SpiffInvalid
from incentives.models import Spiff
from incentives.services.spiffs import all_days_closed, propose_spiff
from tests.builders import make_user

from .conftest import rule_spiff

pytestmark = pytest.mark.django_db

# FY22 from February: Q1 2021-02-01 – 2021-04-30, Q2 2021-05-01 – 2021-07-31, Q3 from 2021-08-01.


def close(*codes: str) -> None:
    """Mark the quarters closed as a close leaves them (the SPIFF rule reads only their status)."""
    closer = make_user(Role.OPS, email="closer@example.com")
    for code in codes:
        period = get_period(code)
        Period.objects.filter(pk=period.pk).update(
            status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=closer
        )


def test_days_all_in_closed_quarters_are_named_by_quarter():
    close("FY22-Q1", "FY22-Q2")
    assert all_days_closed(date(2021, 5, 1), date(2021, 5, 31)) == ["FY22-Q2"]
    assert all_days_closed(date(2021, 4, 30), date(2021, 7, 31)) == ["FY22-Q1", "FY22-Q2"]
    assert all_days_closed(date(2021, 7, 31), date(2021, 8, 1)) == []  # 2021-08-01 is in open FY22-Q3
    get_period("FY22-Q3")
    assert all_days_closed(date(2021, 1, 31), date(2021, 2, 1)) == []  # 2021-01-31: FY21, not closed


def test_a_spiff_drafted_inside_a_closed_quarter_is_refused_and_not_written(ops, plan):
    close("FY22-Q2")
    with pytest.raises(SpiffInvalid) as refused:
        rule_spiff(ops)  # 2021-05-01 – 2021-05-31
    assert "Every day of the SPIFF (2021-05-01 to 2021-05-31) lies in a closed quarter (FY22-Q2)" in str(
        refused.value.message
    )
    assert not Spiff.objects.exists()


def test_a_spiff_with_a_day_of_an_open_quarter_is_drafted(ops, plan):
    close("FY22-Q2")
    spiff = rule_spiff(ops, end=date(2021, 8, 1))
    assert spiff.status == Spiff.Status.DRAFT


def test_a_draft_whose_quarter_closed_since_is_refused_when_proposed(ops, plan):
    spiff = rule_spiff(ops)
    close("FY22-Q2")
    with pytest.raises(SpiffInvalid, match=r"lies in a closed quarter \(FY22-Q2\)"):
        propose_spiff(spiff=spiff, user=ops)
    spiff.refresh_from_db()
    assert spiff.status == Spiff.Status.DRAFT
