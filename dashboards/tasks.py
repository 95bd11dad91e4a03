"""Background work of the dashboards: warming the projection cache (dashboards/warm.py), keeping the
inputs stamp's log short (dashboards/stamp.py), publishing a closed quarter's statements
(dashboards/publication.py), and building a quarter's ZIP of statements (dashboards/archives.py)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from core.jobs import TRANSIENT_DB_ERRORS, run_step

# What a later try can cure: the database or the mail server out of reach for a while. A refused address
# or a bad configuration is not retried (publication.py logs the one, the other fails the task).
TRANSIENT = (
    *TRANSIENT_DB_ERRORS,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)
# What a later try of an archive's build can cure: the database out of reach for a while.
DATABASE_TRANSIENT = TRANSIENT_DB_ERRORS

logger = logging.getLogger(__name__)


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


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=DATABASE_TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def build_statement_archive(self, archive_id: int) -> str:
    """Build the ZIP of every statement of archive ``archive_id`` (dashboards/archives.py); returns the
    archive's status. Safe to deliver twice: the second delivery finds the ZIP built.

    A transient database error is retried; on the last try, and on any other crash, the archive is marked
    failed (never left building). Eagerly (no broker) the crash is not raised into the page's request: the
    archive page shows the failure.
    """
    from . import archives

    return run_step(
        self,
        run=lambda: archives.build_statement_archive(archive_id=archive_id).status,
        fail=lambda reason: archives.fail_statement_archive(archive_id=archive_id, reason=reason),
        what=f"statement archive {archive_id}",
    )


@shared_task
def sweep_statement_archives() -> dict[str, int]:
    """Hourly: fail the statement archives no worker finished; clear the bytes of old or stale ones."""
    from . import archives

    return archives.sweep_statement_archives()
