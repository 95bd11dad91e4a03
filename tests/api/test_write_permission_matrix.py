"""Every write endpoint (and the restricted reads) × every role: allowed, 403, 404 or 401 (DESIGN §1, §5).

Each case builds the state its endpoint needs, sends one valid request as the persona and checks the
status. ``nobody`` is signed in without a role; ``anonymous`` sends no credentials.
"""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption.models import Customer
from approvals.models import Request
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores

ROLES = ["csm", "csvp", "cco", "finance", "ops", "admin", "nobody", None]
PERIOD = "FY22-Q2"
JUSTIFICATION = "The customer's telemetry was down for six weeks."


def _request(people, status: str) -> Request:
    """An exception for ACME filed by the AMER csvp, moved to ``status`` by the right people."""
    request = Request.objects.create(
        kind="exception",
        customer=Customer.objects.get(customer_id="ACME"),
        period=get_period(PERIOD),
        value="1.1",
        justification=JUSTIFICATION,
        filed_by=people["csvp"],
    )
    if status == Request.Status.APPROVED:
        Request.objects.filter(pk=request.pk).update(
            status=status, cco_approver=people["cco"], finance_approver=people["finance"]
        )
    return request


def imports(client, people):
    content = b"customer_id,name,geo,start_date,segment\nC9,Nine,AMER,2020-01-01,ENT\n"
    file = SimpleUploadedFile("customers.csv", content, content_type="text/csv")
    return client.post("/api/imports/", {"kind": "customers", "file": file}, format="multipart")


def scores(client, people):
    rows = [{"customer_id": "ACME", "as_of": "2021-07-31", "score": "50"}]
    return client.post("/api/scores/", rows, format="json")


def pulls(client, people):
    return client.post("/api/pulls/", {"period": PERIOD}, format="json")


def runs(client, people):
    pull_scores(period=get_period(PERIOD))
    return client.post("/api/runs/", {"period": PERIOD, "plan": "CS-FY22"}, format="json")


def snapshot_approve(client, people):
    return client.post("/api/snapshots/FY22/approve/")


def request_file(client, people):
    data = {"kind": "exception", "customer_id": "ACME", "period": PERIOD, "value": "1.1"}
    return client.post("/api/requests/", {**data, "justification": JUSTIFICATION}, format="json")


def decision(action: str, status: str) -> Callable:
    def send(client, people):
        pk = _request(people, status).pk
        return client.post(f"/api/requests/{pk}/{action}/", {"comment": "Looks right."}, format="json")

    send.__name__ = f"request_{action}"
    return send


def sign_off(client, people):
    return client.post(f"/api/periods/{PERIOD}/sign-off/", {"comment": JUSTIFICATION}, format="json")


def inquiry_reply(client, people):
    from approvals.services import open_inquiry

    inquiry = open_inquiry(
        user=people["csm"],
        period=get_period(PERIOD),
        message=JUSTIFICATION,
        customer=Customer.objects.get(customer_id="ACME"),
    )
    return client.post(f"/api/inquiries/{inquiry.pk}/replies/", {"body": JUSTIFICATION}, format="json")


def audit(client, people):
    return client.get("/api/audit/")


def payroll(client, people):
    return client.get(f"/api/payouts.csv?period={PERIOD}")


OPS_ONLY = {"ops": 201}
# endpoint -> {role: status when allowed or refused otherwise}; roles not listed get ``default``.
MATRIX: dict[Callable, tuple[dict, int]] = {
    imports: ({"ops": 202}, 403),  # an import job (docs/imports.md "The API")
    scores: (OPS_ONLY, 403),
    pulls: (OPS_ONLY, 403),
    runs: ({"ops": 202}, 403),
    snapshot_approve: ({"cco": 200}, 403),
    # Filing: the AMER csvp; a role-less person does not even see ACME.
    request_file: ({"csvp": 201, "nobody": 404}, 403),
    decision("approve", Request.Status.PENDING_CCO): ({"cco": 200, "nobody": 404}, 403),
    decision("reject", Request.Status.PENDING_CCO): ({"cco": 200, "nobody": 404}, 403),
    decision("withdraw", Request.Status.PENDING_CCO): ({"csvp": 200, "nobody": 404}, 403),
    decision("apply", Request.Status.APPROVED): ({"ops": 200, "nobody": 404}, 403),
    # Finance signs off; this quarter is open, so finance is told it is not closed (409).
    sign_off: ({"finance": 409}, 403),
    # The CSM who asked replies; ops and the CSM's Geo VP answer; a role-less person does not see it.
    inquiry_reply: ({"csm": 201, "csvp": 201, "ops": 201, "nobody": 404}, 403),
    audit: ({"cco": 200, "finance": 200, "ops": 200, "admin": 200}, 403),
    # An open quarter: the payroll is refused as not closed (409, a conflict with its state) to those
    # allowed to ask for it: ops and finance (access.may_export_payroll), not the CCO or admins.
    payroll: ({"finance": 409, "ops": 409}, 403),
}
CASES = [
    pytest.param(endpoint, role, id=f"{endpoint.__name__}-{role or 'anonymous'}")
    for endpoint in MATRIX
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_write_permission_matrix(world, people, client_for, endpoint, role):
    allowed, refused = MATRIX[endpoint]
    expected = 401 if role is None else allowed.get(role, refused)
    response = endpoint(client_for(role), people)
    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["code"]
