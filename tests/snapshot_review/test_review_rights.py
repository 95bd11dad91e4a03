"""Who reads the review and who approves (DESIGN §1, §3): the CCO, ops, finance and admins read it
(``access.may_review_snapshot``); only the CCO approves (``access.may_approve_snapshot``); CSMs, Geo VPs and
people without a role are refused and never shown a link to it."""

import pytest

from adoption.models import Snapshot
from tests.builders import make_user

from .conftest import customers

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirm": "on", "revision": "1"}


@pytest.fixture
def draft(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")


@pytest.mark.parametrize("persona", ["csm", "csvp"])
def test_csms_and_geo_vps_are_refused_the_list_the_review_and_the_approval(client, request, persona, draft):
    client.force_login(request.getfixturevalue(persona))

    for response in (
        client.get("/snapshots/"),
        client.get("/snapshots/FY22/"),
        client.post("/snapshots/FY22/approve/", CONFIRMED),
    ):
        assert response.status_code == 403
        assert (
            "may not review target snapshots: reviewing a snapshot needs the cco or ops or finance or admin"
            " role" in response.content.decode()
        )
    assert Snapshot.objects.get().status == "draft"


def test_a_person_without_a_role_is_refused(client, draft):
    client.force_login(make_user())

    assert client.get("/snapshots/FY22/").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, draft):
    response = client.get("/snapshots/FY22/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["ops", "finance", "admin"])
def test_ops_finance_and_admins_read_the_review_without_an_approve_button(client, request, persona, draft):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/snapshots/FY22/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="approve-snapshot"' not in page
    assert "The CCO approves a target snapshot; you may review it." in page


@pytest.mark.parametrize("persona", ["ops", "finance", "admin"])
def test_ops_finance_and_admins_may_not_approve(client, request, persona, draft):
    person = request.getfixturevalue(persona)
    client.force_login(person)

    response = client.post("/snapshots/FY22/approve/", CONFIRMED)

    assert response.status_code == 403
    assert f"{person.email} may not approve the target snapshot of FY22" in response.content.decode()
    assert Snapshot.objects.get().status == "draft"


def test_the_cco_sees_the_approve_button(client, cco, draft):
    client.force_login(cco)

    assert 'id="approve-snapshot"' in client.get("/snapshots/FY22/").content.decode()


@pytest.mark.parametrize("persona", ["csm", "csvp"])
def test_csms_and_geo_vps_see_no_link_to_the_review(client, request, persona, draft):
    client.force_login(request.getfixturevalue(persona))

    home = client.get("/").content.decode()

    assert "/snapshots/" not in home


@pytest.mark.parametrize("persona", ["cco", "ops", "finance", "admin"])
def test_readers_find_the_review_in_the_header_and_on_the_home_page(client, request, persona, draft):
    client.force_login(request.getfixturevalue(persona))

    home = client.get("/").content.decode()

    assert '<a href="/snapshots/">Snapshots</a>' in home
    assert '<a href="/snapshots/">Target snapshots</a>' in home


def test_the_cco_home_page_says_a_draft_awaits_approval(client, cco, draft):
    client.force_login(cco)

    home = client.get("/").content.decode()

    assert "target snapshot is a draft (revision 1) waiting for your approval" in home
    assert 'href="/snapshots/FY22/">review and approve it</a>' in home


def test_the_notice_goes_once_the_snapshot_is_approved(client, cco, draft):
    from adoption.services import approve_snapshot

    approve_snapshot(fiscal_year="FY22", user=cco)
    client.force_login(cco)

    assert "waiting for your approval" not in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["ops", "finance"])
def test_only_the_approver_is_told_a_draft_awaits_approval(client, request, persona, draft):
    client.force_login(request.getfixturevalue(persona))

    assert "waiting for your approval" not in client.get("/").content.decode()
