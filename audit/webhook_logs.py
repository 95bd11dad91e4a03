"""Audit entries of webhooks (docs/audit.md): deliveries sent again by hand, on both databases, and on
SQLite the endpoints' own records of who added them and who last replaced their secret.

A delivery resent or retried now is a ``WebhookResend`` record (who, when, the status and tries before).
On PostgreSQL every change of an endpoint is a pghistory event (``row_events``); SQLite keeps only what
the endpoint row holds: ``created_by``/``created_at`` and the latest ``secret_rotated_by``/``_at``. A
secret is never part of an entry: that it was replaced is.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import User
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookResend

from .entries import AuditEntry, AuditFilters, Change, Labels, dated
from .logs import narrowed

ENDPOINT, RESEND = "webhook_endpoint", "webhook_resend"


def _endpoint_text(filters: AuditFilters) -> Q:
    return Q(url__icontains=filters.search) | Q(description__icontains=filters.search)


def endpoints_added_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(ENDPOINT):
        return WebhookEndpoint.objects.none()
    rows = WebhookEndpoint.objects.select_related("created_by").order_by("-created_at", "-pk")
    return narrowed(
        rows, filters, text=_endpoint_text(filters), id_field="pk", person="created_by", at="created_at"
    )


def endpoint_added_entries(rows: list[WebhookEndpoint]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=row.created_by.email if row.created_by else "(no user given)",
            object_type="Webhook endpoint",
            object_id=str(row.pk),
            object_label=row.url,
            action="added",
            changes=[Change("url", "", row.url), Change("events", "", ", ".join(row.events))],
            note=row.description,
        )
        for row in rows
    ]


def secrets_replaced_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(ENDPOINT):
        return WebhookEndpoint.objects.none()
    rows = WebhookEndpoint.objects.select_related("secret_rotated_by").filter(secret_rotated_at__isnull=False)
    rows = rows.order_by("-secret_rotated_at", "-pk")
    return narrowed(
        rows,
        filters,
        text=_endpoint_text(filters),
        id_field="pk",
        person="secret_rotated_by",
        at="secret_rotated_at",
    )


def secret_replaced_entries(rows: list[WebhookEndpoint]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.secret_rotated_at,
            who=row.secret_rotated_by.email if row.secret_rotated_by else "(no user given)",
            object_type="Webhook endpoint",
            object_id=str(row.pk),
            object_label=row.url,
            action="secret replaced",
            changes=[Change("secret", "(not recorded)", "(new, not recorded)")],
            note="The latest replacement; the secret itself is never recorded.",
        )
        for row in rows
    ]


def resends_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(RESEND):
        return WebhookResend.objects.none()
    resends = WebhookResend.objects.order_by("-at", "-pk")
    if filters.search:
        deliveries = WebhookDelivery.objects.filter(
            Q(event__icontains=filters.search) | Q(endpoint__url__icontains=filters.search)
        ).values("pk")
        text = Q(delivery_id__in=deliveries)
        if filters.search.isdigit():
            text |= Q(delivery_id=int(filters.search))
        resends = resends.filter(text)
    if filters.person:
        resends = resends.filter(by_id__in=User.objects.filter(email__icontains=filters.person).values("pk"))
    return dated(resends, "at", filters)


def resend_entries(resends: list[WebhookResend]) -> list[AuditEntry]:
    # No database constraint on the delivery or the person: both are looked up, and shown by id if gone.
    deliveries = WebhookDelivery.objects.select_related("endpoint").in_bulk({r.delivery_id for r in resends})
    labels = Labels()
    for resend in resends:
        labels.want(User, resend.by_id)
    entries = []
    for resend in resends:
        delivery = deliveries.get(resend.delivery_id)
        label = f"{delivery.event} → {delivery.endpoint.url}" if delivery else f"#{resend.delivery_id}"
        if resend.action == WebhookResend.Action.RESEND:
            changes = [
                Change("status", resend.status_before, WebhookDelivery.Status.PENDING.value),
                Change("tries", str(resend.attempts_before), "0"),
            ]
        else:
            changes = [Change("next try", "after the backoff", "now")]
        entries.append(
            AuditEntry(
                at=resend.at,
                who=labels.get(User, resend.by_id) or "(no user given)",
                object_type="Webhook delivery",
                object_id=str(resend.delivery_id),
                object_label=label,
                action=resend.get_action_display(),
                changes=changes,
            )
        )
    return entries
