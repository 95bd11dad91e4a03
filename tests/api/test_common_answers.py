"""405, 415, 429, 500 and 503 are documented on every operation and answered in the one error shape;
every 400 is documented as the ``ValidationError`` component and answers errors by field."""

import pytest
from django.db import OperationalError

from api import views

from . import openapi

pytestmark = pytest.mark.django_db

ERROR = "#/components/schemas/Error"
VALIDATION = "#/components/schemas/ValidationError"
# The refusals whose details list a file's or a list's bad rows (docs/api.md), not fields.
ROW_REFUSALS = {"ScoreRefusal"}


def _refs(response: dict) -> set[str]:
    return {media["schema"].get("$ref", "") for media in response.get("content", {}).values()}


def _is_error_shape(response) -> bool:
    body = response.json()
    return set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])


@pytest.mark.parametrize("status", ["405", "429", "500", "503"])
def test_every_operation_documents_the_answers_any_request_can_get(status):
    for method, path, operation in openapi.operations():
        response = operation["responses"].get(status)
        assert response, f"{method.upper()} {path} lacks {status}"
        assert _refs(response) == {ERROR}, f"{method.upper()} {path} {status}"


def test_every_operation_with_a_body_documents_415():
    for method, path, operation in openapi.operations():
        if "requestBody" in operation:
            assert _refs(operation["responses"]["415"]) == {ERROR}, f"{method.upper()} {path}"


def test_429_and_503_document_retry_after():
    responses = openapi.schema()["paths"]["/api/payouts/"]["get"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" in responses["503"]["headers"]


def test_every_400_is_the_validation_error_component():
    for method, path, operation in openapi.operations():
        response = operation["responses"].get("400")
        if response is None:
            continue
        names = {ref.rsplit("/", 1)[1] for ref in _refs(response)}
        assert names == {"ValidationError"} or names <= ROW_REFUSALS, f"{method.upper()} {path}: {names}"


def test_the_validation_error_component_has_details_by_field():
    body = openapi.resolve({"$ref": VALIDATION})
    details = openapi.properties(body["properties"]["error"])["details"]
    assert details["type"] == "object"
    assert details["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_every_401_403_and_404_is_documented_where_it_can_happen():
    for method, path, operation in openapi.operations():
        codes = operation["responses"]
        assert "401" in codes, f"{method.upper()} {path}"
        if "{" in path:
            assert "404" in codes, f"{method.upper()} {path}"
        if method != "get":
            assert "403" in codes, f"{method.upper()} {path}"


def test_a_wrong_method_is_405_in_the_error_shape(people, client_for):
    response = client_for("cco").delete("/api/customers/")
    assert response.status_code == 405
    assert _is_error_shape(response)
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_wrong_content_type_is_415_in_the_error_shape(people, client_for):
    response = client_for("ops").post("/api/scores/", "customer_id=ACME", content_type="text/plain")
    assert response.status_code == 415
    assert _is_error_shape(response)
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_server_error_is_500_in_the_error_shape_and_logged(people, client_for, monkeypatch, caplog):
    def fail(self, user):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.PeriodViewSet, "scoped", fail)
    response = client_for("cco").get("/api/periods/")
    assert response.status_code == 500
    assert _is_error_shape(response)
    assert response.json()["error"]["code"] == "server_error"
    assert "a bug" not in response.content.decode()  # no internals in the answer
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_an_unreachable_database_is_503_with_retry_after(people, client_for, monkeypatch):
    def fail(self, user):
        raise OperationalError("could not connect to server")

    client = client_for("cco")  # its token is made before the database "fails"
    monkeypatch.setattr(views.PeriodViewSet, "scoped", fail)
    response = client.get("/api/periods/")
    assert response.status_code == 503
    assert _is_error_shape(response)
    assert int(response["Retry-After"]) > 0


def test_a_bad_value_answers_its_errors_by_field(people, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": "FY26-Q5"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "period": ["“FY26-Q5” is not a quarter: write it like FY27-Q1."]
    }


def test_a_malformed_body_answers_non_field_errors(people, client_for):
    response = client_for("ops").post("/api/pulls/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["non_field_errors"]


def test_nested_errors_are_named_by_their_path():
    from api.errors import field_errors

    detail = {
        "rows": [{}, {"score": ["Not a number."]}],
        "plan": {"code": ["Unknown."]},
        "non_field_errors": ["No."],
    }
    assert field_errors(detail) == {
        "rows[1].score": ["Not a number."],
        "plan.code": ["Unknown."],
        "non_field_errors": ["No."],
    }
    assert field_errors(["Malformed."]) == {"non_field_errors": ["Malformed."]}


def test_every_operation_with_a_checked_parameter_documents_400():
    for method, path, operation in openapi.operations():
        checked = [
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
            or parameter["schema"].get("type") not in ("integer", None)
            and parameter["in"] == "path"
        ]
        if checked:
            assert "400" in operation["responses"], f"{method.upper()} {path} ({', '.join(checked)})"
