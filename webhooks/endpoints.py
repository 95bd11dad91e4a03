"""Configuring webhook endpoints: the write paths the console's endpoint pages and the admin call
(docs/webhooks.md "Configuring an endpoint").

Each service checks ``access.may_manage_webhooks`` (ops and admins), validates the endpoint
(``WebhookEndpoint.full_clean``: an http(s) URL, known events, at least one) and writes it in one
transaction. The audit trail records every change of an endpoint, and that its secret was replaced,
never the secret (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User

from .models import WebhookEndpoint, http_url, new_secret

SCHEMES = ("http", "https")


def check_url(value: str) -> str:
    """``value`` stripped, if it is an absolute http:// or https:// URL.

    Raises ``ValidationError`` with a sentence naming what is wrong: no scheme, another scheme (ftp,
    file, javascript, …), or not a URL at all.
    """
    value = (value or "").strip()
    scheme, separator, _ = value.partition("://")
    scheme = scheme.lower()
    if not separator or not scheme:
        raise ValidationError("Enter the full URL, starting with https:// (or http://).", code="no_scheme")
    if scheme not in SCHEMES:
        raise ValidationError(
            f"Webhooks are sent only to http:// or https:// URLs, not {scheme}://.", code="scheme"
        )
    http_url(value)
    return value


def _saved(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.url = check_url(endpoint.url)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def create_endpoint(
    *, url: str, events: Iterable[str], description: str = "", is_active: bool = True, user: User | None
) -> WebhookEndpoint:
    """A new endpoint receiving ``events`` at ``url``, with a secret Attain makes; ``created_by`` is
    ``user``. Returns it (its ``secret`` is to be shown once, to give to the receiver).

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``; ``ValidationError`` for a URL that is
    not http(s), unknown events or none.
    """
    access.require(access.may_manage_webhooks(user))
    endpoint = WebhookEndpoint(
        url=url,
        description=description,
        events=[str(each) for each in events],
        is_active=is_active,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    with transaction.atomic():
        return _saved(endpoint)


def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    url: str,
    events: Iterable[str],
    description: str,
    is_active: bool,
    user: User | None,
) -> WebhookEndpoint:
    """Change an endpoint's URL, events, description and whether it is active; its secret stays. A try
    reads the endpoint when it is made, so pending deliveries go to the new URL.

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``; ``ValidationError`` as ``create_endpoint``.
    """
    access.require(access.may_manage_webhooks(user))
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.url = url
        locked.events = [str(each) for each in events]
        locked.description = description
        locked.is_active = is_active
        return _saved(locked)


def deactivate_endpoint(*, endpoint: WebhookEndpoint, user: User | None) -> WebhookEndpoint:
    """Stop sending new events to ``endpoint`` (deliveries already queued still go). Deactivating an
    inactive endpoint changes nothing.

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``.
    """
    access.require(access.may_manage_webhooks(user))
    WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(is_active=False)
    endpoint.refresh_from_db()
    return endpoint


def rotate_secret(*, endpoint: WebhookEndpoint, user: User | None) -> str:
    """Replace ``endpoint``'s secret with a new one and return it (to be shown once): every try from now
    on, retries of earlier deliveries included, is signed with it. Records when and by whom
    (``secret_rotated_at``/``secret_rotated_by``), which the audit trail shows; never the secret.

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``.
    """
    access.require(access.may_manage_webhooks(user))
    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        secret=secret,
        secret_rotated_at=timezone.now(),
        secret_rotated_by=user if user is not None and user.is_authenticated else None,
    )
    endpoint.refresh_from_db()
    return secret
