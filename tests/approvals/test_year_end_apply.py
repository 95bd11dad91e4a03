"""Applying a year-end request (issue 14): for a closed quarter it is a correction of that quarter — recorded
and applied in the same transaction as the request's APPLIED step — never an input of the quarter's own
runs; for an open quarter it applies as it always did."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals.models import Request, RequestStep
from approvals.services import applied_adjustments, apply, approve
from commissions.models import Correction, Payout, Plan, Run, TrueUp
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError, Conflict
from tests.quarter.conftest import load_worked_example

from .conftest import close_directly, file_exception, file_extra_credit

pytestmark = pytest.mark.django_db

YEAR_END = date(2022, 3, 1)  # within FY22's year-end window (2022-02-01 … 2022-04-02)


@pytest.fixture
def closed_q2(cco, ops, monkeypatch):
    """The worked example (DESIGN §4): FY22-Q2 calculated, closed and paid (2333.33); FY22-Q3 open; today
    is within FY22's year-end window."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: YEAR_END)
    load_worked_example(cco)
    q2 = get_period("FY22-Q2")
    pull_scores(period=q2, user=ops)
    calculate(period=q2, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=q2, user=ops)
    get_period("FY22-Q3")
    q2.refresh_from_db()
    return q2


def worked_customer(customer_id: str):
    from adoption.models import Customer

    return Customer.objects.get(customer_id=customer_id)


def approved_exception_for(period, csvp, cco, finance, *, customer_id="C1", value="1") -> Request:
    request = file_exception(csvp, worked_customer(customer_id), period, value=value)
    request = approve(request=request, user=cco, comment="The effort is documented.")
    return approve(request=request, user=finance, comment="Within the year-end budget.")


def approval_day(request: Request, approver) -> str:
    step = request.steps.get(action=RequestStep.Action.APPROVED, actor=approver)
    return f"{timezone.localtime(step.at):%Y-%m-%d}"


def test_a_closed_quarters_exception_is_applied_as_one_applied_correction(closed_q2, csvp, cco, finance, ops):
    request = approved_exception_for(closed_q2, csvp, cco, finance)

    applied = apply(request=request, user=ops, comment="Year-end adjustment.")

    correction = Correction.objects.get()
    assert correction.source == f"request:{request.pk}"
    assert correction.status == Correction.Status.APPLIED and correction.applied_by == ops
    assert (correction.period, correction.kind, correction.reason) == (
        closed_q2,
        "adjustment",
        request.justification,
    )
    [row] = correction.rows
    assert (row["customer_id"], row["kind"], Decimal(row["value"])) == ("C1", "exception", Decimal("1"))
    assert (
        correction.cause
        == f"Exception for C1 approved by finance@example.com on {approval_day(request, finance)}"
    )
    assert applied.status == Request.Status.APPLIED and applied.correction == correction
    assert (applied.applied_by, applied.version) == (ops, 4)
    step = applied.steps.get(action=RequestStep.Action.APPLIED)
    assert (step.actor, step.role, step.comment) == (ops, "ops", "Year-end adjustment.")


def test_the_restatement_pays_the_difference_in_the_open_quarter_and_the_closed_run_stays(
    closed_q2, csvp, cco, finance, ops
):
    final = Run.objects.get(period=closed_q2, is_final=True)
    paid = Payout.objects.get(run=final).amount
    request = apply(request=approved_exception_for(closed_q2, csvp, cco, finance), user=ops)

    [trueup] = TrueUp.objects.filter(correction=request.correction)
    assert (trueup.paid_in.code, trueup.restates, trueup.component, trueup.amount) == (
        "FY22-Q3",
        closed_q2,
        "ADOPTION",
        Decimal("166.67"),
    )
    assert Run.objects.get(period=closed_q2, is_final=True) == final
    assert Payout.objects.get(run=final).amount == paid == Decimal("2333.33")


def test_extra_credits_cause_names_the_cco_its_last_approver(closed_q2, csvp, cco, ops):
    request = approve(
        request=file_extra_credit(csvp, worked_customer("C3"), closed_q2, value="0.5"),
        user=cco,
        comment="Deserved.",
    )
    applied = apply(request=request, user=ops)
    assert applied.correction.cause == (
        f"Extra credit for C3 approved by cco@example.com on {approval_day(request, cco)}"
    )
    assert applied.correction.rows[0]["kind"] == "extra_credit"


def test_a_corrected_request_is_no_input_of_the_quarters_own_runs(closed_q2, csvp, cco, finance, ops):
    request = apply(request=approved_exception_for(closed_q2, csvp, cco, finance), user=ops)
    assert request.status == Request.Status.APPLIED
    assert list(applied_adjustments(closed_q2)) == []


def test_applying_twice_restates_once(closed_q2, csvp, cco, finance, ops):
    request = approved_exception_for(closed_q2, csvp, cco, finance)
    stale = Request.objects.get(pk=request.pk)
    apply(request=request, user=ops)
    with pytest.raises(Conflict, match="changed while you were deciding"):
        apply(request=stale, user=ops)
    with pytest.raises(AttainError, match="only an approved request is applied"):
        apply(request=request, user=ops)
    assert Correction.objects.count() == 1 and TrueUp.objects.count() == 1


def test_when_the_correction_is_refused_nothing_is_applied(csvp, customer, period, cco, finance, ops):
    """A closed quarter with no open quarter after it to pay in: the request stays approved, no correction."""
    request = approve(request=file_exception(csvp, customer, period), user=cco, comment="ok")
    request = approve(request=request, user=finance, comment="ok")
    close_directly(period, ops)
    with pytest.raises(AttainError):
        apply(request=request, user=ops)
    request.refresh_from_db()
    assert request.status == Request.Status.APPROVED and request.correction is None
    assert not Correction.objects.exists() and not request.steps.filter(action="applied").exists()


def test_an_open_quarters_request_applies_as_before(approved_exception, ops):
    applied = apply(request=approved_exception, user=ops, comment="Applied.")
    assert applied.status == Request.Status.APPLIED and applied.correction is None
    assert applied.applied_by == ops and applied.applied_at is not None
    assert list(applied_adjustments(applied.period)) == [applied]
    assert not Correction.objects.exists()
