"""Personal API tokens: stored hashed, revocable, with a last-used time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from api.models import ApiToken
from api.tokens import create_token, hash_key, revoke_token
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_bearer_token_authenticates():
    user = make_user(Role.CCO)
    _, key = create_token(user, "payroll")
    assert bearer(key).get("/api/customers/").status_code == 200


def test_stored_row_has_no_plaintext_key():
    token, key = create_token(make_user(Role.OPS), "crm sync")
    row = ApiToken.objects.values().get(pk=token.pk)
    assert key not in {str(value) for value in row.values()}
    assert row["key_hash"] == hash_key(key)
    assert row["prefix"] == key[:8]


def test_use_sets_last_used_at():
    token, key = create_token(make_user(Role.OPS), "crm sync")
    assert token.last_used_at is None
    bearer(key).get("/api/periods/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute():
    token, key = create_token(make_user(Role.OPS), "crm sync")
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    bearer(key).get("/api/periods/")
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_revoked_token_is_refused_with_401():
    token, key = create_token(make_user(Role.CCO), "old")
    revoke_token(token)
    response = bearer(key).get("/api/customers/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_unknown_token_is_refused_with_401():
    assert bearer("not-a-real-key-at-all").get("/api/customers/").status_code == 401


def test_inactive_user_token_is_refused():
    _, key = create_token(make_user(Role.CCO, is_active=False), "gone")
    assert bearer(key).get("/api/customers/").status_code == 401


def test_session_authentication_still_works(client):
    user = make_user(Role.CCO)
    client.force_login(user)
    assert client.get("/api/customers/").status_code == 200
