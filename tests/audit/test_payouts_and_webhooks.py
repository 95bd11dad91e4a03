"""Payout sign-offs, holds, corrections and webhook endpoints are in the audit trail (docs/audit.md): the
object filter lists them, and /audit/ and its CSV say who signed off, held, released, recorded, applied,
added an endpoint, replaced its secret or resent a delivery, and when — on PostgreSQL from the row events,
on SQLite from the rows' own who/when. A webhook secret is never in the trail: that it was replaced is."""

import csv
import io

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.models import WebhookEndpointEvent
from commissions.models import Correction, Hold, PayoutSignOff
from core.history import history_context
from tests.builders import make_user
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.services import emit

from .conftest import ON_POSTGRES, postgres_only

pytestmark = pytest.mark.django_db
URL = "/audit/"


def trail(client, object_type: str, **params) -> list[dict[str, str]]:
    """The CSV export of the trail narrowed to ``object_type``, as dicts keyed by the header."""
    response = client.get(URL, {"object_type": object_type, "format": "csv", **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def who_did(rows: list[dict[str, str]]) -> list[str]:
    return [row["who"] for row in rows]


def test_the_object_filter_lists_sign_offs_holds_corrections_and_webhooks(client, ops):
    client.force_login(ops)

    choices = dict(client.get(URL).context["form"].fields["object_type"].choices)

    assert {
        "signoff": "Payout sign-off",
        "hold": "Payout hold",
        "correction": "Correction",
        "webhook_endpoint": "Webhook endpoint",
        "webhook_resend": "Webhook delivery resent",
    }.items() <= choices.items()


def test_who_signed_off_and_who_revoked_it_is_in_the_trail(client, ops, finance, period):
    with history_context(user=finance.pk):
        sign_off = PayoutSignOff.objects.create(
            period=period, signed_by=finance, comment="Checked.", totals={"CSM-FY22": {"USD": "2333.33"}}
        )
    with history_context(user=ops.pk):
        PayoutSignOff.objects.filter(pk=sign_off.pk).update(
            revoked_at=timezone.now(), revoked_by=ops, revoke_reason="Re-opened for a late deal"
        )
    client.force_login(ops)

    rows = trail(client, "signoff")

    assert who_did(rows) == [ops.email, finance.email]  # newest first
    assert {row["object type"] for row in rows} == {"Payout sign-off"}
    assert {row["object"] for row in rows} == {period.code}
    assert "2333.33" in rows[1]["changes"]
    if not ON_POSTGRES:
        assert [row["action"] for row in rows] == ["sign-off revoked", "signed off"]
        assert rows[0]["note"] == "Re-opened for a late deal"
    else:
        assert "revoke_reason: — → Re-opened for a late deal" in rows[0]["changes"]


def test_who_held_and_who_released_a_payout_is_in_the_trail(client, ops, finance, csm, plan, period):
    with history_context(user=ops.pk):
        hold = Hold.objects.create(
            period=period, employee=csm, plan=plan, reason="Contract dispute", held_by=ops
        )
    with history_context(user=finance.pk):
        Hold.objects.filter(pk=hold.pk).update(
            released_at=timezone.now(), released_by=finance, release_reason="Settled"
        )
    client.force_login(finance)

    rows = trail(client, "hold")

    assert who_did(rows) == [finance.email, ops.email]
    assert all(csm.email in row["object"] and plan.code in row["object"] for row in rows)
    if not ON_POSTGRES:
        assert [row["action"] for row in rows] == ["released", "held"]
        assert [row["note"] for row in rows] == ["Settled", "Contract dispute"]
    else:
        assert f"released_by: — → {finance.email}" in rows[0]["changes"]
    assert who_did(trail(client, "hold", person="finance@")) == [finance.email]


def test_who_recorded_and_who_applied_a_correction_is_in_the_trail(client, ops, period):
    applier = make_user(Role.OPS, email="second.ops@example.com")
    with history_context(user=ops.pk):
        correction = Correction.objects.create(
            period=period, kind="kpi", rows=[], reason="KPI file was late", cause="Late KPI", recorded_by=ops
        )
    with history_context(user=applier.pk):
        Correction.objects.filter(pk=correction.pk).update(
            status="applied", applied_by=applier, applied_at=timezone.now()
        )
    client.force_login(ops)

    rows = trail(client, "correction")

    assert who_did(rows) == [applier.email, ops.email]
    assert all("Late KPI" in row["object"] and period.code in row["object"] for row in rows)
    assert "applied" in rows[0]["changes"]


def test_endpoint_changes_are_in_the_trail_and_a_secret_never_is(client, ops):
    client.force_login(ops)
    client.post(
        "/console/webhooks/endpoints/new/",
        {"url": "https://hooks.example.com/attain", "events": [Event.QUARTER_CLOSED], "is_active": "on"},
    )
    endpoint = WebhookEndpoint.objects.get()
    first = endpoint.secret
    client.post(f"/console/webhooks/endpoints/{endpoint.pk}/rotate-secret/")
    endpoint.refresh_from_db()

    rows = trail(client, "webhook_endpoint")
    everything = client.get(URL, {"format": "csv"})
    text = b"".join(everything.streaming_content).decode()

    assert len(rows) == 2 and who_did(rows) == [ops.email, ops.email]
    assert {row["object"] for row in rows} == {"https://hooks.example.com/attain"}
    assert "secret_rotated_at" in rows[0]["changes"] or rows[0]["action"] == "secret replaced"
    assert first not in text and endpoint.secret not in text and "whsec_" not in text


def test_a_resent_delivery_is_in_the_trail_with_who(client, ops, monkeypatch):
    from webhooks import services

    monkeypatch.setattr(services, "enqueue", lambda ids: None)
    WebhookEndpoint.objects.create(url="https://hooks.example.com/attain", events=[Event.RUN_FINISHED])
    (delivery,) = emit(Event.RUN_FINISHED, {"run_id": 1})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8)
    client.force_login(ops)

    client.post(f"/console/webhooks/{delivery.pk}/resend/")
    rows = trail(client, "webhook_resend")

    assert [(row["who"], row["object id"], row["action"]) for row in rows] == [
        (ops.email, str(delivery.pk), "resent")
    ]
    assert rows[0]["object"] == "run.finished → https://hooks.example.com/attain"
    assert "status: failed → pending" in rows[0]["changes"]


def test_the_endpoint_event_table_has_no_column_for_the_secret():
    assert "secret" not in {field.name for field in WebhookEndpointEvent._meta.fields}


@postgres_only
def test_replacing_a_secret_is_an_event_without_the_secret(ops):
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.com/attain", events=["run.finished"])
    from webhooks.endpoints import rotate_secret

    with history_context(user=ops.pk):
        rotate_secret(endpoint=endpoint, user=ops)

    events = list(WebhookEndpointEvent.objects.filter(pgh_obj_id=endpoint.pk).order_by("pgh_id"))
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events[1].secret_rotated_by_id == ops.pk and events[1].secret_rotated_at is not None
