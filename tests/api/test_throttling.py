"""Rate limits: per person and per address, from API_THROTTLE_USER / API_THROTTLE_ANON (config/settings.py);
beyond them a 429 in the error shape with Retry-After. The suite runs without limits (tests/conftest.py)."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"},
    }
    cache.clear()  # counts of earlier tests' users (ids are reused) must not count here
    yield
    cache.clear()


def test_a_person_over_their_rate_gets_429_with_retry_after(low_rates, people, client_for):
    client = client_for("cco")
    assert [client.get("/api/periods/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/periods/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"]


def test_each_person_has_their_own_count(low_rates, people, client_for):
    cco, ops = client_for("cco"), client_for("ops")
    for _ in range(3):
        cco.get("/api/periods/")
    assert cco.get("/api/periods/").status_code == 429
    assert ops.get("/api/periods/").status_code == 200


def test_requests_without_a_token_are_limited_by_address(low_rates, client):
    # The schema is the one API answer open without a token (a 401 is answered before any count).
    statuses = [client.get("/api/schema/?format=json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_suite_runs_without_limits(people, client_for):
    client = client_for("cco")
    assert {client.get("/api/periods/").status_code for _ in range(30)} == {200}


def test_the_rates_default_to_600_a_minute_per_person_and_60_per_address(monkeypatch):
    from config.settings import env_rate

    monkeypatch.delenv("API_THROTTLE_USER", raising=False)
    assert env_rate("API_THROTTLE_USER", "600/min") == "600/min"
    monkeypatch.setenv("API_THROTTLE_USER", "none")
    assert env_rate("API_THROTTLE_USER", "600/min") is None
