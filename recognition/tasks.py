"""Celery tasks of recognition (docs/design.md §11.5): thin over the services, ids not objects."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Nudge
from .services.nudges import email_of, mark_emailed, previous_month, send_nudges


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError), retry_backoff=30, max_retries=5)
def send_nudge_email(nudge_id: int) -> bool:
    """Send one nudge's e-mail unless it went out already; True when sent now."""
    nudge = Nudge.objects.select_related("config", "employee").filter(pk=nudge_id).first()
    if nudge is None or nudge.emailed_at is not None:
        return False
    subject, body = email_of(nudge)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [nudge.employee.email])
    return mark_emailed(nudge)


@shared_task
def month_end_nudges() -> int:
    """The 1st's job: nudge the bottom 5% of the month just ended; returns how many were nudged (0 on a
    rerun). A config whose metric cannot be read is logged and skipped, the others nudge
    (``send_nudges``)."""
    return send_nudges(previous_month(timezone.localdate())).sent
