"""Emitting events and delivering them (docs/webhooks.md; DESIGN §6 "Webhooks").

``emit`` records one ``WebhookDelivery`` per active endpoint subscribed to the event, in the caller's
transaction, and queues the sends once it commits: a rolled-back change sends nothing. ``attempt_delivery``
makes one signed POST and records its outcome; the Celery task (``webhooks.tasks``) calls it and schedules
the next try it asks for.
"""

from __future__ import annotations

import email.utils
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError

from .models import Event, WebhookDelivery, WebhookEndpoint, WebhookResend
from .signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

# Event ids made from a key (``emit(..., key=...)``) are UUIDv5 in this namespace: the same key, the same id.
EVENT_NAMESPACE = uuid.UUID("0b6f0f7e-6d0e-4c35-9f3c-2f4d8a3c9e51")
ERROR_EXCERPT = 500  # characters of an error or a response body kept in the log
RETRY_STATUSES = {408, 429}  # 4xx answers that mean "later", not "never" (with every 5xx)
LEASE_MARGIN = timedelta(seconds=30)  # beyond the request timeout, before a stuck try may be taken again


def subscribed_endpoints(event: str) -> list[WebhookEndpoint]:
    """The active endpoints subscribed to ``event`` (few rows: filtered here, on any database)."""
    return [ep for ep in WebhookEndpoint.objects.filter(is_active=True) if ep.subscribes_to(event)]


def emit(event: str, data: dict | Callable[[], dict], *, key: str = "") -> list[WebhookDelivery]:
    """Record ``event`` with ``data`` for every active endpoint subscribed to it; send after commit.

    The payload is ``{"id": <event uuid>, "event": <name>, "occurred_at": <ISO 8601>, "data": data}``.
    ``key`` names an occurrence that may be emitted more than once (a redelivered task): its event id is
    derived from ``(event, key)``, and an endpoint gets one delivery per event id. Call inside the
    transaction of the change the event reports. ``data`` may be a callable, called only when an endpoint
    is subscribed (no query is spent on a payload nobody receives). Returns the deliveries created (none
    without endpoints).
    Raises ``ValueError`` for an unknown event.
    """
    event = Event(event)
    endpoints = subscribed_endpoints(event)
    if not endpoints:
        return []
    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{event.value}:{key}") if key else uuid.uuid4()
    payload = {
        "id": str(event_id),
        "event": event.value,
        "occurred_at": timezone.now().isoformat(),
        "data": json.loads(json.dumps(data() if callable(data) else data, cls=DjangoJSONEncoder)),
    }
    created = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery, new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, event_id=event_id, defaults={"event": event.value, "payload": payload}
            )
            if new:
                created.append(delivery)
    if created:
        ids = [delivery.pk for delivery in created]
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return created


def enqueue(delivery_ids: list[int]) -> None:
    """Queue the send task of each delivery; a broker outage is logged (``send_due`` picks them up)."""
    from .tasks import send_webhook

    for delivery_id in delivery_ids:
        try:
            send_webhook.delay(delivery_id)
        except Exception:  # the change is committed; the sweep sends what could not be queued
            logger.exception("could not queue webhook delivery #%s", delivery_id)


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed (and signed): the payload as compact JSON, keys in a stable order."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def headers_of(delivery: WebhookDelivery, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Attain-Webhooks/1",
        SIGNATURE_HEADER: signature_header(delivery.endpoint.secret, body, timestamp=timestamp),
        "X-Attain-Event": delivery.event,
        "X-Attain-Delivery": str(delivery.pk),
        "X-Attain-Event-Id": str(delivery.event_id),
    }


@dataclass(frozen=True)
class Attempt:
    """What one call of ``attempt_delivery`` did: the delivery's status after it, and in how many seconds
    the next try is due (None: no further try — delivered, failed, or not this caller's to make)."""

    status: str
    retry_in: float | None = None
    sent: bool = False


def backoff(attempts: int) -> float:
    """Seconds before try ``attempts + 1``: ``WEBHOOK_RETRY_BASE`` doubled per try made, at most
    ``WEBHOOK_RETRY_MAX`` (30 s, 60 s, 120 s, … by default)."""
    return float(min(settings.WEBHOOK_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX))


def retry_after(response: requests.Response, now: datetime) -> float | None:
    """The seconds a ``Retry-After`` header asks for (a number or an HTTP date), or None."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - now).total_seconds(), 0.0)


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take the next try of a pending delivery that is due: compare-and-set on its attempts, with a lease
    as long as the request may take, so a redelivered task finds it taken. None when not ours."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT) + LEASE_MARGIN
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1, next_attempt_at=lease)
    if taken != 1:
        return None
    delivery.attempts += 1
    return delivery


def attempt_delivery(*, delivery_id: int) -> Attempt:
    """Make the next try of a pending delivery that is due, and record its outcome on the delivery.

    A 2xx answer delivers it. A connection error, a timeout (``WEBHOOK_TIMEOUT`` seconds), a 5xx, 408 or
    429 asks for another try after ``backoff`` or the answer's ``Retry-After`` (at most
    ``WEBHOOK_RETRY_MAX``), until ``WEBHOOK_MAX_ATTEMPTS`` tries fail it. Any other answer (4xx, a redirect,
    which is not followed) fails it at once. A delivered or failed delivery, or one whose try is not due
    or is in flight elsewhere, is left alone (``sent`` False): a delivered delivery is never sent again.
    """
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        current = WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return Attempt(status=current or "missing")
    body = body_of(delivery)
    code: int | None = None
    wait: float | None = None
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers_of(delivery, body),
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        error, retry = f"{type(exc).__name__}: {exc}", True
    except requests.RequestException as exc:  # an invalid URL, too many redirects: trying again won't help
        error, retry = f"{type(exc).__name__}: {exc}", False
    else:
        code = response.status_code
        excerpt = response.text[:ERROR_EXCERPT]
        if 200 <= code < 300:
            return _record(delivery, WebhookDelivery.Status.DELIVERED, code=code, error="", now=now)
        retry = code >= 500 or code in RETRY_STATUSES
        error = f"HTTP {code}: {excerpt}" if excerpt else f"HTTP {code}"
        if 300 <= code < 400:
            error = f"HTTP {code}: redirects are not followed; configure the final URL."
        wait = retry_after(response, now) if retry else None
    if not retry or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        if retry:
            error = f"Gave up after {delivery.attempts} attempts. {error}"
        return _record(delivery, WebhookDelivery.Status.FAILED, code=code, error=error, now=now)
    delay = min(wait if wait is not None else backoff(delivery.attempts), settings.WEBHOOK_RETRY_MAX)
    return _record(delivery, WebhookDelivery.Status.PENDING, code=code, error=error, now=now, delay=delay)


def _record(
    delivery: WebhookDelivery, status: str, *, code: int | None, error: str, now: datetime, delay=None
) -> Attempt:
    fields = {
        "status": status,
        "last_status_code": code,
        "last_error": error[:ERROR_EXCERPT],
        "next_attempt_at": now + timedelta(seconds=delay) if delay is not None else None,
    }
    if status == WebhookDelivery.Status.DELIVERED:
        fields["delivered_at"] = timezone.now()
    # Only the try we claimed is recorded: a resend meanwhile keeps its fresh state.
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**fields)
    log = logger.info if status != WebhookDelivery.Status.FAILED else logger.warning
    log("webhook delivery #%s try %s: %s %s", delivery.pk, delivery.attempts, status, error[:200])
    return Attempt(status=status, retry_in=delay, sent=True)


def resend(*, delivery: WebhookDelivery, user: User | None) -> WebhookDelivery:
    """Send a failed delivery again as ``user`` (ops): it becomes pending with a fresh count of tries and
    is queued after commit. The same delivery id and event id go again, so the receiver can dedupe.
    Records a ``WebhookResend`` (the audit trail shows who resent what, when).

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``; ``AttainError`` unless it failed.
    """
    access.require(access.may_manage_webhooks(user))
    with transaction.atomic():
        current = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        changed = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=None
        )
        if changed != 1:
            raise AttainError(
                f"Webhook delivery #{delivery.pk} is {current.get_status_display().lower()}: "
                "only a failed delivery is sent again."
            )
        _record_resend(current, WebhookResend.Action.RESEND, user)
        transaction.on_commit(lambda: enqueue([delivery.pk]), robust=True)
    logger.info("webhook delivery #%s resent by %s", delivery.pk, user.email if user else "the system")
    delivery.refresh_from_db()
    return delivery


def retry_now(*, delivery: WebhookDelivery, user: User | None) -> WebhookDelivery:
    """Make a pending delivery's next try now instead of after its backoff, as ``user`` (ops): its next
    try is due at once and queued after commit; the count of tries goes on (``WEBHOOK_MAX_ATTEMPTS``
    still bounds the automatic ones). Records a ``WebhookResend``.

    Raises ``NotAllowed`` unless ``access.may_manage_webhooks``; ``AttainError`` unless it is pending.
    """
    access.require(access.may_manage_webhooks(user))
    now = timezone.now()
    with transaction.atomic():
        current = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        # Compare-and-set on the count of tries: a try that ended meanwhile is not overwritten.
        changed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=current.attempts
        ).update(next_attempt_at=now)
        if changed != 1:
            raise AttainError(
                f"Webhook delivery #{delivery.pk} is {current.get_status_display().lower()}: "
                "only a pending delivery is tried now (resend a failed one)."
            )
        _record_resend(current, WebhookResend.Action.RETRY_NOW, user)
        transaction.on_commit(lambda: enqueue([delivery.pk]), robust=True)
    logger.info("webhook delivery #%s retried now by %s", delivery.pk, user.email if user else "the system")
    delivery.refresh_from_db()
    return delivery


def _record_resend(delivery: WebhookDelivery, action: str, user: User | None) -> None:
    WebhookResend.objects.create(
        delivery=delivery,
        action=action,
        status_before=delivery.status,
        attempts_before=delivery.attempts,
        by=user if user is not None and user.is_authenticated else None,
    )


def send_due(*, now: datetime | None = None, grace: timedelta = timedelta(minutes=5)) -> int:
    """Queue the pending deliveries whose try is overdue by ``grace`` (a lost message, a broker outage at
    emit time, the in-process mode that schedules no retries); returns how many were queued."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        next_attempt_at__lte=now - grace
    ) | WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__isnull=True, created_at__lte=now - grace
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    enqueue(ids)
    return len(ids)
