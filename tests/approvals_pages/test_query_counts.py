"""List pages read a constant number of queries however many rows they show (STYLE "query counts")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from approvals import services
from approvals.models import Request
from tests.builders import make_customer, make_user

from .conftest import JUSTIFICATION


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(n: int, *, vp, cco, ops, period) -> None:
    """``n`` more customers, each with an approved extra credit, an applied one and an inquiry."""
    for _ in range(n):
        csm = make_user(Role.CSM, geo="AMER")
        customer = make_customer(geo="AMER", owner=csm)
        applied = services.file_request(
            user=vp,
            kind="exception",
            customer=customer,
            period=period,
            value="1",
            justification=JUSTIFICATION,
        )
        services.approve(request=applied, user=cco, comment="fine")
        services.file_request(
            user=vp,
            kind="extra_credit",
            customer=customer,
            period=period,
            value="0.5",
            justification=JUSTIFICATION,
        )
        services.open_inquiry(user=csm, period=period, customer=customer, message="Why this credit?")
    for req in Request.objects.filter(status=Request.Status.PENDING_CCO, kind="extra_credit"):
        services.approve(request=req, user=cco, comment="fine")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("vp", "/requests/"),
        ("vp", "/requests/?geo=1"),
        ("cco", "/requests/"),
        ("finance", "/requests/to-approve/"),
        ("ops", "/requests/to-apply/"),
        ("ops", "/requests/inquiries/"),
        ("vp", "/requests/inquiries/"),
    ],
)
def test_list_pages_do_not_grow_with_rows(client, amer_vp, cco, finance, ops, period, who, url):
    people = {"vp": amer_vp, "cco": cco, "finance": finance, "ops": ops}
    client.force_login(people[who])
    grow(2, vp=amer_vp, cco=cco, ops=ops, period=period)
    with_two = queries(client, url)
    grow(8, vp=amer_vp, cco=cco, ops=ops, period=period)
    with_ten = queries(client, url)
    assert with_ten == with_two
