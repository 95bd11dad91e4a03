"""The steps of DESIGN §5: exception cco → finance → ops applies; extra credit cco → ops applies."""

import pytest

from accounts.models import Role
from approvals.models import Request, RequestStep
from approvals.services import apply, approve, reject, withdraw
from core.errors import AttainError, NotAllowed
from tests.builders import make_user

pytestmark = pytest.mark.django_db
S = Request.Status


def timeline(request):
    return [
        (s.action, s.role, s.actor, s.comment, s.status_after)
        for s in RequestStep.objects.filter(request=request).order_by("at", "id")
    ]


def test_exception_goes_cco_then_finance_then_ops_applies(exception_request, csvp, cco, finance, ops):
    request = approve(request=exception_request, user=cco, comment="Effort is documented.")
    assert request.status == S.PENDING_FINANCE and request.cco_approver == cco
    request = approve(request=request, user=finance, comment="Budget allows it.")
    assert request.status == S.APPROVED and request.finance_approver == finance
    request = apply(request=request, user=ops, comment="In the next run.")
    assert request.status == S.APPLIED and request.applied_by == ops and request.applied_at is not None
    assert request.version == 4
    assert timeline(request)[1:] == [
        ("approved", Role.CCO, cco, "Effort is documented.", S.PENDING_FINANCE),
        ("approved", Role.FINANCE, finance, "Budget allows it.", S.APPROVED),
        ("applied", Role.OPS, ops, "In the next run.", S.APPLIED),
    ]


def test_extra_credit_goes_cco_then_ops_applies_without_finance(extra_credit_request, cco, finance, ops):
    request = approve(request=extra_credit_request, user=cco, comment="Above and beyond.")
    assert request.status == S.APPROVED and request.finance_approver is None
    with pytest.raises(AttainError, match="nothing to approve"):
        approve(request=request, user=finance, comment="Finance would like a say.")
    request = apply(request=request, user=ops)
    assert request.status == S.APPLIED
    assert [(a, r, s) for a, r, _, _, s in timeline(request)] == [
        ("filed", Role.CSVP, S.PENDING_CCO),
        ("approved", Role.CCO, S.APPROVED),
        ("applied", Role.OPS, S.APPLIED),
    ]


def test_exception_is_not_applied_before_finance_approves(pending_finance, ops):
    with pytest.raises(AttainError, match="only an approved request is applied"):
        apply(request=pending_finance, user=ops)
    pending_finance.refresh_from_db()
    assert pending_finance.status == S.PENDING_FINANCE


def test_request_is_not_applied_before_the_cco_approves(exception_request, extra_credit_request, ops):
    for request in (exception_request, extra_credit_request):
        with pytest.raises(AttainError, match="only an approved request is applied"):
            apply(request=request, user=ops)
    assert set(Request.objects.values_list("status", flat=True)) == {S.PENDING_CCO}


@pytest.mark.parametrize("decide", [approve, reject])
@pytest.mark.parametrize("comment", ["", "   ", None])
def test_every_approval_or_rejection_needs_a_comment(exception_request, cco, finance, decide, comment):
    with pytest.raises(AttainError, match="Every decision carries a comment"):
        decide(request=exception_request, user=cco, comment=comment)
    request = approve(request=exception_request, user=cco, comment="fine")
    with pytest.raises(AttainError, match="Every decision carries a comment"):
        decide(request=request, user=finance, comment=comment)
    request.refresh_from_db()
    assert request.status == S.PENDING_FINANCE and request.steps.count() == 2


def test_rejection_records_who_and_why(exception_request, cco):
    request = reject(request=exception_request, user=cco, comment="The score reflects the quarter.")
    assert request.status == S.REJECTED and request.cco_approver is None
    assert timeline(request)[-1] == ("rejected", Role.CCO, cco, "The score reflects the quarter.", S.REJECTED)


@pytest.mark.parametrize("at", ["cco", "finance"])
def test_rejected_request_is_final(exception_request, csvp, cco, cco2, finance, ops, at):
    request = exception_request
    if at == "finance":
        request = approve(request=request, user=cco, comment="ok")
    rejecter = cco if at == "cco" else finance
    request = reject(request=request, user=rejecter, comment="No.")
    assert request.status == S.REJECTED
    with pytest.raises(AttainError, match="nothing to approve"):
        approve(request=request, user=cco2, comment="I would have.")
    with pytest.raises(AttainError, match="nothing to approve"):
        approve(request=request, user=finance, comment="I would have.")
    with pytest.raises(AttainError, match="only an approved request is applied"):
        apply(request=request, user=ops)
    with pytest.raises(AttainError, match="can no longer be withdrawn"):
        withdraw(request=request, user=csvp)
    with pytest.raises(AttainError, match="can no longer be rejected"):
        reject(request=request, user=cco2, comment="Again.")
    request.refresh_from_db()
    assert request.status == S.REJECTED and request.steps.last().action == "rejected"


def test_filer_withdraws_while_waiting_for_the_cco(exception_request, csvp):
    request = withdraw(request=exception_request, user=csvp, comment="Customer recovered.")
    assert request.status == S.WITHDRAWN
    assert timeline(request)[-1] == ("withdrawn", Role.CSVP, csvp, "Customer recovered.", S.WITHDRAWN)


def test_filer_withdraws_while_waiting_for_finance(pending_finance, csvp):
    assert withdraw(request=pending_finance, user=csvp).status == S.WITHDRAWN


def test_only_the_filer_withdraws(exception_request, cco, ops):
    other_csvp = make_user(Role.CSVP, geo="AMER")
    for user in (other_csvp, cco, ops):
        with pytest.raises(NotAllowed, match="Only the person who filed"):
            withdraw(request=exception_request, user=user)
    exception_request.refresh_from_db()
    assert exception_request.status == S.PENDING_CCO


def test_approved_request_can_no_longer_be_withdrawn(approved_exception, extra_credit_request, csvp, cco):
    credit = approve(request=extra_credit_request, user=cco, comment="ok")
    for request in (approved_exception, credit):
        assert request.status == S.APPROVED
        with pytest.raises(AttainError, match="can no longer be withdrawn"):
            withdraw(request=request, user=csvp)
        request.refresh_from_db()
        assert request.status == S.APPROVED


def test_applied_request_can_no_longer_be_withdrawn_or_rejected(approved_exception, csvp, cco2, ops):
    request = apply(request=approved_exception, user=ops)
    with pytest.raises(AttainError, match="can no longer be withdrawn"):
        withdraw(request=request, user=csvp)
    with pytest.raises(AttainError, match="can no longer be rejected"):
        reject(request=request, user=cco2, comment="Too late.")
    with pytest.raises(AttainError, match="only an approved request is applied"):
        apply(request=request, user=make_user(Role.OPS))


def test_withdrawn_request_is_final(exception_request, csvp, cco, ops):
    request = withdraw(request=exception_request, user=csvp)
    with pytest.raises(AttainError, match="nothing to approve"):
        approve(request=request, user=cco, comment="ok")
    with pytest.raises(AttainError, match="only an approved request is applied"):
        apply(request=request, user=ops)
