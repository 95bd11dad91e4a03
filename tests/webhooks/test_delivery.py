"""Sending a delivery to a real HTTP receiver on 127.0.0.1 (docs/webhooks.md "Retries and the log"):
signed, retried with backoff on connection errors, timeouts, 5xx, 408 and 429, failed at once on other
answers, never sent again once delivered."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.services import attempt_delivery, emit
from webhooks.signing import verify_signature

from .conftest import Answer, make_endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]


def a_delivery(url: str) -> WebhookDelivery:
    endpoint = make_endpoint(url, Event.QUARTER_CLOSED)
    (delivery,) = emit(Event.QUARTER_CLOSED, {"period": "FY22-Q2", "final_runs": []})
    assert delivery.endpoint == endpoint
    return delivery


def due_now(delivery: WebhookDelivery) -> None:
    """Bring the next try forward: the tests do not wait out the backoff."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_the_receiver_gets_a_signed_body_it_verifies(receiver, queued):
    delivery = a_delivery(receiver.url)

    attempt = attempt_delivery(delivery_id=delivery.pk)

    (got,) = receiver.received
    secret = WebhookEndpoint.objects.get().secret
    assert verify_signature(secret, got.headers["attain-signature"], got.body)
    assert not verify_signature("whsec_wrong", got.headers["attain-signature"], got.body)
    assert got.headers["x-attain-event"] == "quarter.closed"
    assert got.headers["x-attain-delivery"] == str(delivery.pk)
    assert got.headers["content-type"] == "application/json"
    assert json.loads(got.body) == delivery.payload
    delivery.refresh_from_db()
    assert (attempt.status, attempt.retry_in) == ("delivered", None)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None


def test_500_twice_then_200_is_three_attempts_logged_and_delivered(receiver, queued):
    receiver.answer(Answer(500, body=b"database down"), Answer(502), Answer(200))
    delivery = a_delivery(receiver.url)

    first = attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (first.status, first.retry_in) == ("pending", 1.0)  # WEBHOOK_RETRY_BASE
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        1,
        500,
        "HTTP 500: database down",
    )
    assert attempt_delivery(delivery_id=delivery.pk).sent is False  # not due yet: nothing sent

    due_now(delivery)
    second = attempt_delivery(delivery_id=delivery.pk)
    assert (second.status, second.retry_in) == ("pending", 2.0)  # doubled
    due_now(delivery)
    third = attempt_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert third.status == "delivered" and len(receiver.received) == 3
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        3,
        200,
        "",
    )
    # The same delivery each time: the receiver dedupes by its id.
    assert {r.headers["x-attain-delivery"] for r in receiver.received} == {str(delivery.pk)}


def test_a_delivered_delivery_is_never_sent_again(receiver, queued):
    delivery = a_delivery(receiver.url)
    attempt_delivery(delivery_id=delivery.pk)
    due_now(delivery)

    again = attempt_delivery(delivery_id=delivery.pk)

    assert (again.status, again.sent) == ("delivered", False)
    assert len(receiver.received) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_a_4xx_fails_at_once_without_retry(receiver, queued, status):
    receiver.answer(Answer(status, body=b"no such hook"))
    delivery = a_delivery(receiver.url)

    attempt = attempt_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (attempt.status, attempt.retry_in) == ("failed", None)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, status)
    assert delivery.last_error == f"HTTP {status}: no such hook"
    due_now(delivery)
    assert attempt_delivery(delivery_id=delivery.pk).sent is False and len(receiver.received) == 1


@pytest.mark.parametrize("status", [408, 429, 503])
def test_408_429_and_5xx_are_tried_again_honouring_retry_after(receiver, queued, status):
    receiver.answer(Answer(status, headers={"Retry-After": "7"}), Answer(200))
    delivery = a_delivery(receiver.url)

    attempt = attempt_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (attempt.status, attempt.retry_in) == ("pending", 7.0)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=5)


def test_a_redirect_is_not_followed_and_fails(receiver, queued):
    receiver.answer(Answer(302, headers={"Location": "http://127.0.0.1:1/elsewhere"}))
    delivery = a_delivery(receiver.url)

    attempt = attempt_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert attempt.status == "failed" and delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error and len(receiver.received) == 1


def test_a_timeout_is_tried_again(receiver, queued):
    receiver.answer(Answer(200, delay=2.5), Answer(200))  # WEBHOOK_TIMEOUT is 1 s here
    delivery = a_delivery(receiver.url)

    first = attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert first.status == "pending" and first.retry_in == 1.0
    assert delivery.last_status_code is None and "Timeout" in delivery.last_error

    due_now(delivery)
    assert attempt_delivery(delivery_id=delivery.pk).status == "delivered"
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_refused_connection_is_tried_again_until_the_last_attempt_fails_it(receiver, queued):
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()  # nobody listens on the port now
    delivery = a_delivery(url)

    statuses = []
    for _ in range(4):  # WEBHOOK_MAX_ATTEMPTS
        statuses.append(attempt_delivery(delivery_id=delivery.pk).status)
        due_now(delivery)

    delivery.refresh_from_db()
    assert statuses == ["pending", "pending", "pending", "failed"]
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    assert delivery.last_error.startswith("Gave up after 4 attempts. ConnectionError")


def test_a_long_answer_is_kept_as_an_excerpt(receiver, queued):
    receiver.answer(Answer(400, body=b"x" * 5000))
    delivery = a_delivery(receiver.url)

    attempt_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert len(delivery.last_error) == 500


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "file:///etc/passwd", "gopher://example.com/"])
def test_only_http_and_https_urls_are_accepted(url):
    endpoint = WebhookEndpoint(url=url, events=[Event.QUARTER_CLOSED])

    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert "url" in refused.value.message_dict


def test_the_database_refuses_a_non_http_url_saved_without_validation():
    with pytest.raises(IntegrityError):
        WebhookEndpoint.objects.create(url="file:///etc/passwd", events=[Event.QUARTER_CLOSED])


def test_unknown_or_no_events_are_refused():
    with pytest.raises(ValidationError):
        WebhookEndpoint(url="https://a.example.com/", events=["quarter.exploded"]).full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint(url="https://a.example.com/", events=[]).full_clean()


def test_the_secret_is_made_by_the_server_and_differs_per_endpoint():
    one = make_endpoint("https://a.example.com/")
    two = make_endpoint("https://b.example.com/")

    assert one.secret.startswith("whsec_") and len(one.secret) == 6 + 64
    assert one.secret != two.secret


def test_the_sweep_sends_what_is_due_and_leaves_the_rest(receiver, queued, monkeypatch):
    from django.core.management import call_command

    from webhooks import services

    due = a_delivery(receiver.url)
    (later,) = emit(Event.QUARTER_CLOSED, {"period": "FY22-Q3", "final_runs": []})
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    monkeypatch.setattr(services, "enqueue", lambda ids: [attempt_delivery(delivery_id=i) for i in ids])

    call_command("send_due_webhooks")

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("delivered", "pending")
    assert len(receiver.received) == 1
