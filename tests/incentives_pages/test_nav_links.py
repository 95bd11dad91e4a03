"""The header's links to the incentives pages (docs/incentives.md "Pages"), asked of the access module:
SPIFFs for whoever may see them, a CSM's own SPIFF awards, points and recognition for everyone holding a
role; each link opens for the person it is shown to."""

import re

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav aria-label="Your pages">(.*?)<span class="account">', re.S)
LINK = re.compile(r'<a (?:aria-current="page" )?href="(/(?:incentives|recognition)/[^"]*)">([^<]+)</a>')

SPIFFS = ("/incentives/spiffs/", "SPIFFs")
MINE = ("/incentives/spiffs/mine/", "My SPIFFs")
POINTS = ("/incentives/points/", "Points")
RECOGNITION = [("/recognition/", "Recognition"), ("/recognition/fame/", "Wall of fame")]


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        ((Role.CSM,), [MINE, POINTS, *RECOGNITION]),
        ((Role.CSVP,), [SPIFFS, POINTS, *RECOGNITION]),
        ((Role.CCO,), [SPIFFS, POINTS, *RECOGNITION]),
        ((Role.FINANCE,), [SPIFFS, POINTS, *RECOGNITION]),
        ((Role.OPS,), [SPIFFS, POINTS, *RECOGNITION]),
        ((Role.ADMIN,), [SPIFFS, POINTS, *RECOGNITION]),
        ((Role.CSM, Role.CSVP), [SPIFFS, MINE, POINTS, *RECOGNITION]),
        ((), []),
    ],
)
def test_each_role_is_linked_to_the_incentives_pages_it_may_open(client, roles, links):
    client.force_login(make_user(*roles))

    shown = LINK.findall(NAV.search(client.get("/").content.decode()).group(1))

    assert shown == links
    for url, label in shown:
        assert client.get(url).status_code == 200, f"{label} ({url})"


def test_a_csm_is_not_linked_to_the_spiffs_they_may_not_see(client):
    client.force_login(make_user(Role.CSM))

    html = client.get("/incentives/spiffs/mine/").content.decode()

    assert 'href="/incentives/spiffs/"' not in NAV.search(html).group(1)
    assert client.get("/incentives/spiffs/").status_code == 403


def test_the_page_shown_is_the_current_link(client):
    client.force_login(make_user(Role.CSM, Role.CSVP))

    html = client.get("/incentives/spiffs/mine/").content.decode()

    assert '<a aria-current="page" href="/incentives/spiffs/mine/">My SPIFFs</a>' in html
    assert '<a href="/incentives/spiffs/">SPIFFs</a>' in html
