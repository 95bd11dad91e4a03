"""Issue 20: a deal whose two dates fall in different quarters is credited once, in the quarter its type's
rule (``credit_date_by_type``) names — across a quarter boundary and across a closed quarter, where the
controls (frozen deals, a locked plan) and the clawback window go by the same rule.

The worked example (DESIGN §4): FY22-Q2 is 2021-05-01 .. 2021-07-31; its one deal D1 (expansion of C2,
+7,500 booked and effective 2021-06-01) and its total 2333.33."""

from decimal import Decimal

import pytest

from commissions.engine import calculate_quarter
from commissions.loaders import load_quarter
from commissions.models import Correction, Plan, Run
from commissions.services.clawbacks import find_clawbacks
from commissions.services.imports import ImportRefused
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from core.errors import PeriodClosed
from tests.quarter.conftest import WORKED, load_worked_example

from .conftest import close_quarter, import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
# A renewal of C1 signed on Q2's last day that starts on Q3's first.
RENEWAL = "R1,C1,renewal,5000,USD,2021-07-31,2021-08-01\n"


def with_rules(rules: str) -> None:
    """Reload the worked example's plan with ``credit_date_by_type`` (YAML flow mapping)."""
    source = (
        (WORKED / "plan.yaml")
        .read_text()
        .replace("credit_date: booked\n", f"credit_date: booked\ncredit_date_by_type: {rules}\n")
    )
    load_plan(source=source, file_name="plan.yaml")


def credited_in(code: str) -> list[str]:
    """The deal ids the quarter ``code`` credits under the stored plan (live scores)."""
    inputs = load_quarter(plan=Plan.objects.get(code="CS-FY22"), period=get_period(code), pull=None)
    return sorted(calculate_quarter(inputs).deals["deal_id"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rules", "q2", "q3"),
    [
        (None, ["D1", "R1"], []),  # the default (booked): the renewal counts in Q2, as before
        ("{renewal: effective}", ["D1"], ["R1"]),  # effective: in Q3 only
        ("{renewal: booked}", ["D1", "R1"], []),  # a rule equal to the default changes nothing
    ],
)
def test_a_renewal_across_the_quarter_boundary_is_credited_once(cco, tmp_path, rules, q2, q3):
    load_worked_example(cco)
    if rules:
        with_rules(rules)
    import_rows("deals", HEADER + RENEWAL, tmp_path)
    assert (credited_in("FY22-Q2"), credited_in("FY22-Q3")) == (q2, q3)


@pytest.mark.django_db
def test_a_closed_quarter_pays_without_the_renewal_and_the_next_quarter_credits_it(cco, ops, tmp_path):
    load_worked_example(cco)
    with_rules("{renewal: effective}")
    import_rows("deals", HEADER + RENEWAL, tmp_path)
    q2 = close_quarter("FY22-Q2", ops)
    final = Run.objects.get(period=q2, is_final=True)
    [payout] = final.payouts.all()
    assert payout.amount == Decimal("2333.33")  # the worked example's total: R1 is not Q2's
    assert credited_in("FY22-Q3") == ["R1"]
    # The controls apply: the plan's rules are fixed for the year, and a deal dated in the closed quarter
    # (R1's booking day) is frozen even though its type credits it later.
    with pytest.raises(PeriodClosed):
        with_rules("{renewal: booked}")
    with pytest.raises(ImportRefused) as refused:
        import_rows("deals", HEADER + "R1,C1,renewal,9000,USD,2021-07-31,2021-08-01\n", tmp_path)
    assert "FY22-Q2 is closed" in refused.value.errors[0].reason
    assert credited_in("FY22-Q3") == ["R1"]


@pytest.mark.django_db
def test_the_clawback_window_counts_to_the_churns_own_credit_date(cco, ops, tmp_path):
    # D1 (expansion, booked 2021-06-01) credited in closed Q2; a 90-day window ends 2021-08-30.
    load_worked_example(cco)
    with_rules("{churn: effective}")
    q2 = close_quarter("FY22-Q2", ops)
    Plan.objects.filter(code="CS-FY22").update(clawback_days=90)
    # Booked inside the window, effective after it: under "churn: effective" it is outside.
    import_rows("deals", HEADER + "D8,C2,churn,-57500,USD,2021-08-20,2021-08-31\n", tmp_path)
    find_clawbacks()
    assert not Correction.objects.filter(kind=Correction.Kind.CLAWBACK).exists()
    # Effective on day 90: inside.
    import_rows("deals", HEADER + "D9,C2,churn,-57500,USD,2021-09-10,2021-08-30\n", tmp_path)
    find_clawbacks()
    [clawback] = Correction.objects.filter(kind=Correction.Kind.CLAWBACK)
    assert (clawback.period, clawback.source) == (q2, "clawback:D1:D9")
