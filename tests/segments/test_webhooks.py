"""``segment.entered`` and ``segment.left`` (docs/webhooks.md): sent after a day's evaluation to a real
receiver on 127.0.0.1, signed, retried after a 500, and not sent again when the day is evaluated again."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adoption.portfolio.inputs import owners_on
from adoption.portfolio.segments import emit_changes, evaluate_day, evaluate_segments
from tests.webhooks.conftest import Answer, make_endpoint
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import attempt_delivery
from webhooks.signing import verify_signature

from .conftest import day, set_utilisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]
SITE = "https://attain.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def evaluate(on):
        with django_capture_on_commit_callbacks(execute=True):
            return evaluate_day(on)

    return evaluate


def send(queued_ids: list[int]) -> None:
    for delivery_id in queued_ids:
        attempt_delivery(delivery_id=delivery_id)


def test_entries_and_exits_reach_the_receiver_signed_with_the_segment_day_and_customers(
    receiver, queued, run, customers, low
):
    make_endpoint(receiver.url, "segment.entered", "segment.left")
    set_utilisation(customers.c1, day(0), 50)
    set_utilisation(customers.c3, day(0), 10)
    set_utilisation(customers.c4, day(0), 10)  # nobody owns it: no CSM

    done = run(day(0))
    send(queued)

    assert done.deliveries == 1  # entries only: nobody left
    (got,) = receiver.received
    secret = WebhookEndpoint.objects.get().secret
    assert verify_signature(secret, got.headers["attain-signature"], got.body)
    assert got.headers["x-attain-event"] == "segment.entered"
    body = json.loads(got.body)
    assert body["event"] == "segment.entered"
    assert body["data"] == {
        "segment": {"code": "low_util", "name": "Low utilisation"},
        "day": "2026-06-01",
        "count": 3,
        "customers": [
            {"customer_id": "C1", "name": "Acme", "csm_employee_id": "E-ANN"},
            {"customer_id": "C3", "name": "Initech", "csm_employee_id": "E-EVE"},
            {"customer_id": "C4", "name": "Nobody's", "csm_employee_id": None},
        ],
        "link": f"{SITE}/segments/low_util/",
    }

    set_utilisation(customers.c1, day(1), 90)  # C1 recovers and leaves; C3 and C4 have no usage
    set_utilisation(customers.c2, day(1), 20)  # C2 enters
    queued.clear()
    run(day(1))
    send(queued)

    by_event = {json.loads(r.body)["event"]: json.loads(r.body)["data"] for r in receiver.received[1:]}
    assert [c["customer_id"] for c in by_event["segment.entered"]["customers"]] == ["C2"]
    assert [c["customer_id"] for c in by_event["segment.left"]["customers"]] == ["C1", "C3", "C4"]
    assert by_event["segment.left"]["day"] == "2026-06-02"


def test_a_500_is_retried_and_then_delivered(receiver, queued, run, customers, low):
    receiver.answer(Answer(500, body=b"busy"), Answer(200))
    make_endpoint(receiver.url, "segment.entered")
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    (delivery_id,) = queued

    first = attempt_delivery(delivery_id=delivery_id)
    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())  # no waiting
    second = attempt_delivery(delivery_id=delivery_id)

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (first.status, first.retry_in) == ("pending", 1.0)
    assert second.status == "delivered"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body  # the same event, signed afresh
    assert (
        receiver.received[0].headers["x-attain-delivery"] == receiver.received[1].headers["x-attain-delivery"]
    )


def test_evaluating_the_day_again_records_and_sends_nothing_new(receiver, queued, run, customers, low):
    make_endpoint(receiver.url, "segment.entered", "segment.left")
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    send(queued)

    again = run(day(0))

    assert again.deliveries == 0
    assert WebhookDelivery.objects.count() == 1
    assert len(queued) == 1 and len(receiver.received) == 1


def test_an_endpoint_not_subscribed_to_segments_gets_nothing(queued, run, customers, low):
    make_endpoint("https://hooks.example.com/attain", "quarter.closed")
    set_utilisation(customers.c1, day(0), 50)

    assert run(day(0)).deliveries == 0
    assert not WebhookDelivery.objects.exists()


def test_without_a_subscribed_endpoint_no_changed_customer_is_read_for_the_webhooks(queued, customers, low):
    make_endpoint("https://hooks.example.com/attain", "quarter.closed")
    set_utilisation(customers.c1, day(0), 50)
    evaluation = evaluate_segments(day(0))

    with CaptureQueriesContext(connection) as queries:
        assert emit_changes(evaluation, owners_on(day(0))) == 0

    assert evaluation.changed and not WebhookDelivery.objects.exists()
    assert not [q for q in queries.captured_queries if "segmentmembership" in q["sql"]]
