"""GET /api/audit/: the /audit/ page's trail, for the same people, with the same filters."""

import pytest

from audit.entries import AuditFilters
from audit.selectors import audit_trail


@pytest.fixture
def imported(people, client_for, api_import):
    client = client_for("ops")
    header = b"customer_id,name,geo,start_date,segment\n"
    for name, row in (
        ("first.csv", b"C1,Acme,AMER,2020-01-01,ENT\n"),
        ("second.csv", b"C2,Globex,AMER,2020-01-01,ENT\n"),
    ):
        assert api_import(client, "customers", header + row, name=name)[1]["status"] == "applied"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
def test_the_trail_is_the_selectors_newest_first(imported, client_for, persona):
    response = client_for(persona).get("/api/audit/")
    assert response.status_code == 200
    body = response.json()
    expected = list(audit_trail(filters=AuditFilters()))
    assert body["count"] == len(expected) >= 2
    assert [row["object_label"] for row in body["results"]] == [e.object_label for e in expected]
    first = body["results"][0]
    assert {"at", "who", "object_type", "object_id", "object_label", "action", "changes", "note"} <= set(
        first
    )


@pytest.mark.django_db
def test_filters_are_the_pages(imported, client_for):
    client = client_for("ops")
    rows = client.get("/api/audit/?object_type=import&search=second.csv").json()["results"]
    # An import job's check and its writing are an import record each (docs/imports.md).
    assert len(rows) == 2 and all("second.csv" in row["object_label"] for row in rows)
    assert client.get("/api/audit/?person=nobody-at-all").json()["count"] == 0
    assert client.get("/api/audit/?date_to=2000-01-01").json()["count"] == 0


@pytest.mark.django_db
def test_a_bad_filter_is_400_not_everything(imported, client_for):
    response = client_for("ops").get("/api/audit/?object_type=nonsense")
    assert response.status_code == 400
    assert "object_type" in response.json()["error"]["details"]
    assert client_for("ops").get("/api/audit/?date_from=yesterday").status_code == 400


@pytest.mark.django_db
def test_pages(imported, client_for, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 1)
    client = client_for("ops")
    first = client.get("/api/audit/").json()
    assert len(first["results"]) == 1 and first["next"]
    second = client.get("/api/audit/?page=2").json()["results"]
    assert second[0]["at"] <= first["results"][0]["at"]
    assert client.get("/api/audit/?page=99").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["csm", "csvp", "nobody"])
def test_the_trail_is_refused_to_those_the_page_refuses(imported, client_for, persona):
    response = client_for(persona).get("/api/audit/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"


@pytest.mark.django_db
def test_anonymous_is_401(client_for, people):
    assert client_for(None).get("/api/audit/").status_code == 401
