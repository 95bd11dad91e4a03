"""The delivery log on the console (/console/webhooks/, docs/webhooks.md "The log"): ops and admins read it,
filtered and paged; a failed delivery is sent again through ``services.resend``, a pending one tried now
through ``services.retry_now``, each recorded for the audit trail; anyone else gets 403."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from commissions.services.periods import get_period
from core.errors import AttainError, NotAllowed
from tests.builders import make_user
from webhooks.models import Event, WebhookDelivery, WebhookResend
from webhooks.services import emit, resend, retry_now

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db
URL = "/console/webhooks/"


@pytest.fixture
def deliveries(queued):
    """One delivery of each event to one endpoint; the quarter.closed one failed after 3 tries."""
    make_endpoint("https://hooks.example.com/attain")
    made = {event: emit(event, {"n": i})[0] for i, event in enumerate(Event.values)}
    WebhookDelivery.objects.filter(pk=made[Event.QUARTER_CLOSED].pk).update(
        status="failed", attempts=3, last_status_code=404, last_error="HTTP 404: no such hook"
    )
    queued.clear()
    return made


@pytest.mark.parametrize("role", [Role.OPS, Role.ADMIN])
def test_ops_and_admins_read_the_log(client, deliveries, role):
    client.force_login(make_user(role))

    response = client.get(URL)

    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == sorted(
        (d.pk for d in deliveries.values()), reverse=True
    )
    assert b"HTTP 404: no such hook" in response.content


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.CCO, Role.FINANCE])
def test_everyone_else_is_refused(client, deliveries, role):
    client.force_login(make_user(role))

    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{deliveries[Event.QUARTER_CLOSED].pk}/resend/").status_code == 403


def test_the_log_filters_by_status_and_event(client, deliveries):
    client.force_login(make_user(Role.OPS))

    failed = client.get(URL, {"status": "failed"}).context["page"]
    runs = client.get(URL, {"event": "run.finished"}).context["page"]
    nonsense = client.get(URL, {"status": "exploded"})
    no_event = client.get(URL, {"event": "run.exploded"})

    assert [d.pk for d in failed] == [deliveries[Event.QUARTER_CLOSED].pk]
    assert [d.pk for d in runs] == [deliveries[Event.RUN_FINISHED].pk]
    # An unknown value is the friendly 404 naming it, never the whole log under a filter that looks applied.
    assert nonsense.status_code == 404 and "“exploded” is not a delivery status" in nonsense.content.decode()
    assert (
        no_event.status_code == 404 and "“run.exploded” is not a delivery event" in no_event.content.decode()
    )


def test_the_log_is_paged_in_a_fixed_number_of_queries(client, queued, django_assert_max_num_queries):
    for n in range(3):
        make_endpoint(f"https://hooks{n}.example.com/attain")
    for n in range(20):
        emit(Event.RUN_FINISHED, {"run_id": n})  # 60 deliveries: two pages of 50
    client.force_login(make_user(Role.OPS))

    with django_assert_max_num_queries(8):
        first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 10


def test_resending_a_failed_delivery_makes_it_pending_and_queues_it(
    client, deliveries, queued, django_capture_on_commit_callbacks
):
    failed = deliveries[Event.QUARTER_CLOSED]
    client.force_login(make_user(Role.OPS))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{failed.pk}/resend/", {"next": f"{URL}?status=failed"})

    assert response.status_code == 302 and response.url == f"{URL}?status=failed"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("pending", 0, None)
    assert failed.last_error == "HTTP 404: no such hook"  # the last answer stays until the next try
    assert queued == [failed.pk]


def test_only_a_failed_delivery_is_resent(deliveries, queued):
    ops = make_user(Role.OPS)

    with pytest.raises(AttainError, match="only a failed delivery is sent again"):
        resend(delivery=deliveries[Event.RUN_FINISHED], user=ops)
    assert queued == []


def test_resend_is_refused_to_a_person_without_the_right(deliveries):
    with pytest.raises(NotAllowed):
        resend(delivery=deliveries[Event.QUARTER_CLOSED], user=make_user(Role.FINANCE))


def test_a_next_address_off_the_log_is_not_followed(client, deliveries):
    client.force_login(make_user(Role.OPS))

    response = client.post(
        f"{URL}{deliveries[Event.QUARTER_CLOSED].pk}/resend/", {"next": "https://evil.example/"}
    )

    assert response.url == URL


@pytest.mark.parametrize(("role", "linked"), [(Role.OPS, True), (Role.FINANCE, False)])
def test_the_console_links_the_log_for_those_who_may_read_it(client, role, linked):
    client.force_login(make_user(role))

    response = client.get("/console/", {"period": get_period("FY22-Q2").code})

    assert (b'id="webhooks-link"' in response.content) is linked


def test_a_pending_delivery_has_retry_now_and_a_failed_one_resend(client, deliveries):
    client.force_login(make_user(Role.OPS))

    content = client.get(URL).content.decode()

    pending, failed = deliveries[Event.RUN_FINISHED], deliveries[Event.QUARTER_CLOSED]
    assert f'action="{URL}{pending.pk}/retry-now/"' in content
    assert f'action="{URL}{failed.pk}/resend/"' in content
    assert f'action="{URL}{pending.pk}/resend/"' not in content


def test_retry_now_makes_a_pending_delivery_due_at_once_and_queues_it(
    client, deliveries, queued, django_capture_on_commit_callbacks
):
    pending = deliveries[Event.RUN_FINISHED]
    WebhookDelivery.objects.filter(pk=pending.pk).update(
        attempts=1, last_status_code=500, next_attempt_at=timezone.now() + timedelta(minutes=20)
    )
    ops = make_user(Role.OPS)
    client.force_login(ops)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{pending.pk}/retry-now/", {"next": f"{URL}?status=pending"})

    assert response.status_code == 302 and response.url == f"{URL}?status=pending"
    pending.refresh_from_db()
    assert pending.status == "pending" and pending.attempts == 1  # the count of tries goes on
    assert pending.next_attempt_at <= timezone.now()
    assert queued == [pending.pk]
    (record,) = WebhookResend.objects.all()
    assert (record.delivery_id, record.action, record.by, record.status_before, record.attempts_before) == (
        pending.pk,
        "retry_now",
        ops,
        "pending",
        1,
    )


def test_retry_now_is_only_for_a_pending_delivery(deliveries, queued):
    with pytest.raises(AttainError, match="only a pending delivery is tried now"):
        retry_now(delivery=deliveries[Event.QUARTER_CLOSED], user=make_user(Role.OPS))
    assert queued == [] and not WebhookResend.objects.exists()


def test_retry_now_is_refused_to_a_person_without_the_right(client, deliveries):
    client.force_login(make_user(Role.FINANCE))

    assert client.post(f"{URL}{deliveries[Event.RUN_FINISHED].pk}/retry-now/").status_code == 403
    with pytest.raises(NotAllowed):
        retry_now(delivery=deliveries[Event.RUN_FINISHED], user=make_user(Role.CSM))


def test_a_resend_is_recorded_with_who_and_the_state_before(deliveries, queued):
    ops = make_user(Role.OPS)

    resend(delivery=deliveries[Event.QUARTER_CLOSED], user=ops)

    (record,) = WebhookResend.objects.all()
    assert (record.action, record.by, record.status_before, record.attempts_before) == (
        "resend",
        ops,
        "failed",
        3,
    )
