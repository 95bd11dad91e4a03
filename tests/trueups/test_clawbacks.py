"""Issue 14, RULES "Clawback window": churn or contraction within clawback_days of a credited expansion
recovers that credit, in proportion; day N is included.

Written out (the worked example, CS-FY22 with clawback_days 90): expansion D1 of C2, +7,500, is credited
on 2021-06-01 in FY22-Q2, which closes paying NRR 500.00 (NRR 1.05, attainment 0.5). A churn of C2 booked
2021-08-15 (FY22-Q3) undoes all of it: FY22-Q2 restated without D1 has NRR 1.00, attainment 0, NRR
0.00, so a clawback of −500.00 is paid in FY22-Q3. A contraction of −3,000 undoes 3,000/7,500 = 40%:
D1 is credited at 4,500, NRR 1.03, attainment 0.3, NRR 300.00, clawback −200.00. Either deal still
counts in FY22-Q3's own NRR like any deal.
"""

from decimal import Decimal

import pytest

from commissions.models import Correction, Plan, TrueUp
from commissions.services.clawbacks import find_clawbacks
from commissions.services.corrections import apply_correction

from .conftest import import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"


@pytest.fixture
def with_clawback(closed_q2):
    Plan.objects.filter(code="CS-FY22").update(clawback_days=90)
    return closed_q2


def clawbacks_after(text: str, tmp_path) -> list[Correction]:
    result = import_rows("deals", HEADER + text, tmp_path)
    assert "Recorded" in result.summary or not Correction.objects.exists()
    return list(Correction.objects.filter(kind=Correction.Kind.CLAWBACK))


@pytest.mark.django_db
def test_a_late_churn_within_the_window_claws_back_the_whole_expansion_credit(with_clawback, ops, tmp_path):
    [clawback] = clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    assert clawback.period == with_clawback and clawback.source == "clawback:D1:D9"
    assert clawback.effect == {"CS-FY22": {"E1": "-500.00"}}
    [line] = apply_correction(correction=clawback, user=ops)
    assert (line.paid_in.code, line.component, line.amount) == ("FY22-Q3", "NRR", Decimal("-500.00"))


@pytest.mark.django_db
def test_a_contraction_claws_back_in_proportion_to_the_credit_it_undoes(with_clawback, ops, tmp_path):
    [clawback] = clawbacks_after("D9,C2,contraction,-3000,USD,2021-08-10,2021-08-10\n", tmp_path)
    assert clawback.rows == [{"deal_id": "D1", "share": "0.4", "by_deal": "D9", "plans": "CS-FY22"}]
    assert clawback.effect == {"CS-FY22": {"E1": "-200.00"}}


@pytest.mark.django_db
def test_day_n_is_inside_the_window_and_day_n_plus_one_is_not(with_clawback, tmp_path):
    # 2021-06-01 + 90 days = 2021-08-30
    assert not clawbacks_after("D8,C2,churn,-57500,USD,2021-08-31,2021-08-31\n", tmp_path)
    assert len(clawbacks_after("D9,C2,churn,-57500,USD,2021-08-30,2021-08-30\n", tmp_path)) == 1


@pytest.mark.django_db
def test_finding_clawbacks_again_records_nothing_more(with_clawback, tmp_path):
    clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    assert find_clawbacks() == []
    assert Correction.objects.count() == 1


@pytest.mark.django_db
def test_a_plan_without_clawback_days_claws_nothing_back(closed_q2, tmp_path):
    assert not clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    assert not TrueUp.objects.exists()


@pytest.mark.django_db
def test_a_churn_imported_before_the_expansions_quarter_closes_is_clawed_back_at_its_close(
    worked, ops, tmp_path
):
    from commissions.services.close import close_period
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    Plan.objects.filter(code="CS-FY22").update(clawback_days=90)
    q2 = get_period("FY22-Q2")
    pull_scores(period=q2, user=ops)
    calculate(period=q2, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    get_period("FY22-Q3")
    assert not clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    close_period(period=q2, user=ops)
    [clawback] = Correction.objects.filter(kind=Correction.Kind.CLAWBACK)
    assert clawback.source == "clawback:D1:D9" and clawback.effect == {"CS-FY22": {"E1": "-500.00"}}


@pytest.mark.django_db
def test_a_corrected_contraction_replaces_its_pending_clawback(with_clawback, tmp_path):
    [first] = clawbacks_after("D9,C2,contraction,-3000,USD,2021-08-10,2021-08-10\n", tmp_path)
    import_rows("deals", HEADER + "D9,C2,contraction,-1500,USD,2021-08-10,2021-08-10\n", tmp_path)
    first.refresh_from_db()
    assert first.status == Correction.Status.WITHDRAWN
    [now] = Correction.objects.filter(kind=Correction.Kind.CLAWBACK, status=Correction.Status.PENDING)
    assert now.source == "clawback:D1:D9#2"
    assert now.rows == [{"deal_id": "D1", "share": "0.2", "by_deal": "D9", "plans": "CS-FY22"}]
    # D1 credited at 6,000: NRR 1.04, attainment 0.4, NRR 400.00 instead of 500.00.
    assert now.effect == {"CS-FY22": {"E1": "-100.00"}}
    assert (
        f"replaces {first.label}, withdrawn before it was applied (40% undone): 20% undone now" in now.reason
    )
    assert find_clawbacks() == []


@pytest.mark.django_db
def test_an_applied_clawback_is_revised_when_its_contraction_is_corrected(with_clawback, ops, tmp_path):
    [first] = clawbacks_after("D9,C2,contraction,-3000,USD,2021-08-10,2021-08-10\n", tmp_path)
    [paid] = apply_correction(correction=first, user=ops)
    assert paid.amount == Decimal("-200.00")
    import_rows("deals", HEADER + "D9,C2,contraction,-1500,USD,2021-08-10,2021-08-10\n", tmp_path)
    first.refresh_from_db()
    assert first.status == Correction.Status.APPLIED
    revision = Correction.objects.get(source="clawback:D1:D9#2")
    assert revision.rows == [{"deal_id": "D1", "share": "0.2", "by_deal": "D9", "plans": "CS-FY22"}]
    assert f"revises {first.label}, applied (40% undone): 20% undone now" in revision.reason
    # Only the latest share of the pair counts: 20% undone in all, so 100.00 of the 200.00 comes back.
    [back] = apply_correction(correction=revision, user=ops)
    assert (back.paid_in.code, back.amount) == ("FY22-Q3", Decimal("100.00"))


@pytest.mark.django_db
def test_a_churn_moved_out_of_the_window_gives_the_clawback_back(with_clawback, ops, tmp_path):
    [first] = clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    apply_correction(correction=first, user=ops)
    import_rows("deals", HEADER + "D9,C2,churn,-57500,USD,2021-09-15,2021-09-15\n", tmp_path)
    revision = Correction.objects.get(source="clawback:D1:D9#2")
    assert revision.rows == [{"deal_id": "D1", "share": "0", "by_deal": "D9", "plans": "CS-FY22"}]
    assert "deal D9 no longer undoes expansion D1" in revision.reason
    [back] = apply_correction(correction=revision, user=ops)
    assert back.amount == Decimal("500.00")
    assert find_clawbacks() == []


@pytest.mark.django_db
def test_a_pending_clawback_whose_churn_moved_out_of_the_window_is_withdrawn(with_clawback, tmp_path):
    [first] = clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    result = import_rows("deals", HEADER + "D9,C2,churn,-57500,USD,2021-09-15,2021-09-15\n", tmp_path)
    first.refresh_from_db()
    assert first.status == Correction.Status.WITHDRAWN
    assert f"Withdrew {first.label} of FY22-Q2: its deals no longer claw anything back." in result.summary
    assert Correction.objects.filter(kind=Correction.Kind.CLAWBACK).count() == 1


@pytest.mark.django_db
def test_a_deal_correction_of_a_closed_contraction_revises_its_applied_clawback(with_clawback, ops, tmp_path):
    from commissions.services.corrections import record_correction
    from commissions.services.periods import get_period

    from .conftest import close_quarter

    [first] = clawbacks_after("D9,C2,contraction,-3000,USD,2021-08-10,2021-08-10\n", tmp_path)
    apply_correction(correction=first, user=ops)
    q3 = close_quarter("FY22-Q3", ops)
    get_period("FY22-Q4")  # the open quarter the true-ups are paid in
    fixed = {
        "deal_id": "D9",
        "customer_id": "C2",
        "type": "contraction",
        "arr_delta": "-1500",
        "currency": "USD",
        "booked_on": "2021-08-10",
        "effective_on": "2021-08-10",
    }
    deal = record_correction(period=q3, kind="deal", rows=[fixed], reason="The CRM doubled D9.", user=ops)
    apply_correction(correction=deal, user=ops)
    revision = Correction.objects.get(source="clawback:D1:D9#2")
    assert (revision.period.code, revision.status) == ("FY22-Q2", Correction.Status.PENDING)
    assert revision.rows == [{"deal_id": "D1", "share": "0.2", "by_deal": "D9", "plans": "CS-FY22"}]
    [back] = apply_correction(correction=revision, user=ops)
    assert (back.paid_in.code, back.amount) == ("FY22-Q4", Decimal("100.00"))


@pytest.mark.django_db
def test_only_the_plans_with_a_clawback_window_claw_back(cco, ops, tmp_path):
    # E1 is paid by CS-FY22 (clawback_days 90) and CS-FY22B (no clawback) in FY22-Q2: the churn takes the
    # expansion's credit back from CS-FY22 only; CS-FY22B keeps what it paid.
    from commissions.services.plans import load_plan
    from tests.quarter.conftest import WORKED, load_worked_example

    load_worked_example(cco)
    source = (WORKED / "plan.yaml").read_text()
    load_plan(source=source.replace("code: CS-FY22\n", "code: CS-FY22B\n"), file_name="plan_b.yaml")
    import_rows(
        "assignments",
        "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal\n"
        "E1,CS-FY22B,2021-02-01,,3000.00,1.10,10\n",
        tmp_path,
    )
    Plan.objects.filter(code="CS-FY22").update(clawback_days=90)
    from tests.trueups.test_deal_correction_writes_the_deal import close_both

    close_both("FY22-Q2", list(Plan.objects.filter(code__in=["CS-FY22", "CS-FY22B"])), ops)
    from commissions.services.periods import get_period

    get_period("FY22-Q3")
    [clawback] = clawbacks_after("D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n", tmp_path)
    assert clawback.rows == [{"deal_id": "D1", "share": "1", "by_deal": "D9", "plans": "CS-FY22"}]
    assert clawback.effect == {"CS-FY22": {"E1": "-500.00"}}
    [line] = apply_correction(correction=clawback, user=ops)
    assert (line.plan.code, line.amount) == ("CS-FY22", Decimal("-500.00"))
