"""The "to approve" and "to apply" queues list only what the person may act on."""

import pytest

from accounts.models import Role
from approvals import services
from approvals.models import Request
from tests.builders import make_customer, make_user


def listed(response) -> list[Request]:
    return list(response.context["page"].object_list)


@pytest.mark.django_db
def test_to_approve_lists_the_step_of_each_approver(login, file, cco, finance, csm):
    first, second = make_customer(owner=csm), make_customer(owner=csm)
    waiting_cco = file(first)
    waiting_finance = file(second)
    services.approve(request=waiting_finance, user=cco, comment="ok for me")

    assert listed(login(cco).get("/requests/to-approve/")) == [waiting_cco]
    assert listed(login(finance).get("/requests/to-approve/")) == [waiting_finance]


@pytest.mark.django_db
def test_to_approve_leaves_out_what_the_person_filed_or_already_approved(login, file, customer, period):
    vp_and_cco = make_user(Role.CSVP, Role.CCO, geo="AMER")
    cco_and_finance = make_user(Role.CCO, Role.FINANCE, geo="")
    own = services.file_request(
        user=vp_and_cco,
        kind="exception",
        customer=customer,
        period=period,
        value="1",
        justification="A justification long enough to pass.",
    )
    assert listed(login(vp_and_cco).get("/requests/to-approve/")) == []

    services.approve(request=own, user=cco_and_finance, comment="first step")
    assert listed(login(cco_and_finance).get("/requests/to-approve/")) == []


@pytest.mark.django_db
def test_to_approve_leaves_out_final_and_applied_requests(login, file, cco, csm):
    withdrawn = file(make_customer(owner=csm))
    services.withdraw(request=withdrawn, user=withdrawn.filed_by)
    extra = file(make_customer(owner=csm), kind=Request.Kind.EXTRA_CREDIT, value="0.2")
    services.approve(request=extra, user=cco, comment="fine")
    assert listed(login(cco).get("/requests/to-approve/")) == []


@pytest.mark.django_db
def test_to_apply_lists_approved_requests_and_says_what_to_recalculate(login, file, cco, ops, csm):
    pending = file(make_customer(owner=csm), kind=Request.Kind.EXTRA_CREDIT, value="0.2")
    approved = file(make_customer(owner=csm), kind=Request.Kind.EXTRA_CREDIT, value="0.3")
    services.approve(request=approved, user=cco, comment="fine")
    response = login(ops).get("/requests/to-apply/")
    assert listed(response) == [approved]
    assert pending not in listed(response)
    assert response.context["stale_periods"] == []

    services.apply(request=approved, user=ops)
    response = login(ops).get("/requests/to-apply/")
    assert listed(response) == []
    assert [p.code for p in response.context["stale_periods"]] == ["FY22-Q2"]
    assert "python manage.py calculate FY22-Q2" in response.content.decode()


@pytest.mark.django_db
def test_to_apply_leaves_out_what_an_ops_person_approved(login, file, csm):
    ops_and_cco = make_user(Role.OPS, Role.CCO, geo="")
    extra = file(make_customer(owner=csm), kind=Request.Kind.EXTRA_CREDIT, value="0.2")
    services.approve(request=extra, user=ops_and_cco, comment="fine")
    assert listed(login(ops_and_cco).get("/requests/to-apply/")) == []
