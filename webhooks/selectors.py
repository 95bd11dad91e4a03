"""Reading the webhook endpoints and the delivery log (docs/webhooks.md)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Event, WebhookDelivery, WebhookEndpoint


def deliveries(*, status: str = "", event: str = "") -> QuerySet[WebhookDelivery]:
    """The deliveries, newest first, with their endpoint; ``status`` and ``event`` narrow them when they
    name one of the choices (anything else is ignored)."""
    rows = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-pk")
    if status in WebhookDelivery.Status.values:
        rows = rows.filter(status=status)
    if event in Event.values:
        rows = rows.filter(event=event)
    return rows


def endpoints() -> QuerySet[WebhookEndpoint]:
    """Every endpoint, active ones first then oldest first, with who made it and who last replaced its
    secret, and its count of ``pending`` and ``failed`` deliveries (one query)."""
    return (
        WebhookEndpoint.objects.select_related("created_by", "secret_rotated_by")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
        )
        .order_by("-is_active", "pk")
    )
