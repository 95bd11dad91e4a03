"""The inquiry page shows the whole conversation in order, with who and when; the CSM who asked replies
there, nobody else (another CSM: 404; anyone else: 403) (docs/design.md §5 "Inquiries")."""

import pytest

from accounts.models import Role
from approvals.models import Inquiry
from approvals.services import answer_inquiry, convert_inquiry, open_inquiry, reply_to_inquiry
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

from .conftest import JUSTIFICATION

pytestmark = pytest.mark.django_db

QUESTION = "Why is my adoption line so low this quarter?"


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", email="csm@example.com", name="Casey Amer")


@pytest.fixture
def inquiry(csm):
    customer = make_customer("C100", geo="AMER", owner=csm, name="Umbrella")
    return open_inquiry(user=csm, period=get_period("FY22-Q2"), customer=customer, message=QUESTION)


def page_of(client, user, inquiry):
    client.force_login(user)
    return client.get(f"/requests/inquiries/{inquiry.pk}/")


def test_the_page_shows_the_conversation_in_order_with_who_and_when(client, inquiry, csm, ops, csvp):
    answer_inquiry(inquiry=inquiry, user=ops, answer="The scores were pulled on August 1st.")
    reply_to_inquiry(inquiry=inquiry, user=csm, body="C100's score of July 31st is missing.")
    answer_inquiry(inquiry=inquiry, user=csvp, answer="It came in late: ops re-pulls it.")

    page = page_of(client, csm, inquiry).content.decode()
    conversation = page[
        page.index('id="conversation"') : page.index("</table>", page.index('id="conversation"'))
    ]
    said = [
        QUESTION,
        "The scores were pulled on August 1st.",
        "C100&#x27;s score of July 31st is missing.",
        "It came in late: ops re-pulls it.",
    ]
    assert [conversation.index(text) for text in said] == sorted(conversation.index(text) for text in said)
    for who, kind in (("Casey Amer", "Question"), ("Op Erator", "Answer"), ("Casey Amer", "Reply")):
        assert f"<td>{who}</td>\n          <td>{kind}</td>" in conversation
    assert conversation.count("<time datetime=") == 4


def test_the_csm_replies_on_the_page_and_the_inquiry_is_open_again(client, inquiry, csm, ops):
    answer_inquiry(inquiry=inquiry, user=ops, answer="The scores were pulled on August 1st.")
    assert (
        f'action="/requests/inquiries/{inquiry.pk}/reply/"' in page_of(client, csm, inquiry).content.decode()
    )
    assert "/reply/" not in page_of(client, ops, inquiry).content.decode()

    client.force_login(csm)
    response = client.post(f"/requests/inquiries/{inquiry.pk}/reply/", {"body": "But C100 renewed in June."})
    assert response.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
    page = client.get(response["Location"]).content.decode()
    assert "it is open again" in page and "But C100 renewed in June." in page
    # Open again: ops answers again from the same page.
    assert "/answer/" in page_of(client, ops, inquiry).content.decode()


def test_a_short_reply_is_refused_on_the_page(client, inquiry, csm):
    client.force_login(csm)
    response = client.post(f"/requests/inquiries/{inquiry.pk}/reply/", {"body": "Why?"})
    assert response.status_code == 400
    assert "The reply needs at least 10 characters" in response.content.decode()


def test_another_csm_gets_404_and_ops_403_on_reply(client, inquiry, ops):
    client.force_login(make_user(Role.CSM, geo="AMER"))
    assert (
        client.post(f"/requests/inquiries/{inquiry.pk}/reply/", {"body": "Let me in, please."}).status_code
        == 404
    )
    client.force_login(ops)
    response = client.post(f"/requests/inquiries/{inquiry.pk}/reply/", {"body": "Replying as ops here."})
    assert response.status_code == 403
    assert not inquiry.messages.exists()


def test_a_converted_inquiry_offers_no_reply_and_refuses_one(client, inquiry, csm, csvp):
    request = convert_inquiry(inquiry=inquiry, user=csvp, value="1", justification=JUSTIFICATION)
    page = page_of(client, csm, inquiry).content.decode()
    assert "/reply/" not in page and f"/requests/{request.pk}/" in page
    response = client.post(f"/requests/inquiries/{inquiry.pk}/reply/", {"body": "One more thing to add."})
    assert response.status_code == 400
    assert "it carries on there" in response.content.decode()
