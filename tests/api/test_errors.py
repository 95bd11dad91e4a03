"""The stable error shape, and domain errors mapped to statuses once (api.errors)."""

import pytest
from rest_framework.test import APIRequestFactory

from api.errors import exception_handler
from core.errors import AttainError, MissingFxRate, NotAllowed, NotFound, PeriodClosed, SnapshotFrozen


@pytest.mark.django_db
def test_unknown_object_is_404_in_the_error_shape(people, client_for):
    response = client_for("cco").get("/api/customers/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "details": None}}


@pytest.mark.django_db
def test_unauthenticated_is_401_in_the_error_shape(client):
    response = client.get("/api/customers/")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"]
    assert "details" in error


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (NotAllowed("Only a CCO may approve."), 403, "not_allowed"),
        (NotFound("No such run."), 404, "not_found"),
        (PeriodClosed("FY22-Q2 is closed."), 409, "period_closed"),
        (SnapshotFrozen("FY22"), 409, "snapshot_frozen"),
        (MissingFxRate("No EUR rate for FY22-Q2."), 400, "invalid"),
        (AttainError("Something else."), 400, "invalid"),
    ],
)
def test_domain_errors_map_to_statuses(exc, status, code):
    request = APIRequestFactory().get("/api/")
    response = exception_handler(exc, {"request": request, "view": None})
    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["message"] == exc.message
