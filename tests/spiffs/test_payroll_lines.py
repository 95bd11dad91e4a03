"""SPIFF awards are paid as their own payroll lines in the quarter they are earned (docs/design.md
§11.3): the export's commission lines are unchanged and commission + SPIFF lines sum to the cent."""

import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest

from accounts.models import User
from commissions.services.export import write_payouts
from commissions.services.periods import get_period
from commissions.services.person_metrics import values_from
from incentives.models import SpiffAward
from incentives.services.awards import approve_grant, award_spiff, grant_spiff
from incentives.services.payroll import spiff_payroll_lines
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from tests.quarter.conftest import cco, load_worked_example, ops  # noqa: F401 (fixtures)
from tests.trueups.conftest import close_quarter

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def q2_with_spiffs(cco, ops):  # noqa: F811
    """The worked example's FY22-Q2 (E1 paid 2,333.33 USD of commission) with E1 awarded 40.00 + 40.00 by
    a rule SPIFF and granted 33.33 by hand, then closed and signed off."""
    load_worked_example(cco)
    q2 = get_period("FY22-Q2")
    e1 = User.objects.get(employee_id="E1")
    day = q2.start + timedelta(days=3)
    rule = create_spiff(
        user=ops,
        code="logins",
        name="Logins",
        start=q2.start,
        end=q2.end,
        currency="USD",
        kind="rule",
        metric="login_rate",
        threshold=D("90"),
        amount="40.00",
        per="event",
        budget="100.00",
        eligibility="list",
        people=[e1],
    )
    rule = approve_spiff(spiff=propose_spiff(spiff=rule, user=ops), user=cco)
    rows = [(e1.pk, day, D("95")), (e1.pk, day + timedelta(days=1), D("91"))]
    award_spiff(rule, q2.end, metrics=values_from(rows))
    manual = create_spiff(
        user=ops,
        code="thanks",
        name="Thanks",
        start=q2.start,
        end=q2.end,
        currency="USD",
        kind="manual",
        budget="50.00",
        eligibility="list",
        people=[e1],
    )
    manual = approve_spiff(spiff=propose_spiff(spiff=manual, user=ops), user=cco)
    grant = grant_spiff(
        spiff=manual, employee=e1, amount="33.33", day=day, reason="Saved a renewal", user=ops
    )
    approve_grant(award=grant, user=cco)
    return close_quarter("FY22-Q2", ops)


def _rows(period, ops, **kw):  # noqa: F811
    out = StringIO()
    write_payouts(period, out, user=ops, **kw)
    return list(csv.DictReader(StringIO(out.getvalue())))


def test_commission_and_spiff_lines_sum_to_the_cent(q2_with_spiffs, ops):  # noqa: F811
    rows = _rows(q2_with_spiffs, ops)

    assert [
        (r["employee_id"], r["plan"], r["amount"], r["type"]) for r in rows if r["employee_id"] == "E1"
    ] == [
        ("E1", "CS-FY22", "2333.33", "commission"),
        ("E1", "logins", "80.00", "spiff"),
        ("E1", "thanks", "33.33", "spiff"),
    ]
    commission = sum(D(r["amount"]) for r in rows if r["type"] != "spiff")
    spiffs = sum(D(r["amount"]) for r in rows if r["type"] == "spiff")
    awarded = sum(SpiffAward.objects.filter(status="approved").values_list("amount", flat=True))
    assert spiffs == awarded == D("113.33")
    assert sum(D(r["amount"]) for r in rows) == commission + D("113.33")
    assert sum(D(r["amount"]) for r in rows if r["employee_id"] == "E1") == D("2446.66")


def test_the_detail_export_carries_the_spiff_lines_too(q2_with_spiffs, ops):  # noqa: F811
    rows = _rows(q2_with_spiffs, ops, detail=True)

    spiff_rows = [(r["plan"], r["payout"], r["component"]) for r in rows if r["type"] == "spiff"]
    assert spiff_rows == [("logins", "80.00", ""), ("thanks", "33.33", "")]


def test_a_quarter_without_spiffs_has_no_spiff_lines(q2_with_spiffs, ops):  # noqa: F811
    assert spiff_payroll_lines(get_period("FY22-Q3")) == []


def test_awards_of_a_closed_quarter_are_frozen(q2_with_spiffs, ops):  # noqa: F811
    from core.errors import PeriodClosed
    from incentives.models import Spiff

    q2 = q2_with_spiffs
    rule, manual = Spiff.objects.get(code="logins"), Spiff.objects.get(code="thanks")
    e1 = User.objects.get(employee_id="E1")
    late = [(e1.pk, q2.start + timedelta(days=10), D("99"))]

    run = award_spiff(rule, q2.end, metrics=values_from(late))

    assert run.awards == [] and run.closed == [(q2.start + timedelta(days=10), "E1", "FY22-Q2")]
    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed"):
        grant_spiff(spiff=manual, employee=e1, amount="1.00", day=q2.start, reason="late", user=ops)
