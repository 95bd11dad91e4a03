"""The delivery log on the console (/console/webhooks/, docs/webhooks.md "The log"): ops and admins read it,
filtered and paged; a failed delivery is sent again through ``services.resend``; anyone else gets 403."""

import pytest

from accounts.models import Role
from commissions.services.periods import get_period
from core.errors import AttainError, NotAllowed
from tests.builders import make_user
from webhooks.models import Event, WebhookDelivery
from webhooks.services import emit, resend

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
    nonsense = client.get(URL, {"status": "exploded"}).context["page"]

    assert [d.pk for d in failed] == [deliveries[Event.QUARTER_CLOSED].pk]
    assert [d.pk for d in runs] == [deliveries[Event.RUN_FINISHED].pk]
    assert len(nonsense) == len(deliveries)  # an unknown filter value narrows nothing


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
