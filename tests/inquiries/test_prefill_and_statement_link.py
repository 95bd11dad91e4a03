"""An inquiry is a question, not the line's description a statement link prefills; its page links to the
statement it is about, for the CSM and whoever answers, each within their reach (DESIGN §5 "Inquiries")."""

import html

import pytest

from accounts.models import Role
from approvals.models import Inquiry
from approvals.services import open_inquiry
from commissions.services.periods import get_period
from tests.builders import make_user

from .conftest import asks, section
from .test_ask_about_this_line import statement_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def adoption(client, e1, q2_run) -> dict[str, str]:
    """The prefill of the ADOPTION line's "Ask about this line" link; E1 signed in."""
    page = statement_page(client, e1, q2_run)
    return asks(section(page, 'id="table-lines"', "</section>"))[0]


@pytest.mark.parametrize("tail", ["", "   ", " ?", "\n\n"])
def test_the_prefilled_sentence_alone_is_refused(client, adoption, tail):
    response = client.post("/requests/inquiries/new/", {**adoption, "message": adoption["message"] + tail})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Write your question after the line's description" in page
    assert "About ADOPTION in FY22-Q2 (833.33 USD):" in page  # the form keeps what was sent
    assert not Inquiry.objects.exists()


def test_a_question_after_the_prefilled_sentence_is_sent(client, adoption):
    response = client.post(
        "/requests/inquiries/new/", {**adoption, "message": adoption["message"] + "Why (so) low?"}
    )

    assert response.status_code == 302
    assert Inquiry.objects.get().message == "About ADOPTION in FY22-Q2 (833.33 USD): Why (so) low?"


@pytest.fixture
def inquiry(e1) -> Inquiry:
    return open_inquiry(
        user=e1, period=get_period("FY22-Q2"), component="ADOPTION", message="Why is my adoption line low?"
    )


def statement_links(client, user, inquiry) -> str:
    client.force_login(user)
    page = client.get(f"/requests/inquiries/{inquiry.pk}/").content.decode()
    start = page.index('id="inquiry-statements"')
    return page[start : page.index("</dd>", start)]


def test_the_inquiry_links_the_csm_to_their_published_statement(client, e1, q2_run, inquiry):
    links = statement_links(client, e1, inquiry)

    assert f'href="/my/statements/{q2_run.pk}/"' in links and "FY22-Q2 · CS-FY22 v1" in links
    assert client.get(f"/my/statements/{q2_run.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["ops", "csvp"])
def test_whoever_answers_gets_the_link_within_their_reach(client, e1, q2_run, inquiry, who, request):
    person = request.getfixturevalue(who)

    links = statement_links(client, person, inquiry)

    assert f'href="/my/E1/statements/{q2_run.pk}/"' in links
    assert client.get(f"/my/E1/statements/{q2_run.pk}/").status_code == 200


def test_an_open_quarters_inquiry_says_its_statements_are_published_at_close(client, e1):
    q3 = get_period("FY22-Q3")
    asked = open_inquiry(user=e1, period=q3, component="ADOPTION", message="Is my adoption line counted?")

    links = statement_links(client, e1, asked)

    assert "href=" not in links and "FY22-Q3 is open: its statements are published when it is closed" in links


def test_a_geo_vp_of_another_geo_cannot_open_the_inquiry(client, inquiry):
    client.force_login(make_user(Role.CSVP, geo="EMEA", email="vp.emea@example.com"))

    assert client.get(f"/requests/inquiries/{inquiry.pk}/").status_code == 404
