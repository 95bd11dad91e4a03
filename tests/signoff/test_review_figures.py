"""The figures finance reviews before the sign-off (DESIGN §5), against hand-computed totals: per geo, plan
and currency, exact to the cent in Decimal (never the database's float SUM on SQLite), against the previous
quarter (same plan code, same currency) and the on-target amounts."""

from decimal import Decimal

import pytest

from accounts.models import Role, User
from commissions.models import Correction, Payout, Plan, Run
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.holds import hold_line
from commissions.services.payout_review import payout_review
from commissions.services.periods import get_period
from commissions.services.signoff import sign_off_payouts
from tests.builders import make_user

from .conftest import COMMENT, close_quarter

pytestmark = pytest.mark.django_db


def test_the_worked_example_pays_2333_33_on_3000_00_of_oti_77_8_percent(closed):
    review = payout_review(closed)

    [usd] = review.by_currency
    f = usd.figures
    assert (usd.currency, f.csms, f.commission, f.payable, f.held, f.oti) == (
        "USD",
        1,
        Decimal("2333.33"),
        Decimal("2333.33"),
        Decimal(0),
        Decimal("3000.00"),
    )
    assert f.of_oti == Decimal("77.8")  # 2333.33 / 3000.00 = 77.78 %
    assert usd.previous is None and review.previous is None  # no FY22-Q1 row
    assert [(row.geo, row.plan, row.currency) for row in review.by_geo] == [("AMER", "CS-FY22", "USD")]
    assert [(run.plan.code, run.version) for run in review.runs] == [("CS-FY22", 1)]


def test_held_lines_are_counted_apart_and_left_out_of_the_signed_totals(closed, ops, finance):
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    hold_line(period=closed, employee=e1, plan=plan, reason="payout disputed by the CSM", user=ops)

    [usd] = payout_review(closed).by_currency
    assert (usd.figures.held, usd.figures.held_lines, usd.figures.payable) == (
        Decimal("2333.33"),
        1,
        Decimal(0),
    )
    assert sign_off_payouts(period=closed, user=finance, comment=COMMENT).totals == {}


def test_the_next_quarter_is_compared_with_the_previous_one_and_shows_its_clawback(closed, ops):
    # A KPI correction of FY22-Q2 (5 PRs instead of 12): KPI 1000.00 → 500.00, −500.00 paid in FY22-Q3.
    get_period("FY22-Q3")
    correction = record_correction(
        period=closed,
        kind=Correction.Kind.KPI,
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "5"}],
        reason="PR count recounted after the close",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    q3 = close_quarter("FY22-Q3", ops)

    review = payout_review(q3)

    assert review.previous == closed
    [plan] = review.by_plan
    [usd] = review.by_currency
    assert plan.previous.payable == usd.previous.payable == Decimal("2333.33")
    assert usd.figures.clawbacks == Decimal("-500.00") and usd.figures.trueups == Decimal(0)
    commission = Payout.objects.get(run__period=q3, run__is_final=True).amount
    assert usd.figures.payable == commission - Decimal("500.00") + usd.figures.carried
    assert usd.change == usd.figures.payable - Decimal("2333.33")


def test_sums_are_exact_decimals_per_geo_and_plan(worked):
    """0.10 + 0.20 is 0.30 here; SQLite's SUM would give 0.30000000000000004."""
    q3, plan = get_period("FY22-Q3"), Plan.objects.get(code="CS-FY22")
    run = Run.objects.create(plan=plan, period=q3, version=1, status=Run.Status.SUCCEEDED, fingerprint="f")
    for geo, amount, oti in (
        ("AMER", "0.10", "1.00"),
        ("AMER", "0.20", "2.00"),
        ("EMEA", "1500.55", "3000.00"),
    ):
        person = make_user(Role.CSM, geo=geo)
        Payout.objects.create(
            run=run, employee=person, amount=Decimal(amount), on_target_amount=Decimal(oti), currency="USD"
        )

    review = payout_review(q3)

    by_geo = {row.geo: row.figures for row in review.by_geo}
    assert by_geo["AMER"].commission == Decimal("0.30") and by_geo["AMER"].csms == 2
    assert by_geo["AMER"].oti == Decimal("3.00") and by_geo["AMER"].of_oti == Decimal("10.0")
    assert by_geo["EMEA"].payable == Decimal("1500.55") and by_geo["EMEA"].of_oti == Decimal("50.0")
    [usd] = review.by_currency
    assert usd.figures.payable == Decimal("1500.85") and usd.figures.oti == Decimal("3003.00")
    assert usd.figures.csms == 3
