"""Segregation of duties (DESIGN §1): nobody takes a step of a request they benefit from.

The CSM who owns the request's customer at its quarter's end — whose book the quarter credits (DESIGN
§4 "Book") — neither decides it (as cco or finance) nor applies it (as ops), even holding that role: the
service refuses with the reason, the request page offers no button, the queues do not list it, the API
answers 403 with the same sentence.
"""

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from adoption.models import Ownership
from approvals import selectors
from approvals import services as requests
from approvals.access import may_apply, may_decide
from approvals.models import Request
from core.errors import NotAllowed
from tests.builders import make_user

from .conftest import make_request

pytestmark = pytest.mark.django_db

BENEFITS = "is in their book in FY22-Q2, so they would benefit from it"


def owns_acme(person, world, since=date(2021, 3, 1)) -> None:
    Ownership.objects.create(customer=world["customer"], employee=person, start_date=since)


def test_a_csm_with_finance_may_not_approve_an_exception_for_her_own_customer(world, others):
    person = make_user(Role.CSM, Role.FINANCE, geo="AMER", email="csm.finance@example.com")
    owns_acme(person, world)
    request = make_request(
        world, filed_by=others["filer"], status=Request.Status.PENDING_FINANCE, cco_approver=others["cco"]
    )

    right = may_decide(person, request)

    assert not right
    assert "ACME " + BENEFITS in right.reason and "segregation of duties" in right.reason
    assert not selectors.actions_for(request, person).decide
    assert request not in selectors.to_approve(person)
    with pytest.raises(NotAllowed, match="would benefit from it"):
        requests.approve(request=request, user=person, comment="Fine by me.")
    with pytest.raises(NotAllowed, match="would benefit from it"):
        requests.reject(request=request, user=person, comment="Not fine.")
    assert Request.objects.get(pk=request.pk).status == Request.Status.PENDING_FINANCE


def test_a_csm_with_cco_may_not_take_the_first_step_for_her_own_customer(world, others):
    person = make_user(Role.CSM, Role.CCO, geo="AMER", email="csm.cco@example.com")
    owns_acme(person, world)
    request = make_request(world, filed_by=others["filer"])

    assert not may_decide(person, request)
    with pytest.raises(NotAllowed, match="would benefit from it"):
        requests.approve(request=request, user=person, comment="Fine by me.")


def test_a_csm_with_ops_may_not_apply_a_request_for_her_own_customer(world, others):
    person = make_user(Role.CSM, Role.OPS, geo="AMER", email="csm.ops@example.com")
    owns_acme(person, world)
    request = make_request(
        world,
        filed_by=others["filer"],
        status=Request.Status.APPROVED,
        cco_approver=others["cco"],
        finance_approver=others["finance"],
    )

    right = may_apply(person, request)

    assert not right and BENEFITS in right.reason
    assert not selectors.actions_for(request, person).apply
    assert request not in selectors.to_apply(person)
    with pytest.raises(NotAllowed, match="would benefit from it"):
        requests.apply(request=request, user=person)
    assert Request.objects.get(pk=request.pk).status == Request.Status.APPROVED


def test_the_api_refuses_the_beneficiary_with_the_sentence(world, others):
    person = make_user(Role.CSM, Role.CCO, geo="AMER", email="csm.cco@example.com")
    owns_acme(person, world)
    request = make_request(world, filed_by=others["filer"])
    client = APIClient()
    client.force_authenticate(person)

    response = client.post(f"/api/requests/{request.pk}/approve/", {"comment": "ok"}, format="json")

    assert response.status_code == 403
    assert BENEFITS in str(response.json())
    assert Request.objects.get(pk=request.pk).status == Request.Status.PENDING_CCO


@pytest.mark.parametrize(
    "since",
    [
        pytest.param(date(2021, 3, 1), id="owned-in-the-quarter-but-moved-before-its-end"),
        pytest.param(date(2021, 8, 15), id="owns-it-only-after-the-quarter"),
    ],
)
def test_whoever_does_not_own_the_customer_at_the_quarters_end_may_decide(world, others, since):
    person = make_user(Role.CSM, Role.FINANCE, geo="AMER", email="csm.finance@example.com")
    owns_acme(person, world, since)
    if since < world["period"].end:  # handed on to another CSM within the quarter
        Ownership.objects.create(
            customer=world["customer"], employee=world["csm"], start_date=date(2021, 7, 1)
        )
    request = make_request(
        world, filed_by=others["filer"], status=Request.Status.PENDING_FINANCE, cco_approver=others["cco"]
    )

    assert may_decide(person, request)
    assert selectors.actions_for(request, person).decide
    assert request in selectors.to_approve(person)
    assert (
        requests.approve(request=request, user=person, comment="Checked.").status == Request.Status.APPROVED
    )
