"""E-mail addresses are compared case-insensitively everywhere (sign-in, lock-out, imports, commands):
``Jordan@X.com`` and ``jordan@x.com`` are one person, stored lower-case, with one failure counter."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def canonical_email(value: str) -> str:
    """The stored spelling of an e-mail address: trimmed and lower-case."""
    return value.strip().lower()


def lockout_username(request: Any, credentials: dict | None = None) -> str | None:
    """The user name django-axes counts failures under (``AXES_USERNAME_CALLABLE``): one counter per
    account, whatever the spelling typed."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    value = source.get(field)
    return canonical_email(value) if isinstance(value, str) else value
