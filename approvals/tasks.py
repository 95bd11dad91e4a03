"""Celery tasks of the workflow: thin, idempotent, retried on mail-server errors."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .notifications import message, recipients

MODELS = {"request": "Request", "inquiry": "Inquiry"}


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError), retry_backoff=30, max_retries=5)
def send_notification(model: str, pk: int, event: str, step_id: int | None = None) -> int:
    """Send the e-mails of ``event`` on a request or an inquiry; returns the number of recipients.

    ``step_id``: the RequestStep the event recorded, so a late delivery still speaks of that step.
    """
    from . import models

    obj = getattr(models, MODELS[model]).objects.filter(pk=pk).first()
    if obj is None:
        return 0
    step = models.RequestStep.objects.filter(pk=step_id, request_id=pk).first() if step_id else None
    to = recipients(obj, event, step)
    if not to:
        return 0
    subject, body = message(obj, event, step)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return len(to)
