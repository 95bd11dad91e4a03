"""The home page: signed-in only; shows a person's roles and links to where they work (issue 4 §1)."""

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db

# Incentives (docs/incentives.md "Pages"): points and recognition for everyone holding a role; the SPIFFs for
# whoever may see them, a CSM's own SPIFF awards.
INCENTIVES = {"/incentives/points/", "/recognition/", "/recognition/fame/"}
# The plan handbooks (docs/handbook.md) for everyone holding a role: the index lists the ones they may read.
INCENTIVES |= {"/handbook/"}
SPIFFS, MY_SPIFFS = {"/incentives/spiffs/"}, {"/incentives/spiffs/mine/"}


def links(client) -> set[str]:
    response = client.get("/")
    assert response.status_code == 200
    return {place.url for place in response.context["places"]}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/landing/"  # from sign-in to their own dashboard


def test_shows_the_persons_roles(client):
    client.force_login(make_user(Role.CSM, Role.CSVP, name="Dana Vance"))

    content = client.get("/").content.decode()

    assert "Dana Vance" in content
    assert "Customer Success Manager, Geo VP of Customer Success" in content


def test_csm_is_pointed_to_requests_and_inquiries(client, csm):
    client.force_login(csm)

    assert links(client) == {
        "/my/",
        "/scores/",
        "/segments/",
        "/tasks/",
        "/requests/",
        "/requests/inquiries/",
        *INCENTIVES,
        *MY_SPIFFS,
    }


def test_csvp_is_pointed_to_filing_requests(client, csvp):
    client.force_login(csvp)

    assert links(client) == {
        "/team/",
        "/scores/",
        "/segments/",
        "/tasks/",
        "/requests/",
        "/requests/new/",
        "/requests/inquiries/",
        *INCENTIVES,
        *SPIFFS,
    }


@pytest.mark.parametrize("persona", ["cco", "finance"])
def test_approvers_are_pointed_to_what_waits_for_them(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert links(client) == {
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
        "/requests/to-approve/",
        *INCENTIVES,
        *SPIFFS,
    }


def test_ops_is_pointed_to_what_to_apply(client, ops):
    client.force_login(ops)

    assert links(client) == {
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
        "/requests/to-apply/",
        "/requests/inquiries/",
        *INCENTIVES,
        *SPIFFS,
    }


def test_admin_is_pointed_to_the_admin(client, admin):
    client.force_login(admin)

    assert links(client) == {
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
        "/admin/",
        *INCENTIVES,
        *SPIFFS,
    }


def test_person_with_several_roles_gets_the_links_of_each(client):
    client.force_login(make_user(Role.CSM, Role.CSVP))

    assert links(client) == {
        "/my/",
        "/team/",
        "/scores/",
        "/segments/",
        "/tasks/",
        "/requests/",
        "/requests/new/",
        "/requests/inquiries/",
        *INCENTIVES,
        *SPIFFS,
        *MY_SPIFFS,
    }


def test_person_without_a_role_is_told_to_ask_for_one(client, nobody):
    client.force_login(nobody)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["places"] == []
    assert b"You hold no role yet" in response.content


def test_links_are_in_the_page(client, ops):
    client.force_login(ops)

    content = client.get("/").content.decode()

    assert 'href="/requests/to-apply/"' in content
    assert 'href="/admin/"' not in content  # ops is staff in the demo, but only the admin role opens it


def test_home_page_reads_the_roles_once(client, csm, django_assert_max_num_queries):
    client.force_login(csm)

    with django_assert_max_num_queries(3):  # session, user, roles
        client.get("/")
