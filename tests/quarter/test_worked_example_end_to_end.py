"""DESIGN §4 "Worked example" end to end through the stable commands of DESIGN §6."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role
from tests.builders import make_user


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_worked_example_pays_2333_33_through_the_commands(worked, ops, tmp_path):
    assert "Pulled scores of 3 customers for FY22-Q2" in run("pull_scores", "FY22-Q2")
    summary = run("calculate", "FY22-Q2")
    assert "CS-FY22 FY22-Q2 v1: 1 CSM, total 2,333.33 USD" in summary
    assert "E1: — → 2333.33" in summary
    assert "Closed FY22-Q2. Final runs: CS-FY22 v1." in run("close_period", "FY22-Q2", "--user", ops.email)
    # The payroll export waits for finance's sign-off (DESIGN §5).
    finance = make_user(Role.FINANCE, email="finance@example.com")
    signed = run("sign_off_payouts", "FY22-Q2", "--user", finance.email, "--comment", "Totals match the OTI.")
    assert "Signed off the payouts of FY22-Q2: CS-FY22 2333.33 USD." in signed

    assert run("export_payouts", "FY22-Q2") == (
        "period,employee_id,email,plan,currency,amount,type,restates\n"
        "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,\n"
    )
    target = tmp_path / "detail.csv"
    call_command("export_payouts", "FY22-Q2", "--detail", "-o", str(target), stderr=StringIO())
    assert target.read_text() == (
        "period,employee_id,plan,component,metric_value,attainment,factor,weight,payout,type,restates,"
        "weight_share\n"
        "FY22-Q2,E1,CS-FY22,ADOPTION,0.8333,0.8333,0.8333,1,833.33,commission,,0.3333\n"
        "FY22-Q2,E1,CS-FY22,NRR,1.0500,0.5000,0.5000,1,500.00,commission,,0.3333\n"
        "FY22-Q2,E1,CS-FY22,KPI,12.0000,1.2000,1.0000,1,1000.00,commission,,0.3333\n"
    )


@pytest.mark.django_db
def test_run_keeps_each_customer_line_with_its_reason(worked):
    from commissions.models import CustomerResult

    run("pull_scores", "FY22-Q2")
    run("calculate", "FY22-Q2")
    lines = {c.customer.customer_id: c for c in CustomerResult.objects.select_related("customer")}
    assert str(lines["C1"].r.normalize()) == "0.75" and lines["C1"].counted
    assert lines["C2"].reason == "no target; score improved (r = 1)" and lines["C2"].counted
    assert not lines["C3"].counted and lines["C3"].reason.startswith("held harmless")
