"""Reading the webhook delivery log (docs/webhooks.md "The log")."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Event, WebhookDelivery


def deliveries(*, status: str = "", event: str = "") -> QuerySet[WebhookDelivery]:
    """The deliveries, newest first, with their endpoint; ``status`` and ``event`` narrow them when they
    name one of the choices (anything else is ignored)."""
    rows = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-pk")
    if status in WebhookDelivery.Status.values:
        rows = rows.filter(status=status)
    if event in Event.values:
        rows = rows.filter(event=event)
    return rows
