"""/api/inquiries/: inquiries scoped like their pages, and POST …/replies/ — the asking CSM's reply or an
answer by ops or the CSM's Geo VP, through the pages' services (DESIGN §5 "Inquiries")."""

import pytest

from approvals import services as approvals
from approvals.models import Inquiry
from commissions.services.periods import get_period

pytestmark = pytest.mark.django_db

QUESTION = "Why is Acme not counted in my adoption credit this quarter?"
ANSWER = {"body": "Acme's score came in after the pull date; it counts next quarter."}
REPLY = {"body": "The score was sent on time: please check the feed's log again."}


@pytest.fixture
def inquiry(world, people) -> Inquiry:
    return approvals.open_inquiry(
        user=people["csm"],
        period=get_period("FY22-Q2"),
        message=QUESTION,
        customer=world["customers"]["ACME"],
    )


def replies(inquiry) -> str:
    return f"/api/inquiries/{inquiry.pk}/replies/"


def test_ops_answers_then_the_csm_replies_and_the_inquiry_opens_again(inquiry, client_for):
    answered = client_for("ops").post(replies(inquiry), ANSWER, format="json")
    assert answered.status_code == 201, answered.json()
    assert answered.json()["status"] == "answered" and answered.json()["owner"] == "ops@example.com"

    replied = client_for("csm").post(replies(inquiry), REPLY, format="json")
    assert replied.status_code == 201, replied.json()
    body = replied.json()
    assert body["status"] == "open"
    assert [(m["author"], m["is_reply"]) for m in body["messages"]] == [
        ("ops@example.com", False),
        ("csm@example.com", True),
    ]
    assert body["messages"][1]["body"] == REPLY["body"]
    assert client_for("csm").get(f"/api/inquiries/{inquiry.pk}/").json() == body


def test_the_geo_vp_answers_an_inquiry_of_their_geo(inquiry, client_for):
    response = client_for("csvp").post(replies(inquiry), ANSWER, format="json")
    assert response.status_code == 201 and response.json()["status"] == "answered"


def test_answering_an_answered_inquiry_is_a_409(inquiry, client_for):
    assert client_for("ops").post(replies(inquiry), ANSWER, format="json").status_code == 201
    again = client_for("csvp").post(replies(inquiry), ANSWER, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(("persona", "expected"), [("cco", 403), ("finance", 403), ("other_csm", 404)])
def test_anyone_else_may_not_reply(inquiry, client_for, persona, expected):
    response = client_for(persona).post(replies(inquiry), REPLY, format="json")
    assert response.status_code == expected
    assert not inquiry.messages.exists()


def test_a_short_reply_is_a_400_by_field(inquiry, client_for):
    response = client_for("csm").post(replies(inquiry), {"body": "why?"}, format="json")
    assert response.status_code == 400 and set(response.json()["error"]["details"]) == {"body"}


def test_inquiries_are_scoped_like_their_pages(inquiry, client_for):
    def listed(persona):
        return [row["id"] for row in client_for(persona).get("/api/inquiries/").json()["results"]]

    assert listed("csm") == listed("csvp") == listed("ops") == [inquiry.pk]
    assert listed("other_csm") == listed("emea_csm") == []
    assert client_for("emea_csm").get(f"/api/inquiries/{inquiry.pk}/").status_code == 404
