"""The quarter cannot be closed while a request for it is pending (DESIGN §5)."""

import pytest

from accounts.models import Role
from adoption.models import Customer
from approvals.models import Request
from approvals.services import apply, approve, reject, withdraw
from commissions.models import Period, Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError, PeriodClosed
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import file_exception, file_extra_credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def calculated(cco):
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    return period


@pytest.fixture
def vp(db):
    return make_user(Role.CSVP, geo="AMER")


def c(customer_id: str) -> Customer:
    return Customer.objects.get(customer_id=customer_id)


def is_closed(period) -> bool:
    return Period.objects.get(pk=period.pk).is_closed


@pytest.mark.parametrize("status", ["pending_cco", "pending_finance", "approved"])
def test_close_is_refused_while_a_request_is_open_and_names_it(calculated, vp, cco, finance, ops, status):
    request = file_exception(vp, c("C3"), calculated)
    if status != "pending_cco":
        request = approve(request=request, user=cco, comment="ok")
    if status == "approved":
        request = approve(request=request, user=finance, comment="ok")
    assert request.status == status

    with pytest.raises(AttainError, match="FY22-Q2 has pending requests") as refused:
        close_period(period=calculated, user=ops)
    assert f"exception #{request.pk} (C3, {request.get_status_display().lower()})" in str(refused.value)
    assert not is_closed(calculated)


def test_close_refusal_names_every_open_request(calculated, vp, cco, ops):
    exception = file_exception(vp, c("C3"), calculated)
    credit = approve(request=file_extra_credit(vp, c("C1"), calculated), user=cco, comment="ok")
    with pytest.raises(AttainError) as refused:
        close_period(period=calculated, user=ops)
    message = str(refused.value)
    assert f"exception #{exception.pk} (C3, waiting for the cco)" in message
    assert f"extra credit #{credit.pk} (C1, approved, waiting for ops to apply)" in message


def test_requests_of_another_quarter_do_not_block_the_close(calculated, vp, ops):
    file_exception(vp, c("C3"), get_period("FY22-Q3"))
    close_period(period=calculated, user=ops)
    assert is_closed(calculated)


def test_close_is_allowed_once_the_request_is_applied_and_a_run_recalculated(
    calculated, vp, cco, finance, ops
):
    request = file_exception(vp, c("C3"), calculated, value="1")
    request = approve(request=approve(request=request, user=cco, comment="ok"), user=finance, comment="ok")
    apply(request=request, user=ops)
    calculate(period=calculated, plan=Plan.objects.get(code="CS-FY22"))

    finals = close_period(period=calculated, user=ops)

    assert is_closed(calculated) and [r.version for r in finals] == [2]
    assert Run.objects.get(is_final=True).version == 2


def test_close_is_allowed_once_the_request_is_rejected(calculated, vp, cco, finance, ops):
    request = approve(request=file_exception(vp, c("C3"), calculated), user=cco, comment="ok")
    reject(request=request, user=finance, comment="Not in the budget.")
    close_period(period=calculated, user=ops)
    assert is_closed(calculated)


def test_close_is_allowed_once_the_request_is_withdrawn(calculated, vp, ops):
    withdraw(request=file_extra_credit(vp, c("C1"), calculated), user=vp)
    close_period(period=calculated, user=ops)
    assert is_closed(calculated)


def test_closed_quarter_refuses_new_requests(calculated, vp, ops):
    close_period(period=calculated, user=ops)
    calculated.refresh_from_db()
    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed: cannot file a request"):
        file_exception(vp, c("C3"), calculated)
    assert not Request.objects.exists()


def test_close_is_refused_when_the_latest_run_predates_an_applied_request(db, cco, finance, ops, csvp):
    """The final run must include every applied request: one applied after the run needs a new run."""
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    plan = Plan.objects.get(code="CS-FY22")
    calculate(period=period, plan=plan)
    c3 = Customer.objects.get(customer_id="C3")
    c3.geo = csvp.geo
    c3.save()
    request = file_exception(csvp, c3, period)
    request = approve(request=request, user=cco, comment="ok")
    request = approve(request=request, user=finance, comment="ok")
    apply(request=request, user=ops)
    with pytest.raises(AttainError, match=r"the inputs of CS-FY22 v1 changed since \(applied requests"):
        close_period(period=period, user=ops)
    calculate(period=period, plan=plan)
    assert [run.version for run in close_period(period=period, user=ops)] == [2]
