"""DESIGN §3 "Plans", "Locked": ``load_plan``'s refusal of a change to a locked plan offers re-opening its
closed quarters only when every one of them can be re-opened — the rule ``reopen_period`` applies (§7
"Re-opening": a quarter with applied corrections stays closed). Otherwise it says why and offers only
loading the changed plan under a new code."""

from decimal import Decimal

import pytest
from django.utils import timezone

from commissions.models import Correction, PayoutLine
from commissions.services.close import reopen_period
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from core.errors import AttainError, PeriodClosed
from tests.builders import make_user

from .test_load_plan import ADOPTION, NRR, calculate_and_close, plan_yaml


def corrected(code: str, status: str = Correction.Status.APPLIED) -> Correction:
    """A correction of the closed quarter ``code`` with ``status``: applied, it was paid as true-ups."""
    applied = status == Correction.Status.APPLIED
    return Correction.objects.create(
        period=get_period(code),
        kind=Correction.Kind.KPI,
        rows=[],
        reason="KPI file recounted",
        status=status,
        applied_at=timezone.now() if applied else None,
    )


def refusal_of_a_change() -> str:
    with pytest.raises(PeriodClosed) as caught:
        load_plan(source=plan_yaml(ADOPTION, NRR))
    return str(caught.value)


@pytest.mark.django_db
def test_a_quarter_that_cannot_be_reopened_is_not_offered_for_re_opening():
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)
    corrected("FY22-Q2")

    assert refusal_of_a_change() == (
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q2, which must keep the plan it "
        "was paid by. FY22-Q2 cannot be re-opened: corrections of it were applied and paid as true-ups. To "
        "change the plan, load the changed plan under a new code."
    )
    # The message follows the rule re-opening applies: it is refused for the same reason.
    with pytest.raises(AttainError, match="FY22-Q2 cannot be re-opened: corrections of it were applied"):
        reopen_period(
            period=get_period("FY22-Q2"), user=make_user("ops"), reason="The plan's NRR was left out"
        )
    assert list(plan.components.values_list("code", flat=True)) == ["ADOPTION"]


@pytest.mark.django_db
def test_re_opening_is_not_offered_when_one_of_the_plans_closed_quarters_cannot_be_reopened():
    # Re-opening FY22-Q1 alone would not unlock the plan while FY22-Q2 stays closed.
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q1", plan)
    calculate_and_close("FY22-Q2", plan)
    corrected("FY22-Q2")

    message = refusal_of_a_change()

    assert message == (
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q1 and FY22-Q2, which must keep "
        "the plan they were paid by. FY22-Q2 cannot be re-opened: corrections of it were applied and paid "
        "as true-ups. To change the plan, load the changed plan under a new code."
    )
    assert "reopen_period" not in message and "re-open FY22-Q1" not in message


@pytest.mark.django_db
def test_every_quarter_that_cannot_be_reopened_is_named_with_its_reason():
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q1", plan)
    calculate_and_close("FY22-Q2", plan)
    corrected("FY22-Q1")
    corrected("FY22-Q2")

    assert (
        "FY22-Q1 cannot be re-opened: corrections of it were applied and paid as true-ups. FY22-Q2 cannot be "
        "re-opened: corrections of it were applied and paid as true-ups. To change the plan, load the "
        "changed plan under a new code."
    ) in refusal_of_a_change()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Correction.Status.PENDING, Correction.Status.WITHDRAWN])
def test_a_quarter_whose_corrections_were_not_applied_is_offered_for_re_opening(status):
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)
    corrected("FY22-Q2", status)

    assert refusal_of_a_change().endswith(
        "To change the plan, re-open FY22-Q2 with a reason (manage.py reopen_period FY22-Q2 --user EMAIL "
        "--reason TEXT) and load it again; or load the changed plan under a new code."
    )
    # … and it can indeed be re-opened, after which the change loads.
    reopen_period(period=get_period("FY22-Q2"), user=make_user("ops"), reason="The plan's NRR was left out")
    assert list(load_plan(source=plan_yaml(ADOPTION, NRR)).components.values_list("code", flat=True)) == [
        "ADOPTION",
        "NRR",
    ]


@pytest.mark.django_db
def test_a_quarter_whose_negative_balance_was_carried_on_is_not_offered_for_re_opening():
    plan = load_plan(source=plan_yaml())
    csm = make_user("csm")
    line = {"employee": csm, "plan": plan, "currency": "USD", "type": PayoutLine.Type.CARRY_FORWARD}
    deferred = PayoutLine.objects.create(period=get_period("FY22-Q2"), amount=Decimal("100.00"), **line)
    calculate_and_close("FY22-Q2", plan)
    PayoutLine.objects.create(
        period=get_period("FY22-Q3"), amount=Decimal("-100.00"), carried_from=deferred, **line
    )

    assert refusal_of_a_change().endswith(
        "FY22-Q2 cannot be re-opened: its negative balance was carried into FY22-Q3. To change the plan, "
        "load the changed plan under a new code."
    )
