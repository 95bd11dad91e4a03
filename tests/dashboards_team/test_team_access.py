"""Who sees which geo on /team/: a CSVP their own geo only, the CCO / finance / ops any, a CSM nothing."""

import pytest

from accounts.models import Role
from tests.builders import make_customer, make_user


@pytest.fixture
def geos(db):
    amer_csm = make_user(Role.CSM, geo="AMER", name="Amer Csm")
    emea_csm = make_user(Role.CSM, geo="EMEA", name="Emea Csm")
    make_customer("AMER-1", name="Amer Customer", geo="AMER", owner=amer_csm)
    make_customer("EMEA-1", name="Emea Customer", geo="EMEA", owner=emea_csm)
    return amer_csm, emea_csm


def _team(client, user, query=""):
    client.force_login(user)
    return client.get(f"/team/{query}")


def test_csvp_sees_only_their_geo_csms_and_customers(client, amer_vp, geos):
    response = _team(client, amer_vp, "?gap=0")
    assert response.status_code == 200
    assert response.context["geo"] == "AMER"
    at_risk = [row["customer_id"] for row in response.context["tables"]["at_risk"].rows]
    assert at_risk == ["AMER-1"]  # no score at all: at risk, and only AMER's customers are considered
    html = response.content.decode()
    assert "Amer Customer" in html
    assert "Emea Customer" not in html and "Emea Csm" not in html


def test_csvp_asking_for_another_geo_still_sees_their_own(client, amer_vp, geos):
    """A CSVP's ``?geo=`` is ignored (not a 404): the page always shows their own geo."""
    response = _team(client, amer_vp, "?geo=EMEA")
    assert response.status_code == 200
    assert response.context["geo"] == "AMER"
    assert "Emea Customer" not in response.content.decode()
    assert response.context["geos"] == []  # no geo picker offered


def test_a_geo_nobody_is_in_is_a_404_naming_it_not_an_empty_team(client, cco, geos):
    response = _team(client, cco, "?geo=bogus")
    assert response.status_code == 404
    assert "There is no geo “BOGUS” here: the geos are" in response.content.decode()


def test_cco_may_pick_any_geo(client, cco, geos):
    response = _team(client, cco, "?geo=EMEA")
    assert response.status_code == 200
    assert response.context["geo"] == "EMEA"
    html = response.content.decode()
    assert "Emea Customer" in html and "Amer Customer" not in html
    assert {"AMER", "EMEA"} <= set(response.context["geos"])


def test_finance_and_ops_may_open_the_team_page(client, finance, geos):
    ops = make_user(Role.OPS, geo="")
    assert _team(client, finance, "?geo=AMER").status_code == 200
    assert _team(client, ops).status_code == 200


def test_csm_is_refused(client, csm):
    assert _team(client, csm).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/team/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_company_page_is_refused_to_csvp_and_csm(client, amer_vp, csm):
    client.force_login(amer_vp)
    assert client.get("/company/").status_code == 403
    client.force_login(csm)
    assert client.get("/company/").status_code == 403


def test_company_page_is_open_to_cco_and_finance(client, cco, finance):
    client.force_login(cco)
    assert client.get("/company/").status_code == 200
    client.force_login(finance)
    assert client.get("/company/").status_code == 200


def test_the_geos_requests_are_listed_and_no_others(client, amer_vp, emea_vp, geos):
    from decimal import Decimal

    from adoption.models import Customer
    from approvals.models import Request
    from commissions.services.periods import get_period

    period = get_period("FY22-Q2")
    mine = Request.objects.create(
        kind="exception",
        customer=Customer.objects.get(customer_id="AMER-1"),
        period=period,
        value=Decimal("0.9"),
        justification="Migration",
        filed_by=amer_vp,
    )
    Request.objects.create(
        kind="exception",
        customer=Customer.objects.get(customer_id="EMEA-1"),
        period=period,
        value=Decimal("0.9"),
        justification="Migration",
        filed_by=emea_vp,
    )
    rows = _team(client, amer_vp, "?geo=EMEA").context["tables"]["requests"].rows
    assert [(row["id"], row["url"]) for row in rows] == [(f"#{mine.pk}", f"/requests/{mine.pk}/")]
