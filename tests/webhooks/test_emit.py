"""``emit`` (docs/webhooks.md "Events"): one delivery per active endpoint subscribed to the event, queued
only once the transaction commits."""

import uuid

import pytest
from django.db import transaction

from webhooks.models import Event, WebhookDelivery
from webhooks.services import emit

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


def test_emit_creates_a_delivery_for_each_active_subscribed_endpoint_only(queued):
    closes = make_endpoint("https://a.example.com/hook", Event.QUARTER_CLOSED)
    everything = make_endpoint("https://b.example.com/hook")
    make_endpoint("https://c.example.com/hook", Event.RUN_FINISHED)  # not subscribed
    make_endpoint("https://d.example.com/hook", Event.QUARTER_CLOSED, active=False)

    created = emit(Event.QUARTER_CLOSED, {"period": "FY22-Q2"})

    assert sorted(d.endpoint_id for d in created) == [closes.pk, everything.pk]
    assert WebhookDelivery.objects.count() == 2
    payload = created[0].payload
    assert payload["event"] == "quarter.closed" and payload["data"] == {"period": "FY22-Q2"}
    assert uuid.UUID(payload["id"]) == created[0].event_id == created[1].event_id
    assert payload["occurred_at"].endswith("+00:00")
    assert {d.status for d in created} == {WebhookDelivery.Status.PENDING}


def test_sends_are_queued_only_once_the_transaction_commits(queued, django_capture_on_commit_callbacks):
    make_endpoint("https://a.example.com/hook")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        created = emit(Event.RUN_FINISHED, {"run_id": 1})
        assert queued == []  # not before the commit

    assert len(callbacks) == 1
    assert queued == [created[0].pk]


def test_a_rolled_back_transaction_sends_nothing_and_keeps_no_delivery(
    queued, django_capture_on_commit_callbacks
):
    make_endpoint("https://a.example.com/hook")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(Event.RUN_FINISHED, {"run_id": 1})
        raise RuntimeError("the change failed")

    assert callbacks == [] and queued == []
    assert not WebhookDelivery.objects.exists()


def test_no_endpoint_no_delivery_and_the_payload_is_never_built(queued):
    built = []

    assert emit(Event.RUN_FINISHED, lambda: built.append(1) or {}) == []
    assert built == [] and not WebhookDelivery.objects.exists()


def test_the_same_key_is_one_event_an_endpoint_receives_once(queued):
    make_endpoint("https://a.example.com/hook")

    first = emit(Event.STATEMENT_PUBLISHED, {"period": "FY22-Q2"}, key="close:7")
    again = emit(Event.STATEMENT_PUBLISHED, {"period": "FY22-Q2"}, key="close:7")
    other = emit(Event.STATEMENT_PUBLISHED, {"period": "FY22-Q2"}, key="close:8")

    assert len(first) == 1 and again == [] and len(other) == 1
    assert first[0].event_id != other[0].event_id


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError):
        emit("quarter.exploded", {})
