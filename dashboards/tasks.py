"""Background work of the dashboards: warming the projection cache (dashboards/warm.py), keeping the
inputs stamp's log short (dashboards/stamp.py), and publishing a closed quarter's statements
(dashboards/publication.py)."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

# What a later try can cure: the database or the mail server out of reach for a while. A refused address
# or a bad configuration is not retried (publication.py logs the one, the other fails the task).
TRANSIENT = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


@shared_task(ignore_result=True)
def warm_projections(period_code: str | None = None) -> dict:
    """Project the tracked quarter (or ``period_code``) for the whole company and cache every page's part."""
    from commissions.services.periods import get_period

    from .projection import current_period
    from .warm import warm

    period = get_period(period_code) if period_code else current_period()
    return warm(period)


@shared_task
def compact_input_log() -> int:
    """Daily: keep only the newest row of the inputs stamp's log (one row per writing transaction)."""
    from .stamp import compact

    return compact()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, max_retries=5)
def publish_statements(period_code: str) -> int:
    """E-mail each CSM paid by the closed quarter ``period_code`` that their statements are published
    (queued by the close listener, on commit). Idempotent per close: returns the e-mails sent now."""
    from .publication import publish_statements as publish

    return publish(period_code=period_code).sent
