"""A quarter with an adoption plan and an NRR-only plan closes after requests are applied (DESIGN §5).

One definition decides whether a plan needs a new run, for calculate and close alike: its inputs'
fingerprint (``services.runs.PlanState``). Exceptions and extra credit are inputs of adoption only, so
they change the adoption plan's inputs and not the NRR-only plan's.
"""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from commissions.models import Assignment, KpiActual, Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate, current_run, plan_state
from core.errors import AttainError
from tests.quarter.conftest import load_worked_example

from .test_applied_in_calculation import push_through

pytestmark = pytest.mark.django_db

NRR_PLAN = """
code: CS-NRR-FY22
name: NRR only FY22
fiscal_year: FY22
currency: USD
components:
  - {code: NRR, metric: nrr, weight: 1, goal: 1.10, floor: 1.0}
"""


@pytest.fixture
def two_plans(cco):
    """FY22-Q2 of the worked example with a second, NRR-only plan for E1; pulled; v1 of each plan."""
    load_worked_example(cco)
    nrr = load_plan(source=NRR_PLAN, file_name="nrr.yaml")
    Assignment.objects.create(
        employee=User.objects.get(employee_id="E1"),
        plan=nrr,
        start_date=date(2021, 2, 1),
        on_target_amount=Decimal("1000.00"),
    )
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    for plan in Plan.objects.order_by("code"):
        calculate(period=period, plan=plan)
    return period


def calculate_all(period) -> str:
    out = StringIO()
    call_command("calculate", period.code, stdout=out)
    return out.getvalue()


def test_close_after_an_exception_and_extra_credit_with_an_adoption_and_an_nrr_only_plan(
    two_plans, cco, finance, ops
):
    period = two_plans
    push_through("exception", "C3", "1", period, cco, finance, ops)
    push_through("extra_credit", "C1", "0.25", period, cco, finance, ops)

    # The adoption plan's inputs changed; the NRR-only plan's did not (its CSM owns C1 and C3 too).
    with pytest.raises(AttainError) as refused:
        close_period(period=period, user=ops)
    assert "the inputs of CS-FY22 v1 changed since" in refused.value.message
    assert "CS-NRR-FY22" not in refused.value.message

    out = calculate_all(period)
    assert "CS-FY22 FY22-Q2 v2:" in out
    assert "FY22-Q2 CS-NRR-FY22: no new run: inputs unchanged since v1" in out

    finals = close_period(period=period, user=ops)

    assert sorted((r.plan.code, r.version) for r in finals) == [("CS-FY22", 2), ("CS-NRR-FY22", 1)]
    assert set(Run.objects.filter(is_final=True).values_list("pk", flat=True)) == {r.pk for r in finals}


def test_calculate_and_close_agree_on_which_run_is_current(two_plans, cco, finance, ops):
    period = two_plans
    adoption, nrr = Plan.objects.get(code="CS-FY22"), Plan.objects.get(code="CS-NRR-FY22")
    assert plan_state(period=period, plan=adoption).up_to_date
    push_through("exception", "C3", "1", period, cco, finance, ops)

    state = plan_state(period=period, plan=adoption)
    assert not state.up_to_date and state.latest.version == 1
    assert state.summary == "CS-FY22: inputs changed since v1; needs a new run"
    assert current_run(period=period, plan=nrr).version == 1
    assert not calculate(period=period, plan=nrr).created  # what close accepts, calculate does not redo


def test_inputs_changed_back_make_a_new_version_the_current_and_final_run(two_plans, ops):
    # v1 with 12 PRs; v2 with 8; then 12 again: the latest run (v2) no longer holds the inputs, so
    # calculate makes v3 with v1's inputs — the run the console reviews and the CSM sees is the one close
    # makes final (DESIGN §5), never v1 named current behind v2.
    period = two_plans
    adoption = Plan.objects.get(code="CS-FY22")
    kpi = KpiActual.objects.get(employee__employee_id="E1", kpi="prs")
    KpiActual.objects.filter(pk=kpi.pk).update(value=Decimal(8))
    assert calculate(period=period, plan=adoption).run.version == 2
    KpiActual.objects.filter(pk=kpi.pk).update(value=kpi.value)
    assert current_run(period=period, plan=adoption) is None

    again = calculate(period=period, plan=adoption)
    assert again.created and again.run.version == 3
    assert again.run.fingerprint == Run.objects.get(plan=adoption, period=period, version=1).fingerprint
    assert current_run(period=period, plan=adoption).version == 3

    finals = close_period(period=period, user=ops)
    assert sorted((r.plan.code, r.version) for r in finals) == [("CS-FY22", 3), ("CS-NRR-FY22", 1)]


def test_a_csm_with_an_assignment_and_an_empty_book_is_warned_at_calculate(two_plans, ops):
    from tests.builders import make_user

    period = two_plans
    nobody = make_user("csm", employee_id="E9", name="Nine Empty")
    Assignment.objects.create(
        employee=nobody,
        plan=Plan.objects.get(code="CS-FY22"),
        start_date=date(2021, 2, 1),
        on_target_amount=3,
    )
    KpiActual.objects.create(employee=nobody, period="FY22-Q2", kpi="prs", value=10)

    out = calculate_all(period)

    run = Run.objects.get(plan__code="CS-FY22", version=2)
    about = [w for w in run.warnings if w["employee_id"] == "E9" and w["code"] == "component_not_applied"]
    assert {w["message"].split(" does not apply")[0] for w in about} == {"E9: ADOPTION", "E9: NRR"}
    assert all("book is empty" in w["message"] and "KPI carries its weight" in w["message"] for w in about)
    assert "warning: E9: ADOPTION does not apply in FY22-Q2 (their book is empty" in out
