"""Every e-mail links with an absolute URL on ``SITE_URL`` (core.links), reversed from the page's name —
never a bare path, which a mail client cannot open (docs/design.md §5)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from approvals.models import Request
from approvals.services import answer_inquiry, apply, approve, file_request, open_inquiry, reply_to_inquiry
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

from .conftest import JUSTIFICATION

pytestmark = pytest.mark.django_db

SITE = "https://attain.example.com"
LINK = re.compile(r"(\S*/requests/\S*)")


def links(mailoutbox) -> list[str]:
    found = [link for mail in mailoutbox for link in LINK.findall(mail.body)]
    assert found, "every e-mail carries a link"
    return found


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", email="csm@example.com")


@pytest.fixture
def customer(csm):
    return make_customer("C100", geo="AMER", owner=csm)


@override_settings(SITE_URL=SITE)
def test_every_request_e_mail_links_absolutely(deliver, mailoutbox, customer, csvp, cco, finance, ops):
    with deliver():
        request = file_request(
            user=csvp,
            kind=Request.Kind.EXCEPTION,
            customer=customer,
            period=get_period("FY22-Q2"),
            value="1",
            justification=JUSTIFICATION,
        )
    with deliver():
        approve(request=request, user=cco, comment="The effort is documented.")
    with deliver():
        approve(request=request, user=finance, comment="Within budget.")
    with deliver():
        apply(request=request, user=ops)
    assert len(mailoutbox) == 4  # filed, approved twice, applied
    url = SITE + reverse("approvals:detail", args=[request.pk])
    assert set(links(mailoutbox)) == {url}
    assert f"Open it: {url}\n" in mailoutbox[0].body


@override_settings(SITE_URL=SITE + "/")  # a trailing slash does not double
def test_every_inquiry_e_mail_links_absolutely(deliver, mailoutbox, csm, customer, csvp, ops):
    with deliver():
        inquiry = open_inquiry(
            user=csm, period=get_period("FY22-Q2"), customer=customer, message="Why not counted?"
        )
    with deliver():
        answer_inquiry(inquiry=inquiry, user=ops, answer="It is new: held harmless this quarter.")
    with deliver():
        reply_to_inquiry(inquiry=inquiry, user=csm, body="It started more than 90 days before the end.")
    assert [mail.subject.rsplit(" ", 1)[-1] for mail in mailoutbox] == ["opened", "answered", "to"]
    assert set(links(mailoutbox)) == {f"{SITE}/requests/inquiries/{inquiry.pk}/"}


@override_settings(SITE_URL=SITE)
def test_the_password_reset_link_is_on_site_url_whatever_the_host(client, mailoutbox):
    make_user(Role.CSM, email="reset@example.com")

    client.post("/accounts/password_reset/", {"email": "reset@example.com"})

    (mail,) = mailoutbox
    assert f"{SITE}/accounts/reset/" in mail.body
    assert "testserver" not in mail.body  # the request's Host
