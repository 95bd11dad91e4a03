"""POST /api/scores/: a JSON list of scores through the CSV import service, all or nothing."""

from decimal import Decimal

import pytest

from adoption.models import ScoreObservation
from commissions.models import ImportRecord


def post(client, rows, query=""):
    return client.post(f"/api/scores/{query}", rows, format="json")


@pytest.mark.django_db
def test_scores_are_imported_and_recorded_like_a_file(world, client_for):
    rows = [
        {"customer_id": "ACME", "as_of": "2021-07-31", "score": "55.5"},
        {"customer_id": "GLOBEX", "as_of": "2021-07-31", "score": 72},
    ]
    response = post(client_for("ops"), rows)
    assert response.status_code == 201, response.json()
    assert response.json() | {"sha256": None} == {
        "kind": "scores",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
        "sha256": None,
    }
    saved = ScoreObservation.objects.get(customer__customer_id="ACME", as_of="2021-07-31")
    assert saved.score == Decimal("55.5")
    record = ImportRecord.objects.get(kind="scores")
    assert record.user.email == "ops@example.com" and record.created == 2

    # The same list again changes nothing (upsert on customer_id, as_of).
    again = post(client_for("ops"), rows).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.django_db
def test_a_bad_row_refuses_the_whole_list_with_every_error_by_index(world, client_for):
    rows = [
        {"customer_id": "ACME", "as_of": "2021-07-31", "score": "50"},
        {"customer_id": "NOPE", "as_of": "2021-07-31", "score": "50"},
        {"customer_id": "GLOBEX", "as_of": "31/07/2021", "score": "101"},
        {"customer_id": "INITECH", "as_of": "2021-07-31"},
    ]
    response = post(client_for("ops"), rows)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    found = {(e["index"], e["field"]) for e in error["details"]}
    assert {(1, "customer_id"), (2, "as_of"), (3, "score")} <= found
    assert all(set(e) == {"index", "field", "value", "reason"} for e in error["details"])
    unknown = next(e for e in error["details"] if e["index"] == 1)
    assert unknown["value"] == "NOPE" and "unknown" in unknown["reason"]
    assert not ScoreObservation.objects.filter(as_of="2021-07-31").exists()


@pytest.mark.django_db
def test_index_survives_values_with_line_breaks(world, client_for):
    rows = [
        {"customer_id": "ACME\nX", "as_of": "2021-07-31", "score": "50"},
        {"customer_id": "GLOBEX", "as_of": "2021-07-31", "score": "500"},
    ]
    details = post(client_for("ops"), rows).json()["error"]["details"]
    assert {(e["index"], e["field"]) for e in details} == {(0, "customer_id"), (1, "score")}


@pytest.mark.django_db
def test_malformed_rows_are_reported_by_index(world, client_for):
    rows = [["ACME"], {"customer_id": "ACME", "as_of": "2021-07-31", "score": True, "note": "x"}]
    response = post(client_for("ops"), rows)
    assert response.status_code == 400
    found = {(e["index"], e["field"]) for e in response.json()["error"]["details"]}
    assert found == {(0, ""), (1, "score"), (1, "note")}


@pytest.mark.django_db
@pytest.mark.parametrize("body", [[], {"customer_id": "ACME"}])
def test_an_empty_list_or_an_object_is_400(world, client_for, body):
    response = post(client_for("ops"), body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_dry_run_writes_nothing(world, client_for):
    rows = [{"customer_id": "ACME", "as_of": "2021-07-31", "score": "50"}]
    response = post(client_for("ops"), rows, "?dry_run=true")
    assert response.status_code == 201 and response.json()["dry_run"] is True
    assert response.json()["created"] == 1
    assert not ScoreObservation.objects.filter(as_of="2021-07-31").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csm", "csvp", "cco", "finance", "admin"])
def test_only_ops_posts_scores(world, client_for, persona):
    rows = [{"customer_id": "ACME", "as_of": "2021-07-31", "score": "50"}]
    assert post(client_for(persona), rows).status_code == 403
    assert not ScoreObservation.objects.filter(as_of="2021-07-31").exists()
