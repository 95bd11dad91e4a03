"""Webhook endpoints and the log of deliveries to them (docs/webhooks.md)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q


class Event(models.TextChoices):
    """What Attain tells endpoints about (docs/webhooks.md "Events"); the value is the wire name."""

    REQUEST_DECIDED = "request.decided", "A request was approved or rejected"
    RUN_FINISHED = "run.finished", "A calculation run finished"
    QUARTER_CLOSED = "quarter.closed", "A quarter was closed"
    PAYOUTS_SIGNED_OFF = "payouts.signed_off", "Finance signed off a quarter's payouts"
    STATEMENT_PUBLISHED = "statement.published", "A close published the quarter's statements"
    SEGMENT_ENTERED = "segment.entered", "Customers entered a segment"
    SEGMENT_LEFT = "segment.left", "Customers left a segment"


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, hex, with a prefix that says what it is."""
    return "whsec_" + secrets.token_hex(32)


# Only http(s): a webhook never opens a file, an FTP server or any other scheme (docs/webhooks.md).
http_url = URLValidator(schemes=["http", "https"])


class WebhookEndpoint(models.Model):
    """A URL ops configured to receive the events it subscribes to, signed with its own ``secret``.

    The secret is made here, never typed in; the console shows it once, when it is made, to whoever
    configures the receiver. ``secret_rotated_at``/``secret_rotated_by`` say when and by whom it was last
    replaced (the audit trail records that, never the secret). An inactive endpoint receives nothing new
    (deliveries already queued still go).
    """

    url = models.URLField(max_length=500, validators=[http_url])
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    events = models.JSONField(default=list, help_text="The events sent to this URL (docs/webhooks.md).")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    secret_rotated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhook_endpoint_http_url",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def clean(self) -> None:
        unknown = sorted(set(self.events or []) - set(Event.values))
        if not isinstance(self.events, list) or unknown:
            raise ValidationError({"events": f"Unknown events: {', '.join(map(str, unknown))}."})
        if not self.events:
            raise ValidationError({"events": "Choose at least one event."})

    def subscribes_to(self, event: str) -> bool:
        return event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: the log of its attempts (docs/webhooks.md "Retries and the log").

    ``pending`` until a 2xx answer (``delivered``) or a final refusal (``failed``: a 4xx other than 408/429,
    or ``WEBHOOK_MAX_ATTEMPTS`` tries). ``next_attempt_at`` is when the next try is due; while a try is in
    flight it holds the try's lease, so a redelivered task does not send twice. An event reaches an
    endpoint once (``event_id`` unique per endpoint); the receiver dedupes by ``X-Attain-Delivery``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]), name="webhook_delivery_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} to {self.endpoint_id} ({self.status})"


class WebhookResend(models.Model):
    """Someone sent a delivery again by hand: a failed one afresh, or a pending one's next try now
    (docs/webhooks.md "The log"). Kept on every database and shown on the audit page; no database
    constraint on the delivery or the person: the record outlives them."""

    class Action(models.TextChoices):
        RESEND = "resend", "resent"
        RETRY_NOW = "retry_now", "retried now"

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.DO_NOTHING, db_constraint=False, related_name="resends"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    status_before = models.CharField(max_length=10, choices=WebhookDelivery.Status.choices)
    attempts_before = models.PositiveSmallIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"delivery #{self.delivery_id} {self.get_action_display()} by {self.by_id}"
