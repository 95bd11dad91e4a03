"""Reading the webhook endpoints and the delivery log (docs/webhooks.md)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .models import Event, WebhookDelivery, WebhookEndpoint


def deliveries(*, status: str = "", event: str = "") -> QuerySet[WebhookDelivery]:
    """The deliveries, newest first, with their endpoint; ``status`` and ``event`` (empty: all) narrow them.

    Raises ``Http404`` with the sentence the 404 page shows for a status or event that is none of the
    choices — a typo never lists everything."""
    rows = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-pk")
    for name, value, choices in (("status", status, WebhookDelivery.Status), ("event", event, Event)):
        if value and value not in choices.values:
            raise Http404(f"“{value[:30]}” is not a delivery {name}: use one of {', '.join(choices.values)}.")
    if status:
        rows = rows.filter(status=status)
    if event:
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
