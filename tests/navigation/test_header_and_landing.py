"""Where each person lands once signed in, and the header's links to the pages of their roles (DESIGN §1
"Where each person lands"): every link opens, no page they cannot open is linked, the current page is
marked with aria-current."""

import re

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NAV = re.compile(r'<nav aria-label="Your pages">(.*?)</nav>', re.S)
LINK = re.compile(r'<a (aria-current="page" )?href="([^"]+)">([^<]+)</a>')

CSM_PAGES = {"/my/", "/scores/", "/segments/", "/tasks/", "/requests/", "/requests/inquiries/"}
EVERYTHING = {
    "/team/",
    "/scores/",
    "/segments/",
    "/tasks/",
    "/company/",
    "/console/",
    "/console/imports/",
    "/audit/",
    "/snapshots/",
    "/requests/",
}

# Incentives (docs/incentives.md "Pages"): points and recognition for everyone holding a role, the SPIFFs
# for whoever may see them (not a CSM), a CSM's own SPIFF awards.
EVERYONE = {"/incentives/points/", "/recognition/", "/recognition/fame/"}
# The plan handbooks (docs/handbook.md) for everyone holding a role: the index lists the ones they may read.
EVERYONE |= {"/handbook/"}
SPIFFS, MY_SPIFFS = {"/incentives/spiffs/"}, {"/incentives/spiffs/mine/"}

# persona (roles) -> (landing page, the header's links)
PEOPLE = {
    "csm": ((Role.CSM,), "/my/", CSM_PAGES | EVERYONE | MY_SPIFFS),
    "csvp": (
        (Role.CSVP,),
        "/team/",
        {"/team/", "/scores/", "/segments/", "/tasks/", "/requests/", "/requests/inquiries/"}
        | EVERYONE
        | SPIFFS,
    ),
    "cco": ((Role.CCO,), "/company/", EVERYTHING | EVERYONE | SPIFFS),
    "finance": ((Role.FINANCE,), "/company/", EVERYTHING | EVERYONE | SPIFFS),
    "ops": ((Role.OPS,), "/console/", EVERYTHING | {"/requests/inquiries/"} | EVERYONE | SPIFFS),
    "admin": ((Role.ADMIN,), "/", EVERYTHING | {"/admin/"} | EVERYONE | SPIFFS),
    "ops+finance": (
        (Role.OPS, Role.FINANCE),
        "/console/",
        EVERYTHING | {"/requests/inquiries/"} | EVERYONE | SPIFFS,
    ),
    "csm+csvp": ((Role.CSM, Role.CSVP), "/team/", CSM_PAGES | {"/team/"} | EVERYONE | SPIFFS | MY_SPIFFS),
    "no role": ((), "/", set()),
}


def header_links(content: str) -> list[tuple[str, str, bool]]:
    """(url, label, current) of each link of the header's page list."""
    nav = NAV.search(content).group(1)
    pages = nav.split('<span class="account">')[0]
    return [(url, label, bool(current)) for current, url, label in LINK.findall(pages)]


def sign_in(client, person):
    return client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})


@pytest.mark.parametrize("persona", PEOPLE)
def test_each_person_lands_on_their_own_dashboard_after_sign_in(client, persona):
    roles, landing, _ = PEOPLE[persona]
    person = make_user(*roles)

    response = sign_in(client, person)

    assert response.status_code == 302 and response.url == "/landing/"
    assert client.get("/landing/").url == landing
    assert client.get(landing).status_code == 200


@pytest.mark.parametrize("persona", PEOPLE)
def test_the_header_links_exactly_the_pages_of_the_persons_roles_and_each_opens(client, persona):
    roles, _, pages = PEOPLE[persona]
    client.force_login(make_user(*roles))

    links = header_links(client.get("/").content.decode())

    assert {url for url, _, _ in links} == pages
    for url, label, _ in links:
        response = client.get(url)
        assert response.status_code == 200, f"{label} ({url}) gave {response.status_code}"


@pytest.mark.parametrize("persona", PEOPLE)
def test_the_home_page_and_the_header_list_the_same_pages(client, persona):
    roles, _, _ = PEOPLE[persona]
    client.force_login(make_user(*roles))

    response = client.get("/")

    listed = {place.url for place in response.context["places"]}
    linked = {url for url, _, _ in header_links(response.content.decode())}
    assert linked <= listed
    assert listed - linked <= {"/requests/new/", "/requests/to-approve/", "/requests/to-apply/"}


def test_pages_that_refuse_a_person_are_not_in_their_header(client):
    csm = make_user(Role.CSM)
    client.force_login(csm)

    linked = {url for url, _, _ in header_links(client.get("/").content.decode())}

    for url in ("/team/", "/company/", "/console/", "/console/imports/", "/audit/", "/snapshots/"):
        assert url not in linked
        assert client.get(url).status_code == 403
    assert client.get("/admin/").status_code == 302  # the admin site sends them to its own sign-in
    assert "/admin/" not in linked


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/console/", "/console/"),
        ("/console/imports/", "/console/imports/"),  # the longest link the page starts with, not Console
        ("/requests/", "/requests/"),
        ("/requests/inquiries/", "/requests/inquiries/"),
        ("/snapshots/", "/snapshots/"),
    ],
)
def test_the_current_page_is_marked(client, path, current):
    client.force_login(make_user(Role.OPS))

    links = header_links(client.get(path).content.decode())

    assert [url for url, _, is_current in links if is_current] == [current]


def test_the_home_page_marks_the_brand_as_current_and_no_link(client):
    client.force_login(make_user(Role.CSM))

    content = client.get("/").content.decode()

    assert '<a class="brand" aria-current="page" href="/">Attain</a>' in content
    assert not [url for url, _, current in header_links(content) if current]


def test_signing_in_from_the_home_page_lands_on_the_dashboard(client):
    person = make_user(Role.CSVP)

    assert client.get("/").url == "/accounts/login/?next=/landing/"
    response = client.post(
        "/accounts/login/?next=/landing/", {"username": person.email, "password": PASSWORD}
    )

    assert response.url == "/landing/"
    assert client.get(response.url).url == "/team/"


def test_the_home_page_stays_open_to_everyone_signed_in(client):
    client.force_login(make_user(Role.OPS))

    response = client.get("/")

    assert response.status_code == 200
    assert "/console/" in {place.url for place in response.context["places"]}


def test_a_csvp_without_a_geo_has_no_team_and_lands_on_the_home_page(client):
    client.force_login(make_user(Role.CSVP, geo=""))

    assert client.get("/landing/").url == "/"
    assert "/team/" not in {url for url, _, _ in header_links(client.get("/").content.decode())}
