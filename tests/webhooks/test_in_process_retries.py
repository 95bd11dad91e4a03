"""Under ``make run`` (no ``REDIS_URL``: Celery runs tasks in-process, no beat) a delivery that asks for
another try gets it when it is due, without ``send_due_webhooks`` (docs/webhooks.md "Retries and the log"):
the process's retry thread (``webhooks.in_process``) makes it. With a broker the task queues the retry
with a countdown instead (tests/webhooks/test_delivery_on_a_worker.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from webhooks import in_process
from webhooks.models import Event, WebhookDelivery
from webhooks.services import emit
from webhooks.signing import verify_signature

from .conftest import Answer, make_endpoint

pytestmark = [
    pytest.mark.skipif(bool(settings.REDIS_URL), reason="the in-process mode is the one without REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _thread_ends():
    """No retry thread outlives its test (it ends once nothing is pending)."""
    yield
    assert in_process.wait_idle(15), "the retry thread still runs"


def test_make_run_tasks_run_in_process_without_a_beat():
    assert settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL


def test_a_500_is_tried_again_when_due_without_the_sweep(receiver, webhook_settings):
    receiver.answer(Answer(500, body=b"busy"), Answer(200))
    endpoint = make_endpoint(receiver.url, Event.QUARTER_CLOSED)

    with transaction.atomic():
        (delivery,) = emit(Event.QUARTER_CLOSED, {"period": "FY22-Q2"})
    delivery.refresh_from_db()
    first_try = (delivery.status, delivery.attempts, delivery.last_status_code)
    assert in_process.wait_idle(15)

    assert first_try == ("pending", 1, 500)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    first, second = receiver.received
    assert first.body == second.body
    assert all(
        verify_signature(endpoint.secret, r.headers["attain-signature"], r.body) for r in receiver.received
    )


def test_the_tries_stop_at_the_last_attempt_and_the_thread_with_them(receiver, webhook_settings):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answer(Answer(503))
    make_endpoint(receiver.url, Event.RUN_FINISHED)

    with transaction.atomic():
        (delivery,) = emit(Event.RUN_FINISHED, {"run_id": 1})
    assert in_process.wait_idle(15)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 3)
    assert delivery.last_error.startswith("Gave up after 3 attempts.")
    assert len(receiver.received) == 3


def test_retry_after_is_honoured_in_process(receiver, webhook_settings):
    receiver.answer(Answer(429, headers={"Retry-After": "2"}), Answer(204))
    make_endpoint(receiver.url, Event.RUN_FINISHED)

    with transaction.atomic():
        (delivery,) = emit(Event.RUN_FINISHED, {"run_id": 2})
    delivery.refresh_from_db()
    due = delivery.next_attempt_at
    assert in_process.wait_idle(15)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.delivered_at >= due  # not before the receiver asked
