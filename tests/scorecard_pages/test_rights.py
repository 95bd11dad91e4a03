"""Who reads which scores (accounts.access.may_see_scores and the reach of ``visible``): a CSM their own
customers, a Geo VP their geo, the CCO, finance, ops and admins everything; anyone else nothing. Outside
one's reach a customer or a CSM is a 404 that does not say whether it exists."""

from __future__ import annotations

import pytest

from accounts import access

pytestmark = pytest.mark.django_db

CUSTOMERS = ("ACME", "CARL", "DELTA")
# persona -> the customers whose scorecard page opens (the others: 404)
SEES = {
    "alice": {"ACME"},
    "bob": {"CARL"},
    "amer_vp": {"ACME", "CARL"},
    "emea_vp": {"DELTA"},
    "cco": set(CUSTOMERS),
    "finance": set(CUSTOMERS),
    "ops": set(CUSTOMERS),
    "admin": set(CUSTOMERS),
}


@pytest.mark.parametrize("persona", SEES)
def test_each_role_opens_the_scorecards_of_the_customers_in_its_reach_only(client, scored, persona):
    client.force_login(scored[persona])

    statuses = {c: client.get(f"/scores/customers/{c}/").status_code for c in CUSTOMERS}

    assert statuses == {c: 200 if c in SEES[persona] else 404 for c in CUSTOMERS}


def test_someone_without_a_role_is_refused_every_score_page(client, scored):
    client.force_login(scored["nobody"])

    for url in ("/scores/", "/scores/customers/ACME/", "/scores/scorecards/core/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "may not read adoption scores" in response.content.decode()


def test_someone_not_signed_in_is_sent_to_sign_in(client, scored):
    for url in ("/scores/", "/scores/customers/ACME/", "/scores/scorecards/core/v1/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_a_csm_s_portfolio_holds_only_their_book(client, scored):
    client.force_login(scored["bob"])

    rows = client.get("/scores/?on=2026-06-30").context["table"].rows

    assert [row["customer_id"] for row in rows] == ["CARL"]


def test_a_csm_cannot_open_another_csm_s_portfolio(client, scored):
    client.force_login(scored["alice"])

    assert client.get(f"/scores/csm/{scored['bob'].employee_id}/").status_code == 404
    assert client.get(f"/scores/csm/{scored['alice'].employee_id}/").status_code == 200


def test_a_geo_vp_cannot_open_a_csm_of_another_geo(client, scored):
    client.force_login(scored["amer_vp"])

    assert client.get(f"/scores/csm/{scored['erin'].employee_id}/").status_code == 404


def test_a_csm_asking_for_a_geo_still_sees_only_their_book(client, scored):
    client.force_login(scored["alice"])

    rows = client.get("/scores/?geo=EMEA&on=2026-06-30").context["table"].rows

    assert {row["customer_id"] for row in rows} == {"ACME", "BOLT", "ECHO"}


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("alice", True),
        ("amer_vp", True),
        ("cco", True),
        ("finance", True),
        ("ops", True),
        ("admin", True),
        ("nobody", False),
    ],
)
def test_may_see_scores_is_the_one_rule_of_the_score_pages(scored, persona, allowed):
    assert bool(access.may_see_scores(scored[persona])) is allowed


def test_a_geo_vp_without_a_geo_may_not_read_scores(db):
    from accounts.models import Role
    from tests.builders import make_user

    assert not access.may_see_scores(make_user(Role.CSVP, geo=""))


@pytest.mark.parametrize(
    ("persona", "allowed"), [("ops_admin", True), ("ops", False), ("admin", False), ("cco", False)]
)
def test_only_ops_with_the_admin_site_may_edit_scorecards_in_the_admin(scored, persona, allowed):
    assert bool(access.may_edit_scorecards_in_admin(scored[persona])) is allowed
