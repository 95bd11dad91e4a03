"""Retries of webhook deliveries when Celery runs tasks in-process (``REDIS_URL`` unset: ``make run``).

With a broker, a try that asks for another queues it with a countdown (``tasks.send_webhook``) and the
beat schedule's ``send_due_webhooks`` sweeps what was lost. In-process there is neither a delayed message
nor a beat, so one daemon thread per process takes their place (docs/webhooks.md "Retries and the log"):
started by the first try that asks for another, it sleeps until the earliest pending delivery is due,
makes the due tries (``services.send_due`` with no grace, each try through the same task), and ends
when no delivery is pending. Deliveries left pending by a process that stopped are tried when the
thread next runs in any process, or by ``manage.py send_due_webhooks``.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import connections
from django.db.models import Min
from django.utils import timezone

from .models import WebhookDelivery

logger = logging.getLogger(__name__)

POLL = 30.0  # seconds: the longest sleep, so a delivery due sooner (a resend, a new one) is not missed

_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None


def retry_later() -> None:
    """Make sure this process's retry thread runs (start it, or wake it to look again)."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            _wake.set()
            return
        _wake.clear()
        _thread = threading.Thread(target=_run, name="webhook-retries", daemon=True)
        _thread.start()


def wait_idle(timeout: float) -> bool:
    """Wait for the retry thread to end (nothing pending); True when it has. For tests and shutdown."""
    thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _next_due() -> float | None:
    """Seconds until the earliest pending delivery is due (0 when one is due now); None when none is."""
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    if not pending.exists():
        return None
    earliest = pending.aggregate(at=Min("next_attempt_at"))["at"]
    if earliest is None or pending.filter(next_attempt_at__isnull=True).exists():
        return 0.0
    return max((earliest - timezone.now()).total_seconds(), 0.0)


def _run() -> None:
    global _thread
    from . import services

    try:
        while True:
            wait = _next_due()
            if wait is None:
                with _lock:
                    if not _wake.is_set():  # nobody asked for a look since: done
                        _thread = None
                        return
                    _wake.clear()
                continue
            if wait > 0:
                _wake.wait(min(wait, POLL))
                _wake.clear()
                continue
            if services.send_due(grace=timedelta(0)) == 0:
                # Due but not taken (a try in flight holds its lease): look again shortly.
                _wake.wait(1.0)
                _wake.clear()
    except Exception:  # a dead thread must say why; the next try that asks for a retry starts another
        logger.exception("the in-process webhook retry thread stopped")
        with _lock:
            _thread = None
    finally:
        connections.close_all()
