"""Who may open whose quarter and statements (DESIGN §1, accounts.access): outside scope is 404."""

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def test_csm_gets_404_on_another_csms_page_and_statement(client, worked, worked_run, other_csm):
    client.force_login(other_csm)
    assert client.get("/my/E1/").status_code == 404
    assert client.get(f"/my/E1/statements/{worked_run.pk}/").status_code == 404
    assert client.get(f"/my/statements/{worked_run.pk}/").status_code == 404
    assert (
        client.post("/my/E1/what-if/", {"period": "FY22-Q2", "kpi": "prs", "kpi_value": "5"}).status_code
        == 404
    )


def test_csm_may_open_their_own_page_by_id(client, worked, worked_run):
    client.force_login(worked)
    assert client.get("/my/E1/?period=FY22-Q2").status_code == 200


def test_csvp_of_the_geo_sees_the_csm(client, worked, worked_run):
    client.force_login(make_user(Role.CSVP, geo="AMER"))
    assert client.get("/my/E1/?period=FY22-Q2").status_code == 200
    page = client.get(f"/my/E1/statements/{worked_run.pk}/").content.decode()
    assert "2,333.33" in page


def test_csvp_of_another_geo_gets_404(client, worked, worked_run):
    client.force_login(make_user(Role.CSVP, geo="EMEA"))
    assert client.get("/my/E1/?period=FY22-Q2").status_code == 404
    assert client.get(f"/my/E1/statements/{worked_run.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN])
def test_company_roles_see_any_csm(client, worked, worked_run, role):
    client.force_login(make_user(role, geo=""))
    assert client.get("/my/E1/?period=FY22-Q2").status_code == 200
    assert client.get(f"/my/E1/statements/{worked_run.pk}/").status_code == 200


def test_non_csm_at_my_gets_a_list_of_csms(client, worked):
    client.force_login(make_user(Role.CSVP, geo="AMER"))
    page = client.get("/my/").content.decode()
    assert 'href="/my/E1/"' in page


def test_anonymous_is_sent_to_sign_in(client, worked):
    response = client.get("/my/")
    assert response.status_code == 302 and "login" in response["Location"]
