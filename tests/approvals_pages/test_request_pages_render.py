"""Each request page renders for the roles that may use it, and refuses the others."""

import pytest

from accounts.models import Role
from tests.builders import make_user


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_my_requests_lists_what_a_csvp_filed(login, amer_vp, customer, file):
    filed = file(customer)
    other_vp = make_user(Role.CSVP, geo="AMER")
    response = login(amer_vp).get("/requests/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [filed]
    body = response.content.decode()
    assert "My requests" in body and "ACME" in body and "FY22-Q2" in body and "Waiting for the CCO" in body

    assert list(login(other_vp).get("/requests/").context["page"].object_list) == []
    assert list(login(other_vp).get("/requests/?geo=1").context["page"].object_list) == [filed]


@pytest.mark.django_db
def test_requests_list_is_scoped_for_other_roles(login, cco, csm, other_csm, emea_vp, customer, file):
    filed = file(customer)
    assert list(login(cco).get("/requests/").context["page"].object_list) == [filed]
    assert list(login(csm).get("/requests/").context["page"].object_list) == [filed]
    assert list(login(other_csm).get("/requests/").context["page"].object_list) == []
    assert list(login(emea_vp).get("/requests/?geo=1").context["page"].object_list) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CSM, Role.CCO, Role.FINANCE, Role.OPS])
def test_only_a_csvp_opens_the_filing_form(login, role):
    assert login(make_user(role)).get("/requests/new/").status_code == 403


@pytest.mark.django_db
def test_the_approval_queue_is_for_cco_and_finance(login, cco, finance, ops, amer_vp, csm):
    assert login(cco).get("/requests/to-approve/").status_code == 200
    assert login(finance).get("/requests/to-approve/").status_code == 200
    for user in (ops, amer_vp, csm):
        assert login(user).get("/requests/to-approve/").status_code == 403


@pytest.mark.django_db
def test_the_apply_queue_is_for_ops(login, ops, cco, finance, amer_vp):
    assert login(ops).get("/requests/to-apply/").status_code == 200
    for user in (cco, finance, amer_vp):
        assert login(user).get("/requests/to-apply/").status_code == 403


@pytest.mark.django_db
def test_request_page_renders_for_everyone_in_scope(login, customer, file, amer_vp, cco, finance, ops, csm):
    filed = file(customer)
    for user in (amer_vp, cco, finance, ops, csm):
        response = login(user).get(f"/requests/{filed.pk}/")
        assert response.status_code == 200, user
        assert "Timeline" in response.content.decode()


@pytest.mark.django_db
def test_a_request_outside_the_scope_is_not_found(login, customer, file, emea_vp, other_csm):
    filed = file(customer)
    assert login(emea_vp).get(f"/requests/{filed.pk}/").status_code == 404
    assert login(other_csm).get(f"/requests/{filed.pk}/").status_code == 404
    assert login(emea_vp).post(f"/requests/{filed.pk}/withdraw/").status_code == 404
    assert login(emea_vp).get("/requests/999999/").status_code == 404


@pytest.mark.django_db
def test_navigation_links_to_requests_and_inquiries(login, csm):
    body = login(csm).get("/requests/").content.decode()
    assert 'href="/requests/"' in body and 'href="/requests/inquiries/"' in body
