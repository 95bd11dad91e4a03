"""payouts.csv is documented as what it is: text/csv (a string) only, whatever Accept or ?format= asks;
its errors are JSON; its query is checked like any other (a bad ``detail`` is a 400)."""

import pytest

from . import openapi
from .test_writes import PERIOD, close_with_final_run

pytestmark = pytest.mark.django_db


def _operation() -> dict:
    return openapi.schema()["paths"]["/api/payouts.csv"]["get"]


def test_the_schema_documents_csv_only_and_no_format_parameter():
    assert _operation()["responses"]["200"]["content"] == {"text/csv": {"schema": {"type": "string"}}}
    assert "format" not in {parameter["name"] for parameter in _operation()["parameters"]}


def test_errors_are_documented_as_json():
    for status, response in _operation()["responses"].items():
        if status != "200":
            assert list(response["content"]) == ["application/json"], status


@pytest.mark.parametrize(
    "asks", [{"format": "json"}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "text/html"}]
)
def test_the_answer_is_csv_whatever_the_client_asks(asks, world, people, client_for):
    close_with_final_run(world, people)
    query = {"period": PERIOD, **{k: v for k, v in asks.items() if k == "format"}}
    headers = {k: v for k, v in asks.items() if k.startswith("HTTP_")}
    response = client_for("finance").get("/api/payouts.csv", query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("period,employee_id,email,plan")


def test_an_error_is_json_even_when_csv_is_asked_for(world, client_for):
    response = client_for("finance").get("/api/payouts.csv", {"period": PERIOD}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 409  # the quarter is open
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"]


def test_a_bad_detail_flag_is_400_by_name(world, client_for):
    response = client_for("finance").get("/api/payouts.csv", {"period": PERIOD, "detail": "perhaps"})
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["detail"]
