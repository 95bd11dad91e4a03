"""ETag / If-Match on requests and snapshot approval: a decision is taken on the version that was read."""

import pytest

from adoption.models import Snapshot
from approvals.models import Request
from commissions.services.periods import get_period
from tests.builders import make_customer

PERIOD = "FY22-Q2"
JUSTIFICATION = "The customer's telemetry was down for six weeks."


@pytest.fixture
def filed(people, client_for) -> int:
    make_customer("ACME", geo="AMER", owner=people["csm"])
    get_period(PERIOD)  # a stored open quarter: one the filing page offers
    data = {"kind": "exception", "customer_id": "ACME", "period": PERIOD, "value": "1.1"}
    response = client_for("csvp").post(
        "/api/requests/", {**data, "justification": JUSTIFICATION}, format="json"
    )
    assert response.status_code == 201
    return response.json()["id"]


def approve(client, pk: int, **headers):
    return client.post(f"/api/requests/{pk}/approve/", {"comment": "ok"}, format="json", **headers)


@pytest.mark.django_db
def test_a_request_answers_its_version_as_etag(filed, client_for):
    response = client_for("cco").get(f"/api/requests/{filed}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"request-{filed}-v1"'
    assert response.json()["version"] == 1


@pytest.mark.django_db
def test_a_decision_with_the_current_etag_is_taken_and_answers_the_next(filed, client_for):
    cco = client_for("cco")
    etag = cco.get(f"/api/requests/{filed}/")["ETag"]
    response = approve(cco, filed, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == Request.Status.PENDING_FINANCE
    assert response["ETag"] == f'"request-{filed}-v2"'


@pytest.mark.django_db
def test_a_decision_on_a_stale_etag_is_412_and_changes_nothing(filed, client_for):
    stale = client_for("finance").get(f"/api/requests/{filed}/")["ETag"]
    assert approve(client_for("cco"), filed).status_code == 200  # moves on meanwhile: version 2
    response = client_for("finance").post(
        f"/api/requests/{filed}/reject/", {"comment": "no"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    assert Request.objects.get(pk=filed).status == Request.Status.PENDING_FINANCE


@pytest.mark.django_db
def test_if_match_is_optional_and_star_matches_any_version(filed, client_for):
    assert approve(client_for("cco"), filed).status_code == 200
    assert approve(client_for("finance"), filed, HTTP_IF_MATCH="*").status_code == 200
    assert Request.objects.get(pk=filed).status == Request.Status.APPROVED


@pytest.mark.django_db
def test_the_etag_given_to_a_client_accepting_gzip_is_strong_and_matches(filed, client_for):
    """Compression would weaken the tag (W/), which If-Match refuses: the answer the client sends back
    must be the tag it was given, whatever the BREACH padding made of the body's length."""
    cco = client_for("cco")
    for _ in range(20):
        response = cco.get(f"/api/requests/{filed}/", HTTP_ACCEPT_ENCODING="gzip")
        assert response["ETag"] == f'"request-{filed}-v1"'
    taken = approve(cco, filed, HTTP_IF_MATCH=response["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert taken.status_code == 200 and taken["ETag"] == f'"request-{filed}-v2"'


@pytest.mark.django_db
def test_a_weak_etag_never_matches(filed, client_for):
    response = approve(client_for("cco"), filed, HTTP_IF_MATCH=f'W/"request-{filed}-v1"')
    assert response.status_code == 412


@pytest.mark.django_db
def test_a_lost_compare_and_set_with_if_match_is_412_and_without_is_409(filed, client_for, monkeypatch):
    """The version matched when read, but changed before the service's compare-and-set."""
    from api import request_views

    real = request_views.SERVICES["approve"]

    def approve_after_someone_else(*, request, user, comment):
        Request.objects.filter(pk=request.pk).update(version=request.version + 1)
        return real(request=request, user=user, comment=comment)

    monkeypatch.setitem(request_views.SERVICES, "approve", approve_after_someone_else)
    # SERVICES is read when the action is made: make it again (the router looks it up per request).
    monkeypatch.setattr(request_views.RequestViewSet, "approve", request_views._decision("approve"))
    assert approve(client_for("cco"), filed, HTTP_IF_MATCH=f'"request-{filed}-v1"').status_code == 412
    response = approve(client_for("cco"), filed)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_requests_are_listed_in_the_readers_scope(filed, client_for):
    assert client_for("csvp").get("/api/requests/").json()["count"] == 1
    assert client_for("csm").get("/api/requests/").json()["count"] == 1  # ACME is in their book
    assert client_for("emea_csm").get("/api/requests/").json()["count"] == 0
    assert client_for("emea_csm").get(f"/api/requests/{filed}/").status_code == 404
    listed = client_for("cco").get("/api/requests/?status=pending_cco&customer=ACME").json()
    assert [row["id"] for row in listed["results"]] == [filed]


# --- snapshots ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_snapshot_etag_changes_when_its_targets_change(world, client_for):
    snapshot = world["snapshot"]
    client = client_for("cco")
    before = client.get(f"/api/snapshots/{snapshot.pk}/")["ETag"]
    assert before == client.get(f"/api/snapshots/{snapshot.pk}/")["ETag"]
    snapshot.lines.filter(customer__customer_id="ACME").update(target_score=70)
    assert client.get(f"/api/snapshots/{snapshot.pk}/")["ETag"] != before


@pytest.mark.django_db
def test_snapshot_approval_on_a_stale_etag_is_412(world, client_for):
    snapshot = world["snapshot"]
    client = client_for("cco")
    etag = client.get(f"/api/snapshots/{snapshot.pk}/")["ETag"]
    snapshot.lines.filter(customer__customer_id="ACME").update(target_score=70)  # a re-import meanwhile
    response = client.post("/api/snapshots/FY22/approve/", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.DRAFT


@pytest.mark.django_db
def test_snapshot_approval_on_the_current_etag(world, client_for):
    snapshot = world["snapshot"]
    client = client_for("cco")
    etag = client.get(f"/api/snapshots/{snapshot.pk}/")["ETag"]
    response = client.post("/api/snapshots/FY22/approve/", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == Snapshot.Status.APPROVED
    assert response["ETag"] != etag  # its status is part of the digest


@pytest.mark.django_db
def test_a_wrong_role_is_403_before_the_etag_is_compared(world, client_for):
    response = client_for("finance").post("/api/snapshots/FY22/approve/", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 403
