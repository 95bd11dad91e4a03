"""OpenAPI 3 schema at /api/schema/ and docs at /api/docs/, served without a CDN."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(people, client_for):
    response = client_for("csm").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/customers/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_are_served_from_the_sidecar(people, client):
    client.force_login(people["csm"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    script = client.get("/api/docs/?script")
    assert script.status_code == 200
    assert "cdn" not in script.content.decode().lower()
