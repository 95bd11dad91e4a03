"""Issue 14, RULES "Negative totals": under carry_forward a CSM's negative quarter is never paid negative;
the balance is recovered from later payouts, across quarters. Under pay_negative it is paid negative.

E1 (worked example, clawback_days 90) is clawed back −500.00 for FY22-Q2 in FY22-Q3, where the churn
leaves E1 nothing to earn (NRR below 1, no KPI value): FY22-Q3 pays 0 and carries −500.00; FY22-Q4 also
earns 0 and carries it on; FY22-Q4's 12 PRs would pay 1,500.00 (KPI and NRR share the OTI), so with them
the balance is recovered: 1,500.00 − 500.00 = 1,000.00 paid.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import Correction, PayoutLine, Plan
from commissions.services.corrections import apply_correction
from commissions.services.ledger import outstanding_balances
from commissions.services.periods import get_period

from .conftest import close_quarter, import_rows

CHURN = (
    "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
    "D9,C2,churn,-57500,USD,2021-08-15,2021-08-15\n"
)


def lines(code: str) -> list[tuple[str, str]]:
    return [
        (line.type, str(line.amount))
        for line in PayoutLine.objects.filter(period__code=code).order_by("employee_id", "position")
    ]


def export(code: str) -> list[str]:
    out = StringIO()
    call_command("export_payouts", code, stdout=out)
    return out.getvalue().splitlines()[1:]


@pytest.fixture
def clawed_back(closed_q2, ops, tmp_path):
    Plan.objects.filter(code="CS-FY22").update(clawback_days=90)
    import_rows("deals", CHURN, tmp_path)
    apply_correction(correction=Correction.objects.get(kind="clawback"), user=ops)
    return closed_q2


@pytest.mark.django_db
def test_a_negative_balance_is_carried_forward_over_two_quarters_and_then_recovered(
    clawed_back, ops, tmp_path
):
    close_quarter("FY22-Q3", ops)
    assert lines("FY22-Q3") == [("commission", "0.00"), ("clawback", "-500.00"), ("carry-forward", "500.00")]
    assert export("FY22-Q3") == [
        "FY22-Q3,E1,e1@example.com,CS-FY22,USD,0.00,commission,",
        "FY22-Q3,E1,e1@example.com,CS-FY22,USD,-500.00,clawback,FY22-Q2",
        "FY22-Q3,E1,e1@example.com,CS-FY22,USD,500.00,carry-forward,",
    ]
    close_quarter("FY22-Q4", ops)
    assert lines("FY22-Q4") == [
        ("commission", "0.00"),
        ("carry-forward", "-500.00"),
        ("carry-forward", "500.00"),
    ]
    # FY23 has no plan in the worked example: the balance stays outstanding, reported, not deducted elsewhere.
    [owed] = outstanding_balances(get_period("FY23-Q1"))
    assert (owed.period.code, owed.amount) == ("FY22-Q4", Decimal("500.00"))


@pytest.mark.django_db
def test_a_later_positive_quarter_recovers_the_carried_balance(clawed_back, ops, tmp_path):
    close_quarter("FY22-Q3", ops)
    import_rows("kpis", "period,employee_id,kpi,value\nFY22-Q4,E1,prs,12\n", tmp_path)
    close_quarter("FY22-Q4", ops)
    assert lines("FY22-Q4") == [("commission", "1500.00"), ("carry-forward", "-500.00")]
    assert sum(Decimal(row.split(",")[5]) for row in export("FY22-Q4")) == Decimal("1000.00")
    assert not outstanding_balances(PayoutLine.objects.filter(period__code="FY22-Q4").first().period)


@pytest.mark.django_db
def test_pay_negative_pays_the_negative_total(clawed_back, ops):
    Plan.objects.filter(code="CS-FY22").update(negative_balance=Plan.NegativeBalance.PAY_NEGATIVE)
    close_quarter("FY22-Q3", ops)
    assert lines("FY22-Q3") == [("commission", "0.00"), ("clawback", "-500.00")]
