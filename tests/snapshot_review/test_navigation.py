"""Navigation never dead-ends (DESIGN §1): every link a person is shown — the header's and the home
page's — opens for them; a page that would refuse them is not linked."""

import re

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PERSONAS = {
    "csm": {"roles": (Role.CSM,)},
    "csvp": {"roles": (Role.CSVP,)},
    "csvp without a geo": {"roles": (Role.CSVP,), "geo": ""},
    "cco": {"roles": (Role.CCO,), "geo": ""},
    "finance": {"roles": (Role.FINANCE,)},
    "ops": {"roles": (Role.OPS,)},
    "admin": {"roles": (Role.ADMIN,)},
    "csm and csvp": {"roles": (Role.CSM, Role.CSVP)},
    "no role": {"roles": ()},
}


def links(html: str) -> set[str]:
    """The site's own links on a page (not downloads, anchors or the sign-out form)."""
    return {href for href in re.findall(r'href="(/[^"#?]*)', html) if not href.startswith("/static/")}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_link_a_person_is_shown_opens_for_them(client, persona):
    spec = PERSONAS[persona]
    client.force_login(make_user(*spec["roles"], geo=spec.get("geo", "AMER")))

    shown = links(client.get("/").content.decode())

    assert shown  # at least the header's links
    refused = {url: client.get(url).status_code for url in shown}
    assert {url: code for url, code in refused.items() if code >= 400} == {}


def test_a_geo_vp_without_a_geo_is_not_sent_to_the_team_page(client):
    client.force_login(make_user(Role.CSVP, geo=""))

    assert "/team/" not in links(client.get("/").content.decode())
    assert client.get("/team/").status_code == 403


def test_the_cco_is_not_sent_to_the_admin(client):
    client.force_login(make_user(Role.CCO))

    home = client.get("/").content.decode()

    assert "/admin/" not in links(home)
    assert client.get("/admin/").status_code == 302  # the admin's own sign-in: the CCO is not let in
