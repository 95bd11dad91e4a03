"""Every party is notified by e-mail (DESIGN §5); a failure to send never loses the transition."""

import smtplib

import pytest

from accounts.models import Role
from approvals import services
from approvals.models import Inquiry, Request, RequestStep
from approvals.services import apply, approve, reject, withdraw
from approvals.tasks import send_notification
from tests.builders import make_user

from .conftest import file_exception, file_extra_credit

pytestmark = pytest.mark.django_db


def mail_server_down(*args, **kwargs):
    raise smtplib.SMTPException("mail server down")


def sent(mailoutbox) -> list[tuple[str, list[str]]]:
    """(subject, sorted recipients) of each e-mail sent so far; the outbox is emptied."""
    mails = [(m.subject, sorted(m.to)) for m in mailoutbox]
    mailoutbox.clear()
    return mails


def names(request: Request) -> str:
    """How a subject names the request: its kind and number, the customer and the quarter."""
    kind = {"exception": "exception", "extra_credit": "extra credit"}[request.kind]
    return f"{kind} #{request.pk} for C100 (FY22-Q2)"


def test_filing_notifies_every_active_cco_but_the_filer(deliver, mailoutbox, customer, period, cco, cco2):
    vp_and_cco = make_user(Role.CSVP, Role.CCO, geo="AMER", email="vp.cco@example.com")
    make_user(Role.CCO, email="former.cco@example.com", is_active=False)
    make_user(Role.FINANCE, email="finance@example.com")
    with deliver():
        request = file_exception(vp_and_cco, customer, period)
    [(subject, to)] = sent(mailoutbox)
    assert to == ["cco2@example.com", "cco@example.com"]
    assert names(request) in subject and subject.endswith("filed")


def test_cco_approval_of_an_exception_notifies_finance(deliver, mailoutbox, exception_request, cco, ops):
    make_user(Role.FINANCE, email="finance1@example.com")
    make_user(Role.FINANCE, email="finance2@example.com")
    with deliver():
        approve(request=exception_request, user=cco, comment="Effort is documented.")
    [(subject, to)] = sent(mailoutbox)
    assert to == ["finance1@example.com", "finance2@example.com"]
    assert names(exception_request) in subject and subject.endswith("approved")


def test_cco_approval_of_extra_credit_notifies_ops(deliver, mailoutbox, extra_credit_request, cco, finance):
    make_user(Role.OPS, email="ops1@example.com")
    make_user(Role.OPS, email="ops2@example.com")
    with deliver():
        approve(request=extra_credit_request, user=cco, comment="Above and beyond.")
    [(subject, to)] = sent(mailoutbox)
    assert to == ["ops1@example.com", "ops2@example.com"]
    assert names(extra_credit_request) in subject


def test_finance_approval_notifies_ops(deliver, mailoutbox, pending_finance, finance, ops):
    with deliver():
        approve(request=pending_finance, user=finance, comment="Budget allows it.")
    [(subject, to)] = sent(mailoutbox)
    assert to == ["ops@example.com"]
    assert names(pending_finance) in subject and subject.endswith("approved")


def test_applied_notifies_the_filer(deliver, mailoutbox, approved_exception, ops):
    with deliver():
        apply(request=approved_exception, user=ops)
    [(subject, to)] = sent(mailoutbox)
    assert to == ["csvp.amer@example.com"]
    assert names(approved_exception) in subject and subject.endswith("applied")


@pytest.mark.parametrize("at", ["cco", "finance"])
def test_rejection_notifies_the_filer(deliver, mailoutbox, exception_request, cco, finance, at):
    request = exception_request
    if at == "finance":
        request = approve(request=request, user=cco, comment="ok")
    with deliver():
        reject(request=request, user=cco if at == "cco" else finance, comment="The score is fair.")
    [(subject, to)] = sent(mailoutbox)
    assert to == ["csvp.amer@example.com"]
    assert names(request) in subject and subject.endswith("rejected")


def test_withdrawal_notifies_the_cco_it_waited_for(
    deliver, mailoutbox, exception_request, csvp, cco, finance
):
    with deliver():
        withdraw(request=exception_request, user=csvp)
    [(subject, to)] = sent(mailoutbox)
    assert to == ["cco@example.com"]
    assert names(exception_request) in subject and subject.endswith("withdrawn")


def test_withdrawal_notifies_finance_it_waited_for(deliver, mailoutbox, pending_finance, csvp, finance):
    with deliver():
        withdraw(request=pending_finance, user=csvp)
    [(subject, to)] = sent(mailoutbox)
    assert to == ["finance@example.com"]
    assert names(pending_finance) in subject


def test_mail_body_carries_the_last_step_and_a_link(deliver, mailoutbox, exception_request, cco, finance):
    with deliver():
        approve(request=exception_request, user=cco, comment="Effort is documented.")
    body = mailoutbox[0].body
    assert "Approved by cco@example.com: Effort is documented." in body
    assert f"/requests/{exception_request.pk}/" in body


def test_opened_inquiry_notifies_ops_and_the_csms_geo_vp(deliver, mailoutbox, csm, customer, period, ops):
    make_user(Role.CSVP, geo="AMER", email="vp.amer@example.com")
    make_user(Role.CSVP, geo="EMEA", email="vp.emea@example.com")
    with deliver():
        inquiry = services.open_inquiry(
            user=csm, period=period, customer=customer, message="Why is C100 not counted?"
        )
    [(subject, to)] = sent(mailoutbox)
    assert to == ["ops@example.com", "vp.amer@example.com"]
    assert f"inquiry #{inquiry.pk}" in subject and subject.endswith("opened")


def test_answered_inquiry_notifies_the_csm(deliver, mailoutbox, csm, customer, period, ops):
    inquiry = services.open_inquiry(
        user=csm, period=period, customer=customer, message="Why is C100 not counted?"
    )
    with deliver():
        services.answer_inquiry(inquiry=inquiry, user=ops, answer="It is new: held harmless this quarter.")
    assert "Answer: It is new: held harmless this quarter." in mailoutbox[0].body
    [(subject, to)] = sent(mailoutbox)
    assert to == ["csm@example.com"]
    assert f"inquiry #{inquiry.pk}" in subject and subject.endswith("answered")


def test_mail_server_failure_never_loses_the_transition(
    deliver, mailoutbox, monkeypatch, exception_request, cco
):
    monkeypatch.setattr("approvals.tasks.send_mail", mail_server_down)
    with deliver() as callbacks:
        request = approve(request=exception_request, user=cco, comment="Effort is documented.")
    assert callbacks, "the e-mail was queued on commit"
    assert mailoutbox == []
    request = Request.objects.get(pk=exception_request.pk)
    assert request.status == Request.Status.PENDING_FINANCE and request.cco_approver == cco
    assert request.steps.filter(action=RequestStep.Action.APPROVED, actor=cco).count() == 1


def test_broker_failure_never_loses_the_transition(deliver, mailoutbox, monkeypatch, csvp, customer, period):
    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(send_notification, "delay", broker_down)
    make_user(Role.CCO)
    with deliver():
        request = file_extra_credit(csvp, customer, period)
    assert mailoutbox == []
    assert Request.objects.get(pk=request.pk).status == Request.Status.PENDING_CCO
    assert request.steps.get().action == RequestStep.Action.FILED


@pytest.mark.django_db(transaction=True)
def test_transition_is_committed_although_sending_fails(monkeypatch, mailoutbox, csvp, customer, period, cco):
    """Real commits (no test transaction): the on-commit e-mail fails after the transition is durable."""

    monkeypatch.setattr("approvals.tasks.send_mail", mail_server_down)
    request = file_exception(csvp, customer, period)
    approve(request=request, user=cco, comment="Effort is documented.")
    assert mailoutbox == []
    stored = Request.objects.get(pk=request.pk)
    assert stored.status == Request.Status.PENDING_FINANCE
    assert [s.action for s in stored.steps.all()] == ["filed", "approved"]


def test_inquiry_is_kept_when_its_e_mail_fails(deliver, monkeypatch, csm, customer, period):
    monkeypatch.setattr("approvals.tasks.send_mail", mail_server_down)
    with deliver():
        inquiry = services.open_inquiry(
            user=csm, period=period, customer=customer, message="Why not counted?"
        )
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN


def test_late_e_mail_still_goes_to_the_party_of_its_step(
    django_capture_on_commit_callbacks, mailoutbox, exception_request, cco, finance, ops
):
    """A worker that sends the cco-approval e-mail only after finance approved still tells finance."""
    with django_capture_on_commit_callbacks() as cco_step_mail:
        request = approve(request=exception_request, user=cco, comment="Effort is documented.")
    with django_capture_on_commit_callbacks() as finance_step_mail:
        approve(request=request, user=finance, comment="Budget allows it.")

    for send in cco_step_mail + finance_step_mail:  # the queue delivers both, late
        send()

    cco_mail, finance_mail = mailoutbox
    assert cco_mail.to == ["finance@example.com"]
    assert "Approved by cco@example.com: Effort is documented." in cco_mail.body
    assert finance_mail.to == ["ops@example.com"]
    assert "Approved by finance@example.com: Budget allows it." in finance_mail.body
