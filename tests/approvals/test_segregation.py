"""Segregation of duties (DESIGN §1), in the service and, independently, in the database."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from approvals.models import Request
from approvals.services import apply, approve, reject
from core.errors import NotAllowed
from tests.builders import make_user

from .conftest import file_exception, file_extra_credit

pytestmark = pytest.mark.django_db
S = Request.Status


def test_nobody_approves_what_they_filed(customer, period):
    vp_and_cco = make_user(Role.CSVP, Role.CCO, geo="AMER")
    request = file_exception(vp_and_cco, customer, period)
    with pytest.raises(NotAllowed, match="filed exception #\\d+ and cannot decide on it"):
        approve(request=request, user=vp_and_cco, comment="Looks right to me.")
    with pytest.raises(NotAllowed, match="cannot decide on it"):
        reject(request=request, user=vp_and_cco, comment="Changed my mind.")
    request.refresh_from_db()
    assert request.status == S.PENDING_CCO and request.cco_approver is None


def test_filer_holding_finance_does_not_approve_the_finance_step(customer, period, cco):
    vp_and_finance = make_user(Role.CSVP, Role.FINANCE, geo="AMER")
    request = approve(request=file_exception(vp_and_finance, customer, period), user=cco, comment="ok")
    with pytest.raises(NotAllowed, match="cannot decide on it"):
        approve(request=request, user=vp_and_finance, comment="ok")


def test_nobody_approves_two_steps_of_one_request(exception_request):
    cco_and_finance = make_user(Role.CCO, Role.FINANCE)
    request = approve(request=exception_request, user=cco_and_finance, comment="CCO: fine.")
    assert request.status == S.PENDING_FINANCE
    with pytest.raises(NotAllowed, match="already approved a step of exception #\\d+"):
        approve(request=request, user=cco_and_finance, comment="Finance: fine too.")
    with pytest.raises(NotAllowed, match="already approved a step"):
        reject(request=request, user=cco_and_finance, comment="Finance: no.")
    request.refresh_from_db()
    assert request.status == S.PENDING_FINANCE and request.finance_approver is None


def test_ops_only_user_cannot_approve(exception_request, cco, ops):
    with pytest.raises(NotAllowed, match="waits for cco"):
        approve(request=exception_request, user=ops, comment="ok")
    request = approve(request=exception_request, user=cco, comment="ok")
    with pytest.raises(NotAllowed, match="waits for finance"):
        approve(request=request, user=ops, comment="ok")
    request.refresh_from_db()
    assert request.status == S.PENDING_FINANCE


def test_ops_who_approved_the_cco_step_cannot_apply(extra_credit_request):
    ops_and_cco = make_user(Role.OPS, Role.CCO)
    request = approve(request=extra_credit_request, user=ops_and_cco, comment="Above and beyond.")
    assert request.status == S.APPROVED
    with pytest.raises(NotAllowed, match="already approved a step"):
        apply(request=request, user=ops_and_cco)
    request.refresh_from_db()
    assert request.status == S.APPROVED and request.applied_by is None


def test_ops_who_approved_the_finance_step_cannot_apply(pending_finance):
    ops_and_finance = make_user(Role.OPS, Role.FINANCE)
    request = approve(request=pending_finance, user=ops_and_finance, comment="ok")
    with pytest.raises(NotAllowed, match="already approved a step"):
        apply(request=request, user=ops_and_finance)


def test_filer_holding_ops_cannot_apply(customer, period, cco):
    vp_and_ops = make_user(Role.CSVP, Role.OPS, geo="AMER")
    request = approve(request=file_extra_credit(vp_and_ops, customer, period), user=cco, comment="ok")
    with pytest.raises(NotAllowed, match="cannot decide on it"):
        apply(request=request, user=vp_and_ops)


@pytest.mark.parametrize("role", [Role.CSVP, Role.CSM, Role.FINANCE, Role.OPS, Role.ADMIN])
def test_cco_step_refuses_any_other_role(exception_request, extra_credit_request, role):
    user = make_user(role)
    for request in (exception_request, extra_credit_request):
        for decide in (approve, reject):
            with pytest.raises(NotAllowed, match="waits for cco"):
                decide(request=request, user=user, comment="ok")
    assert set(Request.objects.values_list("status", flat=True)) == {S.PENDING_CCO}


@pytest.mark.parametrize("role", [Role.CSVP, Role.CSM, Role.CCO, Role.OPS, Role.ADMIN])
def test_finance_step_refuses_any_other_role(pending_finance, role):
    user = make_user(role)
    for decide in (approve, reject):
        with pytest.raises(NotAllowed, match="waits for finance"):
            decide(request=pending_finance, user=user, comment="ok")
    pending_finance.refresh_from_db()
    assert pending_finance.status == S.PENDING_FINANCE


@pytest.mark.parametrize("role", [Role.CSVP, Role.CSM, Role.CCO, Role.FINANCE, Role.ADMIN])
def test_apply_step_refuses_any_role_but_ops(approved_exception, role):
    with pytest.raises(NotAllowed, match="waits for ops"):
        apply(request=approved_exception, user=make_user(role))
    approved_exception.refresh_from_db()
    assert approved_exception.status == S.APPROVED


def test_inactive_approver_is_refused(exception_request):
    with pytest.raises(NotAllowed):
        approve(request=exception_request, user=make_user(Role.CCO, is_active=False), comment="ok")


# --- the database holds the same rules without the service -------------------------------------------


def refused_by_database(request, **fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=request.pk).update(**fields)


def test_database_refuses_cco_approver_who_filed(exception_request, csvp):
    refused_by_database(exception_request, cco_approver=csvp)
    exception_request.refresh_from_db()
    assert exception_request.cco_approver is None


def test_database_refuses_finance_approver_who_filed(exception_request, csvp, cco):
    refused_by_database(exception_request, cco_approver=cco, finance_approver=csvp)


def test_database_refuses_finance_approver_who_approved_the_cco_step(exception_request, cco):
    refused_by_database(exception_request, cco_approver=cco, finance_approver=cco)
    exception_request.refresh_from_db()
    assert exception_request.finance_approver is None


def test_database_refuses_applier_who_approved_the_finance_step(exception_request, cco, finance):
    refused_by_database(exception_request, cco_approver=cco, finance_approver=finance, applied_by=finance)


def test_database_refuses_applier_who_approved_the_cco_step(exception_request, cco, finance):
    refused_by_database(exception_request, cco_approver=cco, finance_approver=finance, applied_by=cco)


def test_database_refuses_applier_who_filed(exception_request, csvp, cco, finance):
    refused_by_database(exception_request, cco_approver=cco, finance_approver=finance, applied_by=csvp)


def test_database_accepts_four_different_people(exception_request, cco, finance, ops):
    Request.objects.filter(pk=exception_request.pk).update(
        cco_approver=cco, finance_approver=finance, applied_by=ops
    )


def test_database_refuses_extra_credit_waiting_for_finance(extra_credit_request):
    refused_by_database(extra_credit_request, status=S.PENDING_FINANCE)


def test_database_refuses_values_out_of_range(exception_request, extra_credit_request):
    refused_by_database(exception_request, value=-1)
    refused_by_database(extra_credit_request, value=0)
    refused_by_database(extra_credit_request, value=2)


def test_database_refuses_a_second_open_request_of_a_kind(exception_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.create(
            kind=exception_request.kind,
            customer=exception_request.customer,
            period=exception_request.period,
            value=1,
            justification="direct insert bypassing the service",
            filed_by=exception_request.filed_by,
        )
