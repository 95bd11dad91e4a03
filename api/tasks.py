"""Celery tasks of the API: housekeeping only."""

from celery import shared_task

from . import idempotency


@shared_task
def purge_idempotency_keys() -> int:
    """Hourly: forget the Idempotency-Keys older than their 24 hours (api/idempotency.py)."""
    return idempotency.purge_expired()
