"""POST /api/requests/ takes a closed quarter within its year-end window as the filing page does: the
service decides (issue 14)."""

from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import create_token
from approvals.models import Request

from .conftest import JUSTIFICATION, close_directly

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    def make(user) -> APIClient:
        client = APIClient()
        _, key = create_token(user, "test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


def file(client, period: str = "FY22-Q2"):
    data = {
        "kind": "exception",
        "customer_id": "C100",
        "period": period,
        "value": "1",
        "justification": JUSTIFICATION,
    }
    return client.post("/api/requests/", data, format="json")


def test_the_api_files_for_a_closed_quarter_within_its_window(
    api_as, csvp, customer, period, ops, monkeypatch
):
    close_directly(period, ops)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2022, 4, 2))
    response = file(api_as(csvp))
    assert response.status_code == 201, response.json()
    assert response.json()["period"] == "FY22-Q2"
    assert Request.objects.get().period == period


def test_the_api_refuses_a_closed_quarter_after_its_window_naming_the_dates(
    api_as, csvp, customer, period, ops, monkeypatch
):
    close_directly(period, ops)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2022, 4, 3))
    response = file(api_as(csvp))
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "FY22-Q2 is closed: cannot file a request. A year-end request for it can be filed from 2022-02-01 to "
        "2022-04-02."
    )
    assert not Request.objects.exists()
