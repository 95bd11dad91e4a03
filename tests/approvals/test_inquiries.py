"""A CSM's inquiry about a statement line or a customer; answered by ops or the geo's VP, or converted."""

import re

import pytest

from accounts.models import Role
from approvals.models import Inquiry, Request, RequestStep
from approvals.services import answer_inquiry, convert_inquiry, open_inquiry
from core.errors import AttainError, NotAllowed
from tests.builders import assign_plan, make_user

from .conftest import JUSTIFICATION

pytestmark = pytest.mark.django_db

QUESTION = "Why does C100 not count toward my adoption this quarter?"
ANSWER = "C100 is new this quarter and below target: it is held harmless."


@pytest.fixture
def inquiry(csm, customer, period):
    return open_inquiry(user=csm, period=period, customer=customer, message=QUESTION)


def test_csm_opens_an_inquiry_about_a_customer(csm, customer, period):
    inquiry = open_inquiry(user=csm, period=period, customer=customer, message=f"  {QUESTION}  ")
    inquiry.refresh_from_db()
    assert (inquiry.employee, inquiry.period, inquiry.customer) == (csm, period, customer)
    assert inquiry.status == Inquiry.Status.OPEN and inquiry.message == QUESTION
    assert inquiry.component == "" and inquiry.answered_by is None


def test_csm_opens_an_inquiry_about_a_statement_line(csm, period):
    assign_plan(csm)
    inquiry = open_inquiry(user=csm, period=period, component=" KPI ", message="My PRs count looks low.")
    inquiry.refresh_from_db()
    assert inquiry.component == "KPI" and inquiry.customer is None and inquiry.status == Inquiry.Status.OPEN


@pytest.mark.parametrize("role", [Role.CSVP, Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN])
def test_only_a_csm_opens_an_inquiry(customer, period, role):
    with pytest.raises(NotAllowed, match="Only a CSM"):
        open_inquiry(user=make_user(role), period=period, customer=customer, message=QUESTION)
    assert not Inquiry.objects.exists()


def test_inactive_csm_cannot_open_an_inquiry(customer, period):
    with pytest.raises(NotAllowed):
        open_inquiry(
            user=make_user(Role.CSM, is_active=False), period=period, customer=customer, message=QUESTION
        )


@pytest.mark.parametrize(
    ("component", "error"),
    [
        ("BOGUS", "“BOGUS” is not a line of your FY22-Q2 statement: name one such as ADOPTION"),
        ("True-up (CS-OTHER)", "not a line of your FY22-Q2 statement"),
    ],
)
def test_an_inquiry_about_a_line_not_on_the_csms_statement_is_refused(csm, period, component, error):
    assign_plan(csm)
    with pytest.raises(AttainError, match=re.escape(error)):
        open_inquiry(user=csm, period=period, component=component, message=QUESTION)
    assert not Inquiry.objects.exists()


def test_a_payable_line_of_the_csms_plan_may_be_asked_about(csm, period):
    assign_plan(csm)
    asked = open_inquiry(user=csm, period=period, component="True-up (CS-FY22)", message=QUESTION)
    assert asked.component == "True-up (CS-FY22)"


def test_a_csm_without_a_plan_in_the_quarter_has_no_line_to_ask_about(csm, period):
    with pytest.raises(AttainError, match="You have no plan in FY22-Q2"):
        open_inquiry(user=csm, period=period, component="KPI", message=QUESTION)


def test_a_quarter_not_started_has_nothing_to_ask_about(csm, customer):
    from commissions.services.periods import get_period

    later = get_period("FY99-Q1")
    with pytest.raises(AttainError, match="FY99-Q1 has not started"):
        open_inquiry(user=csm, period=later, customer=customer, message=QUESTION)
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("component", ["", "   "])
def test_inquiry_without_a_customer_or_statement_line_is_refused(csm, period, component):
    with pytest.raises(AttainError, match="which statement line or which customer"):
        open_inquiry(user=csm, period=period, component=component, message=QUESTION)
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("message", ["", None, "Why?", "   short   "])
def test_inquiry_with_a_short_message_is_refused(csm, customer, period, message):
    with pytest.raises(AttainError, match="at least 10 characters"):
        open_inquiry(user=csm, period=period, customer=customer, message=message)
    assert not Inquiry.objects.exists()


def test_ops_answers_an_inquiry(inquiry, ops):
    answered = answer_inquiry(inquiry=inquiry, user=ops, answer=f" {ANSWER} ")
    answered.refresh_from_db()
    assert answered.status == Inquiry.Status.ANSWERED and answered.answer == ANSWER
    assert answered.answered_by == ops and answered.owner == ops and answered.answered_at is not None


def test_the_csms_geo_vp_answers_an_inquiry(inquiry, csvp):
    assert answer_inquiry(inquiry=inquiry, user=csvp, answer=ANSWER).answered_by == csvp


def test_a_vp_of_another_geo_cannot_answer(inquiry, emea_csvp):
    with pytest.raises(NotAllowed, match="Only ops or the CSM's Geo VP"):
        answer_inquiry(inquiry=inquiry, user=emea_csvp, answer=ANSWER)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN


@pytest.mark.parametrize("who", ["the csm", "another csm", "cco", "finance"])
def test_a_csm_or_an_approver_cannot_answer(inquiry, csm, who):
    user = {
        "the csm": csm,
        "another csm": make_user(Role.CSM, geo="AMER"),
        "cco": make_user(Role.CCO),
        "finance": make_user(Role.FINANCE),
    }[who]
    with pytest.raises(NotAllowed, match="Only ops or the CSM's Geo VP"):
        answer_inquiry(inquiry=inquiry, user=user, answer=ANSWER)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN


def test_answer_needs_ten_characters(inquiry, ops):
    with pytest.raises(AttainError, match="at least 10 characters"):
        answer_inquiry(inquiry=inquiry, user=ops, answer="No.")
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN


def test_answering_twice_is_refused(inquiry, ops, csvp):
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    stale = Inquiry.objects.get(pk=inquiry.pk)
    with pytest.raises(AttainError, match=f"Inquiry #{inquiry.pk} was already handled"):
        answer_inquiry(inquiry=inquiry, user=csvp, answer="A second, different answer.")
    with pytest.raises(AttainError, match="already handled"):
        answer_inquiry(inquiry=stale, user=ops, answer="A third, different answer.")
    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.answer == ANSWER and stored.answered_by == ops


def test_the_geo_vp_converts_a_customer_inquiry_into_an_exception_request(inquiry, csvp, customer, period):
    request = convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)

    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONVERTED and inquiry.request == request
    assert inquiry.answered_by == csvp and f"exception #{request.pk}" in inquiry.answer
    request.refresh_from_db()
    assert request.kind == Request.Kind.EXCEPTION and request.status == Request.Status.PENDING_CCO
    assert (request.filed_by, request.customer, request.period) == (csvp, customer, period)
    assert request.steps.get().action == RequestStep.Action.FILED


def test_converting_applies_the_filing_rules(inquiry, csvp):
    with pytest.raises(AttainError, match="between 0 and the customer cap"):
        convert_inquiry(inquiry=inquiry, user=csvp, value="3", justification=JUSTIFICATION)
    with pytest.raises(AttainError, match="at least 20 characters"):
        convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification="short")
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
    assert not Request.objects.exists()


def test_a_vp_of_another_geo_cannot_convert(inquiry, emea_csvp):
    with pytest.raises(NotAllowed, match="C100 is in AMER"):
        convert_inquiry(inquiry=inquiry, user=emea_csvp, value="1", justification=JUSTIFICATION)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
    assert not Request.objects.exists()


def test_only_a_vp_converts(inquiry, ops):
    with pytest.raises(NotAllowed, match="Only a Geo VP"):
        convert_inquiry(inquiry=inquiry, user=ops, value="1", justification=JUSTIFICATION)


def test_an_inquiry_about_a_statement_line_cannot_be_converted(csm, csvp, period):
    assign_plan(csm)
    inquiry = open_inquiry(user=csm, period=period, component="NRR", message="My NRR looks too low.")
    with pytest.raises(AttainError, match="Only an inquiry about a customer"):
        convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)
    assert not Request.objects.exists()


def test_an_answered_inquiry_cannot_be_converted(inquiry, ops, csvp):
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    with pytest.raises(AttainError, match="already handled"):
        convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)
    assert not Request.objects.exists()


def test_a_converted_inquiry_cannot_be_answered_or_converted_again(inquiry, csvp, ops):
    convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)
    with pytest.raises(AttainError, match="already handled"):
        answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    with pytest.raises(AttainError, match="already handled"):
        convert_inquiry(inquiry=inquiry, user=csvp, value="0.5", justification=JUSTIFICATION)
    assert Request.objects.count() == 1
