"""What the server checks in a request body is in the schema, so a generated client can check it first."""

import pytest

from . import openapi

pytestmark = pytest.mark.django_db

QUARTER = r"^FY(\d{2})-Q([1-4])$"


def _bodies() -> list[tuple[str, str, dict]]:
    """Every request body's fields, per operation: (method, path, {field: schema})."""
    found = []
    for method, path, operation in openapi.operations():
        content = operation.get("requestBody", {}).get("content", {})
        for media in content.values():
            found.append((method, path, openapi.properties(media["schema"])))
    return found


def _field(method: str, path: str, name: str) -> dict:
    operation = openapi.schema()["paths"][path][method]
    media = operation["requestBody"]["content"]["application/json"]
    return openapi.properties(media["schema"])[name]


def test_a_requests_justification_needs_20_characters():
    assert _field("post", "/api/requests/", "justification")["minLength"] == 20


def test_a_requests_value_is_a_decimal_with_at_most_4_places():
    value = _field("post", "/api/requests/", "value")
    assert (value["type"], value["format"]) == ("string", "decimal")
    assert value["pattern"] == r"^\d{1,4}(?:\.\d{1,4})?$"


def test_a_requests_kind_is_the_kind_enum():
    assert _field("post", "/api/requests/", "kind")["enum"] == ["exception", "extra_credit"]


@pytest.mark.parametrize(
    ("method", "path"), [("post", "/api/requests/"), ("post", "/api/pulls/"), ("post", "/api/runs/")]
)
def test_quarter_codes_in_bodies_have_the_quarter_pattern(method, path):
    assert _field(method, path, "period")["pattern"] == QUARTER


def test_approving_or_rejecting_requires_a_comment():
    for action in ("approve", "reject"):
        operation = openapi.schema()["paths"][f"/api/requests/{{id}}/{action}/"]["post"]
        media = operation["requestBody"]["content"]["application/json"]
        assert "comment" in openapi.resolve(media["schema"])["required"]


def test_every_constrained_body_field_declares_its_constraint():
    """Decimals have a format and a pattern, choices an enum, strings a bound where the server has one."""
    checked = 0
    for method, path, fields in _bodies():
        for name, field in fields.items():
            where = f"{method.upper()} {path} {name}"
            if field.get("format") == "decimal":
                assert field.get("pattern"), where
                checked += 1
            if name in ("kind", "status", "type", "metric"):
                assert field.get("enum"), where
            if name == "period":
                assert field.get("pattern") == QUARTER, where
            if name in ("customer_id", "plan"):
                assert field.get("maxLength"), where
    assert checked  # the walk saw at least the request's value


def test_payroll_csv_and_list_filters_declare_the_quarter_pattern():
    csv = openapi.schema()["paths"]["/api/payouts.csv"]["get"]
    period = next(p for p in csv["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] == QUARTER
    payouts = openapi.schema()["paths"]["/api/payouts/"]["get"]
    period = next(p for p in payouts["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] == QUARTER


def test_the_server_applies_the_documented_justification_length(world, people, client_for):
    body = {
        "kind": "exception",
        "customer_id": "ACME",
        "period": "FY22-Q2",
        "value": "0.5",
        "justification": "too short",
    }
    response = client_for("csvp").post("/api/requests/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["justification"]


def test_the_server_refuses_a_value_that_is_not_a_number_by_field(world, people, client_for):
    body = {
        "kind": "exception",
        "customer_id": "ACME",
        "period": "FY22-Q2",
        "value": "lots",
        "justification": "The customer's own freeze stalled adoption for a month.",
    }
    response = client_for("csvp").post("/api/requests/", body, format="json")
    assert response.status_code == 400
    assert "value" in response.json()["error"]["details"]
