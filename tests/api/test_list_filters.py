"""One rule for every list endpoint: a malformed or unknown filter, ordering, page or page size, or a
parameter the list does not read, is a 400 naming it (api.filters), never ignored; page_size is honoured
up to its documented maximum.
"""

import re

import pytest

from api.filters import MAX_PAGE_SIZE

from . import openapi

pytestmark = pytest.mark.django_db

LISTS = openapi.list_paths()


def _bad_value(schema: dict) -> str | None:
    """A value the parameter's schema refuses, or None when any string is valid."""
    if "enum" in schema:
        return "bogus"
    if schema.get("type") == "integer":
        return "abc"
    if schema.get("type") == "boolean":
        return "maybe"
    if schema.get("format") in ("date", "date-time"):
        return "not-a-date"
    if schema.get("format") == "email":
        return "not-an-email"
    if "pattern" in schema:
        value = "bogus value!"
        assert not re.search(schema["pattern"], value)
        return value
    return None


def _details(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["details"]


@pytest.mark.parametrize("path", LISTS)
def test_every_constrained_filter_refuses_a_bad_value_by_name(path, world, client_for):
    client = client_for("cco")
    checked = []
    for parameter in openapi.schema()["paths"][path]["get"].get("parameters", []):
        value = _bad_value(parameter["schema"])
        if parameter["in"] != "query" or value is None:
            continue
        name = parameter["name"]
        assert name in _details(client.get(path, {name: value})), f"{path}?{name}={value}"
        checked.append(name)
    assert {"ordering", "page", "page_size"} <= set(checked)


@pytest.mark.parametrize("path", LISTS)
def test_a_parameter_the_list_does_not_read_is_400_naming_it(path, world, client_for):
    """A mistyped filter (``perod`` for ``period``) is refused, never taken as "no filter"."""
    details = _details(client_for("cco").get(path, {"perod": "FY22-Q2"}))
    assert list(details) == ["perod"] and "Unknown parameter 'perod'" in details["perod"][0]


def test_every_documented_parameter_of_a_list_is_read(world, client_for):
    """The other side of the rule: no parameter the schema documents is refused as unknown."""
    client = client_for("cco")
    for path in LISTS:
        for parameter in openapi.schema()["paths"][path]["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            details = client.get(path, {parameter["name"]: ""}).json().get("error", {}).get("details") or {}
            assert "Unknown parameter" not in str(details.get(parameter["name"], "")), (path, parameter)


@pytest.mark.parametrize("path", LISTS)
def test_an_unknown_ordering_field_is_400(path, world, client_for):
    details = _details(client_for("cco").get(path, {"ordering": "bogus"}))
    assert "bogus" in details["ordering"][0]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_size_is_honoured_up_to_its_maximum(path, world, client_for):
    client = client_for("cco")
    assert len(client.get(path, {"page_size": 1}).json()["results"]) <= 1
    assert "page_size" in _details(client.get(path, {"page_size": MAX_PAGE_SIZE + 1}))
    parameter = next(
        p for p in openapi.schema()["paths"][path]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert parameter["schema"]["maximum"] == MAX_PAGE_SIZE


def test_a_bogus_period_is_400_like_the_payroll_csv(world, client_for):
    client = client_for("finance")
    assert _details(client.get("/api/payouts/", {"period": "bogus"})) == {
        "period": ["“bogus” is not a quarter: write it like FY27-Q1."]
    }
    assert _details(client.get("/api/payouts.csv", {"period": "bogus"})) == {
        "period": ["“bogus” is not a quarter: write it like FY27-Q1."]
    }


def test_a_known_quarter_with_no_rows_is_an_empty_list(world, client_for):
    assert client_for("finance").get("/api/payouts/", {"period": "FY22-Q3"}).json()["count"] == 0


def test_page_size_pages_through_the_whole_list(world, client_for):
    client = client_for("cco")
    first = client.get("/api/customers/", {"page_size": 2, "ordering": "customer_id"}).json()
    second = client.get(first["next"]).json()
    rows = first["results"] + second["results"]
    assert [row["customer_id"] for row in rows] == ["ACME", "GLOBEX", "INITECH"]


def test_a_valid_ordering_of_several_fields_is_applied(world, client_for):
    body = client_for("cco").get("/api/customers/", {"ordering": "geo,-customer_id"}).json()
    assert [row["customer_id"] for row in body["results"]] == ["GLOBEX", "ACME", "INITECH"]
