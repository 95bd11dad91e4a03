"""Services for personal API tokens: create (the key is shown once) and revoke."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from accounts.models import User

from .models import ApiToken

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the plaintext key, which is never stored."""
    key = secrets.token_hex(32)  # hex: a key never starts with "-", which command lines would misread
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key))
    return token, key


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke ``token`` (idempotent): it authenticates nothing from now on."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
