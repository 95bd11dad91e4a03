"""OpenAPI 3 schema at /api/schema/ and docs at /api/docs/, served without a CDN."""

import re

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
    assert _other_hosts(html) == []
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    script = client.get("/api/docs/?script")
    assert script.status_code == 200
    assert _other_hosts(script.content.decode()) == []


def _other_hosts(text: str) -> list[str]:
    """Every URL in ``text`` that names a host (``//host/…``, ``http(s)://host/…``): a CDN or any other.

    Matching on the word "cdn" failed at random: the page's per-request token may contain those letters."""
    return re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, flags=re.IGNORECASE)
