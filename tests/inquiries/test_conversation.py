"""An inquiry is a conversation (docs/design.md §5 "Inquiries"): ops or the Geo VP answer, the CSM who asked
replies — which opens the inquiry again and tells whoever answered, ops and the Geo VP — and they answer
again. A converted inquiry takes no reply: its request carries on."""

import pytest

from accounts.models import Role
from approvals.models import Inquiry, InquiryMessage
from approvals.services import answer_inquiry, convert_inquiry, open_inquiry, reply_to_inquiry
from commissions.services.periods import get_period
from core.errors import AttainError, NotAllowed
from tests.builders import make_customer, make_user

from .conftest import JUSTIFICATION

pytestmark = pytest.mark.django_db

QUESTION = "Why does C100 not count toward my adoption this quarter?"
ANSWER = "C100 is new this quarter and below target: it is held harmless."
REPLY = "It started in March, more than 90 days before the quarter's end."
SECOND = "You are right: its start date was imported wrong; we correct it."


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", email="csm@example.com", name="Casey Amer")


@pytest.fixture
def inquiry(csm):
    customer = make_customer("C100", geo="AMER", owner=csm, name="Umbrella")
    return open_inquiry(user=csm, period=get_period("FY22-Q2"), customer=customer, message=QUESTION)


def thread(inquiry) -> list[tuple[str, str]]:
    return [(m.author.email, m.body) for m in Inquiry.objects.get(pk=inquiry.pk).conversation()]


def test_a_reply_opens_the_answered_inquiry_again(inquiry, csm, ops):
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    message = reply_to_inquiry(inquiry=inquiry, user=csm, body=f"  {REPLY} ")
    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.status == Inquiry.Status.OPEN
    assert message.body == REPLY and message.is_reply
    assert thread(inquiry) == [("ops@example.com", ANSWER), ("csm@example.com", REPLY)]


def test_a_reply_notifies_whoever_answered_ops_and_the_geo_vp(deliver, mailoutbox, inquiry, csm, ops, csvp):
    answerer = make_user(Role.CSVP, geo="AMER", email="former.vp@example.com")
    make_user(Role.CSVP, geo="EMEA", email="vp.emea@example.com")
    answer_inquiry(inquiry=inquiry, user=answerer, answer=ANSWER)
    answerer.roles.all().delete()  # no longer a Geo VP: still told, having answered
    with deliver():
        reply_to_inquiry(inquiry=inquiry, user=csm, body=REPLY)
    [mail] = mailoutbox
    assert sorted(mail.to) == ["former.vp@example.com", "ops@example.com", "vp.amer@example.com"]
    assert mail.subject == f"Attain: inquiry #{inquiry.pk} replied to"
    assert f"Reply: {REPLY}\n(csm@example.com)" in mail.body and QUESTION in mail.body


def test_a_second_answer_closes_it_again_and_keeps_the_first(deliver, mailoutbox, inquiry, csm, ops, csvp):
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    reply_to_inquiry(inquiry=inquiry, user=csm, body=REPLY)
    with deliver():
        answered = answer_inquiry(inquiry=inquiry, user=csvp, answer=SECOND)
    assert answered.status == Inquiry.Status.ANSWERED and answered.owner == csvp
    assert (answered.answer, answered.answered_by) == (ANSWER, ops)  # the first answer, as before
    assert thread(inquiry) == [
        ("ops@example.com", ANSWER),
        ("csm@example.com", REPLY),
        ("vp.amer@example.com", SECOND),
    ]
    [mail] = mailoutbox
    assert mail.to == ["csm@example.com"] and f"Answer: {SECOND}" in mail.body


def test_the_csm_may_add_to_a_question_not_answered_yet(inquiry, csm):
    reply_to_inquiry(inquiry=inquiry, user=csm, body=REPLY)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
    assert thread(inquiry) == [("csm@example.com", REPLY)]


def test_a_converted_inquiry_takes_no_reply(inquiry, csm, csvp):
    request = convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)
    with pytest.raises(AttainError, match=f"turned into exception #{request.pk}: it carries on there"):
        reply_to_inquiry(inquiry=inquiry, user=csm, body=REPLY)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.CONVERTED
    assert thread(inquiry) == [("vp.amer@example.com", f"Turned into exception #{request.pk}.")]


@pytest.mark.parametrize("who", ["another csm", "ops", "the geo vp", "cco"])
def test_only_the_csm_who_asked_replies(inquiry, ops, csvp, who):
    user = {"another csm": make_user(Role.CSM), "ops": ops, "the geo vp": csvp, "cco": make_user(Role.CCO)}[
        who
    ]
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    with pytest.raises(NotAllowed, match=f"Only the CSM who asked replies to inquiry #{inquiry.pk}"):
        reply_to_inquiry(inquiry=inquiry, user=user, body=REPLY)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.ANSWERED


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("Thanks.", "The reply needs at least 10 characters."),
        ("z" * 2001, "The reply is 2,001 characters long: at most 2,000."),
        ("Look at\x07this line again", "The reply holds the control character U\\+0007"),
    ],
)
def test_a_reply_has_10_to_2000_characters_and_no_control_character(inquiry, csm, ops, body, error):
    answer_inquiry(inquiry=inquiry, user=ops, answer=ANSWER)
    with pytest.raises(AttainError, match=error):
        reply_to_inquiry(inquiry=inquiry, user=csm, body=body)
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.ANSWERED
    assert InquiryMessage.objects.count() == 1


@pytest.mark.parametrize("text", ["a" * 2001, "A fine answer\x1b with an escape"])
def test_answers_and_questions_follow_the_same_text_rules(inquiry, csm, ops, text):
    with pytest.raises(AttainError, match="The answer"):
        answer_inquiry(inquiry=inquiry, user=ops, answer=text)
    with pytest.raises(AttainError, match="The question"):
        open_inquiry(user=csm, period=inquiry.period, customer=inquiry.customer, message=text)


def test_answers_given_before_the_conversation_are_copied_into_it(inquiry, ops):
    """Migration 0003 copies each first answer (``Inquiry.answer``) into the conversation."""
    import importlib

    from django.apps import apps

    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Inquiry.Status.ANSWERED, answer=ANSWER, answered_by=ops, answered_at=inquiry.created_at
    )
    migration = importlib.import_module("approvals.migrations.0003_inquiry_messages")
    migration.copy_first_answers(apps, None)
    assert thread(inquiry) == [("ops@example.com", ANSWER)]
