"""Endpoints are configured in the Django admin (docs/webhooks.md "Configuring an endpoint"): the secret is
made by Attain, shown on the endpoint's page and never typed in; deliveries are a read-only log there."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.builders import make_user
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.services import emit

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    person = make_user(Role.ADMIN)
    client.force_login(person)
    return person


def test_an_admin_adds_an_endpoint_and_attain_makes_its_secret(client, admin):
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "url": "https://hooks.example.com/attain",
            "description": "Payroll bridge",
            "events": [Event.QUARTER_CLOSED, Event.PAYOUTS_SIGNED_OFF],
            "is_active": "on",
            "secret": "whsec_typed_in",  # not a field of the form: ignored
        },
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["quarter.closed", "payouts.signed_off"]
    assert endpoint.created_by == admin
    assert endpoint.secret.startswith("whsec_") and endpoint.secret != "whsec_typed_in"
    page = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret.encode() in page.content


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/attain", "file:///etc/passwd"])
def test_the_admin_refuses_a_url_that_is_not_http(client, admin, url):
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": url, "events": [Event.QUARTER_CLOSED], "is_active": "on"},
    )

    assert response.status_code == 200 and "url" in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()


def test_rotating_a_secret_makes_a_new_one(client, admin):
    endpoint = make_endpoint("https://hooks.example.com/attain")
    before = endpoint.secret

    client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != before and endpoint.secret.startswith("whsec_")


def test_deliveries_are_read_only_in_the_admin(client, admin, queued):
    make_endpoint("https://hooks.example.com/attain")
    (delivery,) = emit(Event.RUN_FINISHED, {"run_id": 1})

    assert client.get(reverse("admin:webhooks_webhookdelivery_changelist")).status_code == 200
    assert client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403
    client.post(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]), {"status": "delivered"})
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
