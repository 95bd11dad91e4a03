"""Ops configures webhook endpoints on the console (/console/webhooks/endpoints/, docs/webhooks.md
"Configuring an endpoint"): lists, adds, edits and deactivates them and replaces a secret, which is shown
once; only http(s) URLs are taken; ``access.may_manage_webhooks`` decides who may (403 else)."""

import pytest
from django.test import Client

from accounts.models import Role
from tests.builders import make_user
from webhooks.models import Event, WebhookEndpoint

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db
LIST = "/console/webhooks/endpoints/"
NEW = "/console/webhooks/endpoints/new/"


@pytest.fixture
def ops(client):
    person = make_user(Role.OPS, email="olive.ops@example.com")
    client.force_login(person)
    return person


def test_ops_adds_an_endpoint_and_sees_its_secret_once(client, ops):
    response = client.post(
        NEW,
        {
            "url": "https://hooks.example.com/attain",
            "description": "Payroll bridge",
            "events": [Event.QUARTER_CLOSED, Event.PAYOUTS_SIGNED_OFF],
            "is_active": "on",
            "secret": "whsec_typed_in",  # not a field: ignored
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert endpoint.secret.startswith("whsec_") and endpoint.secret.encode() in response.content
    assert (endpoint.url, endpoint.events, endpoint.is_active, endpoint.created_by) == (
        "https://hooks.example.com/attain",
        ["quarter.closed", "payouts.signed_off"],
        True,
        ops,
    )
    listing = client.get(LIST)
    edit = client.get(f"{LIST}{endpoint.pk}/")
    assert [e.pk for e in listing.context["endpoints"]] == [endpoint.pk]
    assert b"https://hooks.example.com/attain" in listing.content
    assert endpoint.secret.encode() not in listing.content + edit.content


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://hooks.example.com/attain", "not ftp://"),
        ("file:///etc/passwd", "not file://"),
        ("javascript:alert(1)", "starting with https://"),
        ("hooks.example.com/attain", "starting with https://"),
        ("https://exa mple.com/hook", "Enter a valid URL"),
    ],
)
def test_a_url_that_is_not_http_or_https_is_refused_with_a_clear_error(client, ops, url, says):
    response = client.post(NEW, {"url": url, "events": [Event.RUN_FINISHED], "is_active": "on"})

    assert response.status_code == 400
    assert says in " ".join(response.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_an_event(client, ops):
    response = client.post(NEW, {"url": "https://hooks.example.com/attain", "is_active": "on"})

    assert (
        response.status_code == 400
        and "Choose at least one event." in response.context["form"].errors["events"]
    )


def test_ops_edits_the_url_events_and_active_and_the_secret_stays(client, ops):
    endpoint = make_endpoint("https://old.example.com/hook", Event.RUN_FINISHED)
    secret = endpoint.secret

    response = client.post(
        f"{LIST}{endpoint.pk}/",
        {"url": "http://new.example.com/hook", "events": [Event.REQUEST_DECIDED], "description": "CRM"},
    )

    assert response.status_code == 302 and response.url == LIST
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.description, endpoint.is_active, endpoint.secret) == (
        "http://new.example.com/hook",
        ["request.decided"],
        "CRM",
        False,  # the box unticked
        secret,
    )


def test_an_edit_to_a_bad_url_changes_nothing(client, ops):
    endpoint = make_endpoint("https://old.example.com/hook", Event.RUN_FINISHED)

    response = client.post(
        f"{LIST}{endpoint.pk}/", {"url": "ftp://x.example.com/", "events": ["run.finished"]}
    )

    assert response.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.url == "https://old.example.com/hook"


def test_ops_deactivates_an_endpoint(client, ops):
    endpoint = make_endpoint("https://hooks.example.com/attain")

    response = client.post(f"{LIST}{endpoint.pk}/deactivate/")

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert b'data-active="no"' in client.get(LIST).content


def test_a_new_secret_is_shown_once_and_who_made_it_when_is_kept(client, ops):
    endpoint = make_endpoint("https://hooks.example.com/attain")
    old = endpoint.secret

    response = client.post(f"{LIST}{endpoint.pk}/rotate-secret/")

    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    assert endpoint.secret.encode() in response.content and response["Cache-Control"] == "no-store"
    assert endpoint.secret_rotated_by == ops and endpoint.secret_rotated_at is not None
    assert endpoint.secret.encode() not in client.get(LIST).content


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.CCO, Role.FINANCE])
def test_everyone_else_is_refused_every_endpoint_page(client, role):
    endpoint = make_endpoint("https://hooks.example.com/attain")
    client.force_login(make_user(role))

    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"url": "https://evil.example/", "events": ["run.finished"]}).status_code == 403
    assert client.post(f"{LIST}{endpoint.pk}/", {"url": "https://evil.example/"}).status_code == 403
    assert client.post(f"{LIST}{endpoint.pk}/deactivate/").status_code == 403
    assert client.post(f"{LIST}{endpoint.pk}/rotate-secret/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.com/attain" and endpoint.is_active


def test_an_admin_may_configure_endpoints_too(client):
    client.force_login(make_user(Role.ADMIN))

    assert client.get(LIST).status_code == 200


def test_changes_are_posts_with_csrf(ops):
    endpoint = make_endpoint("https://hooks.example.com/attain")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ops)

    assert strict.get(f"{LIST}{endpoint.pk}/rotate-secret/").status_code == 405
    assert strict.post(f"{LIST}{endpoint.pk}/rotate-secret/").status_code == 403
    assert strict.post(f"{LIST}{endpoint.pk}/deactivate/").status_code == 403
    assert strict.post(NEW, {"url": "https://x.example.com/", "events": ["run.finished"]}).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret_rotated_at is None
    assert WebhookEndpoint.objects.count() == 1


def test_the_delivery_log_links_the_endpoints(client, ops):
    assert b'id="webhook-endpoints-link"' in client.get("/console/webhooks/").content
