"""Applying a deal correction writes the corrected deal (docs/design.md §7 "Deal corrections"): the closed
quarter is restated once, and a later quarter that credits the deal by its other date reads the corrected
amount — a deal dated in a closed quarter is frozen to imports, so the correction is its one way through.

The worked example (DESIGN §4) with two plans for E1 (OTI 3000.00, a third per component): CS-FY22 credits
churn by its effective date, CS-FY22B by its booking date (the default). Churn TD-C1 of C2 is booked
2021-07-15 (FY22-Q2) and effective 2021-08-15 (FY22-Q3). In FY22-Q2, CS-FY22B's NRR is
(150,000 + 7,500 − 2,000) ÷ 150,000 = 1.036667 → attainment 0.366667 → NRR 366.67; corrected to −3,000:
1.03 → 0.3 → 300.00, a true-up of −66.67. CS-FY22 credits TD-C1 in FY22-Q3 only."""

from decimal import Decimal

import pytest

from commissions.engine import calculate_quarter
from commissions.loaders import load_quarter
from commissions.models import ComponentResult, Correction, Deal, Plan, Run, TrueUp
from commissions.services.close import close_period
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError
from tests.builders import sign_off
from tests.quarter.conftest import WORKED, load_worked_example

from .conftest import import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
CHURN = {
    "deal_id": "TD-C1",
    "customer_id": "C2",
    "type": "churn",
    "currency": "USD",
    "booked_on": "2021-07-15",
    "effective_on": "2021-08-15",
}
REASON = "The churn was 3,000, not 2,000 (CRM fixed)."


def two_plans(tmp_path) -> tuple[Plan, Plan]:
    """CS-FY22 with ``churn: effective`` and CS-FY22B (booked), both paying E1; TD-C1 at −2,000."""
    source = (WORKED / "plan.yaml").read_text()
    load_plan(
        source=source.replace(
            "credit_date: booked\n", "credit_date: booked\ncredit_date_by_type: {churn: effective}\n"
        ),
        file_name="plan.yaml",
    )
    load_plan(source=source.replace("code: CS-FY22\n", "code: CS-FY22B\n"), file_name="plan_b.yaml")
    import_rows(
        "assignments",
        "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal\n"
        "E1,CS-FY22B,2021-02-01,,3000.00,1.10,10\n",
        tmp_path,
    )
    import_rows("deals", HEADER + "TD-C1,C2,churn,-2000,USD,2021-07-15,2021-08-15\n", tmp_path)
    return Plan.objects.get(code="CS-FY22"), Plan.objects.get(code="CS-FY22B")


def close_both(code: str, plans, ops):
    period = get_period(code)
    pull_scores(period=period, user=ops)
    for plan in plans:
        calculate(period=period, plan=plan, user=ops)
    close_period(period=period, user=ops)
    sign_off(period)
    period.refresh_from_db()
    return period


def nrr_line(run: Run) -> Decimal:
    return ComponentResult.objects.get(run=run, component="NRR").payout


def credited(plan: Plan, code: str) -> dict[str, Decimal]:
    deals = calculate_quarter(load_quarter(plan=plan, period=get_period(code), pull=None)).deals
    return dict(zip(deals["deal_id"], deals["arr_delta"], strict=True))


@pytest.mark.django_db
def test_an_applied_deal_correction_writes_the_deal_so_the_open_quarter_reads_it(cco, ops, tmp_path):
    load_worked_example(cco)
    by_effective, by_booked = two_plans(tmp_path)
    q2 = close_both("FY22-Q2", [by_effective, by_booked], ops)
    assert nrr_line(Run.objects.get(period=q2, plan=by_booked, is_final=True)) == Decimal("366.67")
    assert nrr_line(Run.objects.get(period=q2, plan=by_effective, is_final=True)) == Decimal("500.00")
    q3 = get_period("FY22-Q3")
    pull_scores(period=q3, user=ops)
    before = calculate(period=q3, plan=by_effective, user=ops).run
    assert credited(by_effective, "FY22-Q3")["TD-C1"] == Decimal("-2000")

    correction = record_correction(
        period=q2, kind="deal", rows=[{**CHURN, "arr_delta": "-3000"}], reason=REASON, user=ops
    )
    assert correction.effect == {"CS-FY22B": {"E1": "-66.67"}}
    trueups = apply_correction(correction=correction, user=ops)

    # The closed quarter is restated once: CS-FY22B pays back 66.67, CS-FY22 (not crediting it) nothing.
    assert [(t.plan.code, t.component, t.amount, t.paid_in.code) for t in trueups] == [
        ("CS-FY22B", "NRR", Decimal("-66.67"), "FY22-Q3")
    ]
    assert apply_correction(correction=correction, user=ops) == []
    assert TrueUp.objects.count() == 1
    # The deal itself is corrected: the open quarter's next run reads −3,000.
    assert Deal.objects.get(deal_id="TD-C1").arr_delta == Decimal("-3000")
    assert credited(by_effective, "FY22-Q3")["TD-C1"] == Decimal("-3000")
    after = calculate(period=q3, plan=by_effective, user=ops)
    assert after.created and after.run.version == before.version + 1


@pytest.mark.django_db
def test_a_quarter_with_an_applied_deal_correction_takes_further_corrections(cco, ops, tmp_path):
    # The written deal is the corrected one: the quarter's inputs with its applied corrections laid over
    # them are still those it was restated on, so the next correction is not refused as unrecorded data.
    load_worked_example(cco)
    by_effective, by_booked = two_plans(tmp_path)
    q2 = close_both("FY22-Q2", [by_effective, by_booked], ops)
    get_period("FY22-Q3")  # the open quarter the true-ups are paid in
    first = record_correction(
        period=q2, kind="deal", rows=[{**CHURN, "arr_delta": "-3000"}], reason=REASON, user=ops
    )
    apply_correction(correction=first, user=ops)
    # E1's prs corrected from its worked value to 5: KPI attainment 0.5, 500.00 less on each plan.
    second = record_correction(
        period=q2,
        kind="kpi",
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "5"}],
        reason="PRs were counted twice in June.",
        user=ops,
    )
    trueups = apply_correction(correction=second, user=ops)
    assert sorted((t.plan.code, t.component, t.amount) for t in trueups) == [
        ("CS-FY22", "KPI", Decimal("-500.00")),
        ("CS-FY22B", "KPI", Decimal("-500.00")),
    ]
    assert Correction.objects.filter(status=Correction.Status.APPLIED).count() == 2


@pytest.mark.django_db
def test_a_deal_correction_of_a_deal_dated_in_another_closed_quarter_is_refused(cco, ops, tmp_path):
    # Closed FY22-Q3 paid TD-C1 under CS-FY22 (effective 2021-08-15); a correction of FY22-Q2 would write
    # the deal and change what FY22-Q3 paid without restating it.
    load_worked_example(cco)
    by_effective, by_booked = two_plans(tmp_path)
    q2 = close_both("FY22-Q2", [by_effective, by_booked], ops)
    close_both("FY22-Q3", [by_effective, by_booked], ops)
    with pytest.raises(AttainError, match="Deal TD-C1 is dated in FY22-Q3 too, which is closed"):
        record_correction(
            period=q2, kind="deal", rows=[{**CHURN, "arr_delta": "-3000"}], reason=REASON, user=ops
        )
    assert Deal.objects.get(deal_id="TD-C1").arr_delta == Decimal("-2000")
