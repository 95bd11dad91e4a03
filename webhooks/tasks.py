"""Celery tasks of webhooks: take ids, call one service (docs/webhooks.md "Retries and the log")."""

from __future__ import annotations

from celery import shared_task

from . import in_process, services


@shared_task(bind=True, acks_late=True)
def send_webhook(self, delivery_id: int) -> str:
    """One try of a delivery; the next try, when one is asked for, is a new message with a countdown.

    The count of tries lives on the delivery, not in Celery, so a resend or a redelivered message never
    sends more than ``WEBHOOK_MAX_ATTEMPTS`` tries. In-process (no broker: a countdown would run at once)
    the process's retry thread makes the next try when it is due (``webhooks.in_process``).
    """
    attempt = services.attempt_delivery(delivery_id=delivery_id)
    if attempt.retry_in is None:
        return attempt.status
    if self.request.is_eager or self.app.conf.task_always_eager:
        in_process.retry_later()
    else:
        send_webhook.apply_async((delivery_id,), countdown=attempt.retry_in)
    return attempt.status


@shared_task
def send_due_webhooks() -> int:
    """Queue overdue pending deliveries (``services.send_due``); the beat schedule runs it."""
    return services.send_due()
