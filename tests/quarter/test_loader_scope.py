"""Dashboards load one CSM's (or one geo's) inputs; the engine must pay them exactly as the full run."""

from datetime import date

import pytest

from accounts.models import User
from commissions.engine import calculate_quarter
from commissions.loaders import load_quarter
from commissions.models import Payout, Period, Plan, Run
from commissions.services.demo import seed_demo
from commissions.services.demo_quarters import run_demo_quarters

pytestmark = pytest.mark.django_db


def test_inputs_scoped_to_each_csm_pay_what_the_full_run_pays():
    today = date(2026, 11, 25)
    seed_demo(today=today)
    run_demo_quarters(today=today)
    period = Period.objects.get(code="FY27-Q3")
    checked = 0
    for plan in Plan.objects.all():
        run = Run.objects.get(plan=plan, period=period)
        full = dict(Payout.objects.filter(run=run).values_list("employee__employee_id", "amount"))
        for employee_id, amount in full.items():
            user = User.objects.get(employee_id=employee_id)
            inputs = load_quarter(plan=plan, period=period, pull=run.pull, employees=[user.pk])
            scoped = calculate_quarter(inputs).payouts
            assert list(scoped["employee_id"]) == [employee_id]
            assert scoped["total"].iloc[0] == amount, employee_id
            checked += 1
    assert checked == 12
