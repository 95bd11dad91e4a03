"""An applied request is an input of the next calculation (DESIGN §4.3, §5), on the worked example."""

from decimal import Decimal

import pytest

from accounts.models import Role
from approvals.services import apply, approve, file_request
from commissions.models import ComponentResult, CustomerResult, Plan, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import JUSTIFICATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def calculated(cco):
    """FY22-Q2 of the worked example pulled and calculated once (v1: ADOPTION 833.33, C3 held harmless)."""
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    return period


def recalculate(period):
    return calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))


def line(run: Run, customer_id: str) -> CustomerResult:
    return CustomerResult.objects.get(run=run, customer__customer_id=customer_id)


def adoption_payout(run: Run) -> Decimal:
    return ComponentResult.objects.get(run=run, component="ADOPTION").payout


def push_through(kind: str, customer_id: str, value: str, period, cco, finance, ops):
    from adoption.models import Customer

    vp = make_user(Role.CSVP, geo="AMER")
    request = file_request(
        user=vp,
        kind=kind,
        customer=Customer.objects.get(customer_id=customer_id),
        period=period,
        value=value,
        justification=JUSTIFICATION,
    )
    request = approve(request=request, user=cco, comment="CCO agrees.")
    if kind == "exception":
        request = approve(request=request, user=finance, comment="Finance agrees.")
    return apply(request=request, user=ops, comment="Applied for the next run.")


def test_applied_exception_counts_a_held_harmless_customer_in_the_next_run(calculated, cco, finance, ops):
    v1 = Run.objects.get(version=1)
    assert adoption_payout(v1) == Decimal("833.33")
    assert not line(v1, "C3").counted and line(v1, "C3").reason.startswith("held harmless")

    push_through("exception", "C3", "1", calculated, cco, finance, ops)
    result = recalculate(calculated)

    v2 = result.run
    assert result.created and v2.version == 2 and v2.status == Run.Status.SUCCEEDED
    c3 = line(v2, "C3")
    assert c3.counted and c3.reason == "exception applied" and c3.r == Decimal("1")
    # DESIGN §4: A = (100000·0.75 + 50000·1 + 50000·1) / 200000 = 0.875; ADOPTION = 3000/3 · 0.875.
    assert adoption_payout(v2) == Decimal("875.00")
    assert line(v2, "C1").r == Decimal("0.75") and line(v2, "C2").r == Decimal("1")
    assert adoption_payout(Run.objects.get(version=1)) == Decimal("833.33")  # v1 stays as it was


def test_applied_extra_credit_adds_points_without_clamping(calculated, cco, finance, ops):
    push_through("extra_credit", "C1", "0.5", calculated, cco, finance, ops)
    v2 = recalculate(calculated).run

    c1 = line(v2, "C1")
    assert c1.r == Decimal("1.25") and c1.counted  # 0.75 + 0.5: above 1, not clamped
    assert c1.reason == "counted; extra credit applied"
    # A = (100000·1.25 + 50000·1) / 150000 = 1.1667 (C3 still held harmless), capped at 1 by the plan.
    adoption = ComponentResult.objects.get(run=v2, component="ADOPTION")
    assert adoption.metric_value.quantize(Decimal("0.0001")) == Decimal("1.1667")
    assert adoption.payout == Decimal("1000.00")


def test_approved_but_not_applied_request_is_not_an_input(calculated, cco, finance):
    from adoption.models import Customer

    request = file_request(
        user=make_user(Role.CSVP, geo="AMER"),
        kind="exception",
        customer=Customer.objects.get(customer_id="C3"),
        period=calculated,
        value="1",
        justification=JUSTIFICATION,
    )
    approve(request=approve(request=request, user=cco, comment="ok"), user=finance, comment="ok")
    result = recalculate(calculated)
    assert not result.created and result.run.version == 1
