"""A webhook delivered by a real Celery worker process over Redis to the local receiver, retried once on a
500 after the backoff, with PostgreSQL the only shared state (docs/webhooks.md "Retries and the log").
CI runs it (DATABASE_URL and REDIS_URL set); on the SQLite default it is skipped."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from tests.imports_pages.test_import_job_on_a_worker import worker  # noqa: F401 - the fixture
from tests.quarter.test_sharded_runs_on_workers import wait_for
from webhooks.models import Event, WebhookDelivery
from webhooks.services import emit
from webhooks.signing import verify_signature

from .conftest import Answer, make_endpoint

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _short_backoff(monkeypatch):
    """The worker process reads these from its environment (config/settings.py): a try 1 s after a 500."""
    monkeypatch.setenv("WEBHOOK_RETRY_BASE", "1")
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "5")


def test_a_real_worker_delivers_a_signed_webhook_after_a_500(receiver, worker):  # noqa: F811
    receiver.answer(Answer(500, body=b"busy"), Answer(200))
    endpoint = make_endpoint(receiver.url, Event.QUARTER_CLOSED)

    with transaction.atomic():
        (delivery,) = emit(Event.QUARTER_CLOSED, {"period": "FY22-Q2", "final_runs": []})

    def status() -> str:
        return WebhookDelivery.objects.values_list("status", flat=True).get(pk=delivery.pk)

    wait_for(lambda: status() == WebhookDelivery.Status.DELIVERED, 60, "the delivery", worker)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, 200, "")
    first, second = receiver.received
    assert first.body == second.body
    assert all(
        verify_signature(endpoint.secret, r.headers["attain-signature"], r.body) for r in (first, second)
    )
    assert {r.headers["x-attain-delivery"] for r in (first, second)} == {str(delivery.pk)}
    assert worker.read_text().count("webhooks.tasks.send_webhook") >= 2
