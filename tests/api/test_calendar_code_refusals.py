"""The API refuses a badly written quarter or fiscal year with the sentence the rest of the project gives,
naming the value as written (core.calendar ``not_a_quarter``/``not_a_fiscal_year``): every body field
(api.write_serializers ``QuarterField``/``FiscalYearField``) and every list filter (api.filters
``QuarterFilter``/``FiscalYearFilter``) reads its code through ``FiscalQuarter.parse``/``FiscalYear.parse``.
Surrounding spaces are dropped, as ``parse`` drops them, and the canonical code is what is used;
a lowercase code is refused.
"""

import pytest
from rest_framework import serializers

from api.write_serializers import quarter_field
from approvals.models import Request
from commissions.models import Period, ScorePull
from core.calendar import FISCAL_YEAR_RE, PERIOD_RE, not_a_fiscal_year, not_a_quarter

from . import openapi

pytestmark = pytest.mark.django_db

NOT_A_QUARTER = "“{}” is not a quarter: write it like FY27-Q1."
NOT_A_YEAR = "“{}” is not a fiscal year: write it like FY27."
JUSTIFICATION = "The customer paused the rollout during a merger; the team kept every workshop going."


def _details(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["details"]


def _query_parameters(pattern: str) -> list[tuple[str, str]]:
    """Every (GET path, query parameter) whose documented pattern is ``pattern``."""
    found = []
    for method, path, operation in openapi.operations():
        for parameter in operation.get("parameters", []):
            if (
                method == "get"
                and parameter["in"] == "query"
                and parameter["schema"].get("pattern") == pattern
            ):
                found.append((path, parameter["name"]))
    return found


QUARTER_PARAMETERS = _query_parameters(PERIOD_RE.pattern)
YEAR_PARAMETERS = _query_parameters(FISCAL_YEAR_RE.pattern)


def test_the_sentences_are_core_calendars():
    assert NOT_A_QUARTER.format("FY27-Q9") == not_a_quarter("FY27-Q9")
    assert NOT_A_YEAR.format("2027") == not_a_fiscal_year("2027")


# Body fields.


@pytest.mark.parametrize("written", ["FY27-Q9", "garbage", "fy22-q3", "FY22-Q10"])
def test_a_pull_of_a_badly_written_quarter_is_refused_naming_it(written, world, client_for):
    before = Period.objects.count()
    response = client_for("ops").post("/api/pulls/", {"period": written}, format="json")
    assert _details(response) == {"period": [NOT_A_QUARTER.format(written)]}
    assert Period.objects.count() == before and not ScorePull.objects.exists()


@pytest.mark.parametrize("written", ["FY27-Q9", "garbage"])
def test_a_run_of_a_badly_written_quarter_is_refused_naming_it(written, world, client_for):
    body = {"period": written, "plan": "CS-FY22"}
    response = client_for("ops").post("/api/runs/", body, format="json")
    assert _details(response) == {"period": [NOT_A_QUARTER.format(written)]}


def test_a_request_for_a_badly_written_quarter_is_refused_naming_it(world, client_for):
    body = {
        "kind": "exception",
        "customer_id": "ACME",
        "period": "FY22-Q9",
        "value": "0.9",
        "justification": JUSTIFICATION,
    }
    response = client_for("csvp").post("/api/requests/", body, format="json")
    assert _details(response) == {"period": [NOT_A_QUARTER.format("FY22-Q9")]}
    assert not Request.objects.exists()


def test_a_quarter_that_is_no_string_is_refused_naming_it(world, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": 2027}, format="json")
    assert _details(response) == {"period": [NOT_A_QUARTER.format("2027")]}


def test_a_blank_or_missing_quarter_keeps_its_own_message(world, client_for):
    client = client_for("ops")
    assert _details(client.post("/api/pulls/", {"period": ""}, format="json")) == {
        "period": ["This field may not be blank."]
    }
    assert _details(client.post("/api/pulls/", {}, format="json")) == {"period": ["This field is required."]}


def test_a_body_quarter_with_surrounding_spaces_is_read_as_its_code(world, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": " FY22-Q3 "}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["period"] == "FY22-Q3"
    assert Period.objects.filter(code="FY22-Q3").exists()


def test_a_body_quarter_refused_with_spaces_is_named_without_them(world, client_for):
    response = client_for("ops").post("/api/pulls/", {"period": "  FY27-Q9 "}, format="json")
    assert _details(response) == {"period": [NOT_A_QUARTER.format("FY27-Q9")]}


class _Quarter(serializers.Serializer):
    period = quarter_field()


@pytest.mark.parametrize("written", ["FY27-Q9", "fy27-q1", "2027"])
def test_a_body_quarter_field_refuses_a_bad_code_naming_it(written):
    form = _Quarter(data={"period": written})
    assert not form.is_valid()
    assert form.errors == {"period": [NOT_A_QUARTER.format(written)]}


def test_a_snapshot_approval_of_a_badly_written_fiscal_year_is_refused_naming_it(world, client_for):
    response = client_for("cco").post("/api/snapshots/2027/approve/", {"comment": "x" * 20}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"] == NOT_A_YEAR.format("2027")


# List filters and the payroll CSV.


def test_the_quarter_and_fiscal_year_filters_are_all_walked():
    assert ("/api/runs/", "period") in QUARTER_PARAMETERS
    assert ("/api/payouts/", "period") in QUARTER_PARAMETERS
    assert ("/api/imports/", "period") in QUARTER_PARAMETERS
    assert ("/api/plans/", "fiscal_year") in YEAR_PARAMETERS
    assert ("/api/target-lines/", "snapshot") in YEAR_PARAMETERS


@pytest.mark.parametrize(("path", "name"), QUARTER_PARAMETERS)
def test_every_quarter_filter_refuses_a_bad_quarter_naming_it(path, name, world, client_for):
    client = client_for("finance" if path == "/api/payouts.csv" else "admin")  # payroll: ops or finance
    for written in ("FY27-Q9", "garbage", "fy22-q2"):
        assert _details(client.get(path, {name: written})) == {name: [NOT_A_QUARTER.format(written)]}


@pytest.mark.parametrize(("path", "name"), YEAR_PARAMETERS)
def test_every_fiscal_year_filter_refuses_a_bad_fiscal_year_naming_it(path, name, world, client_for):
    client = client_for("admin")
    for written in ("2027", "FY2027", "fy22"):
        assert _details(client.get(path, {name: written})) == {name: [NOT_A_YEAR.format(written)]}


def test_the_runs_list_refuses_a_bad_quarter_naming_it(world, client_for):
    response = client_for("ops").get("/api/runs/", {"period": "FY27-Q9"})
    assert _details(response) == {"period": ["“FY27-Q9” is not a quarter: write it like FY27-Q1."]}


def test_the_payroll_csv_refuses_a_bad_quarter_naming_it(world, client_for):
    client = client_for("finance")
    for written in ("FY27-Q9", "garbage"):
        response = client.get("/api/payouts.csv", {"period": written})
        assert _details(response) == {"period": [NOT_A_QUARTER.format(written)]}


def test_a_filter_quarter_with_surrounding_spaces_is_read_as_its_code(world, client_for):
    client = client_for("finance")
    exact = client.get("/api/payouts/", {"period": "FY22-Q2"}).json()
    spaced = client.get("/api/payouts/", {"period": " FY22-Q2 "}).json()
    assert exact["count"] == 3 and spaced["results"] == exact["results"]


def test_a_filter_fiscal_year_with_surrounding_spaces_is_read_as_its_code(world, client_for):
    client = client_for("cco")
    body = client.get("/api/plans/", {"fiscal_year": " FY22"}).json()
    assert [plan["code"] for plan in body["results"]] == ["CS-FY22"]


def test_an_empty_calendar_filter_is_no_filter(world, client_for):
    client = client_for("finance")
    assert client.get("/api/payouts/", {"period": ""}).json()["count"] == 3


# The schema.


def test_the_schema_keeps_the_pattern_and_example_of_quarter_and_year_fields():
    schema = openapi.schema()
    for path, name in QUARTER_PARAMETERS + YEAR_PARAMETERS:
        parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
        assert parameter["schema"]["example"] in ("FY27-Q1", "FY27"), (path, name)
    pulls = schema["paths"]["/api/pulls/"]["post"]["requestBody"]["content"]["application/json"]
    period = openapi.properties(pulls["schema"])["period"]
    assert (period["pattern"], period["example"], period["maxLength"]) == (PERIOD_RE.pattern, "FY27-Q1", 7)
    imports = next(p for p in schema["paths"]["/api/imports/"]["get"]["parameters"] if p["name"] == "period")
    assert imports["description"].startswith("A fiscal quarter, e.g. FY27-Q1")


def test_the_schemas_example_of_a_400_is_the_quarter_sentence():
    example = openapi.schema()["components"]["schemas"]["ValidationError"]["example"]
    assert example["error"]["details"] == {"period": [NOT_A_QUARTER.format("FY27-Q9")]}
