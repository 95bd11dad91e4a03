"""Idempotency-Key on the POSTs that create money-affecting records: a retry does nothing twice."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from adoption.models import ScoreObservation
from api.models import IdempotencyKey
from approvals.models import Request
from commissions.models import ImportJob, ImportRecord, ScorePull
from commissions.services.periods import get_period
from tests.builders import make_customer

PERIOD = "FY22-Q2"
SCORES = [{"customer_id": "ACME", "as_of": "2021-07-01", "score": "55"}]


def post_scores(client, rows=SCORES, key="key-1"):
    return client.post("/api/scores/", rows, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_same_key_and_body_replays_the_first_response_and_writes_once(world, client_for):
    client = client_for("ops")
    first = client.post("/api/pulls/", {"period": PERIOD}, format="json", HTTP_IDEMPOTENCY_KEY="pull-1")
    again = client.post("/api/pulls/", {"period": PERIOD}, format="json", HTTP_IDEMPOTENCY_KEY="pull-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert ScorePull.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_422(world, client_for):
    client = client_for("ops")
    assert post_scores(client).status_code == 201
    other = [{**SCORES[0], "score": "60"}]
    response = post_scores(client, other)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ScoreObservation.objects.get(customer__customer_id="ACME", as_of="2021-07-01").score == 55


@pytest.mark.django_db
def test_keys_belong_to_one_user(world, people, client_for):
    people["finance"].roles.create(role="ops")
    assert post_scores(client_for("ops")).status_code == 201
    response = post_scores(client_for("finance"))
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert IdempotencyKey.objects.filter(key="key-1").count() == 2


@pytest.mark.django_db
def test_a_key_still_in_progress_is_409(world, people, client_for, monkeypatch):
    from api import idempotency

    # The first request with this key and this body has claimed it and not answered yet.
    monkeypatch.setattr(idempotency, "fingerprint", lambda request: "same request")
    IdempotencyKey.objects.create(
        user=people["ops"],
        key="key-1",
        request_hash="same request",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    response = post_scores(client_for("ops"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_progress"
    assert not ScoreObservation.objects.filter(as_of="2021-07-01").exists()


@pytest.mark.django_db
def test_an_expired_key_may_be_used_again(world, people, client_for):
    client = client_for("ops")
    assert post_scores(client).status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post_scores(client, [{**SCORES[0], "score": "60"}])
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert ImportRecord.objects.filter(kind="scores", status="applied").count() == 2


@pytest.mark.django_db
def test_a_refused_request_releases_its_key(world, client_for):
    client = client_for("ops")
    bad = [{**SCORES[0], "customer_id": "NOPE"}]
    assert post_scores(client, bad).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_scores(client).status_code == 201  # corrected, same key


@pytest.mark.django_db
def test_a_malformed_key_is_400(world, client_for):
    response = post_scores(client_for("ops"), key="has space")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]


@pytest.mark.django_db
def test_without_a_key_each_post_acts(people, client_for):
    make_customer("ACME", geo="AMER", owner=people["csm"])
    get_period(PERIOD)  # a stored open quarter: one the filing page offers
    data = {
        "kind": "extra_credit",
        "customer_id": "ACME",
        "period": PERIOD,
        "value": "0.5",
        "justification": "Above-and-beyond adoption work this quarter.",
    }
    client = client_for("csvp")
    first = client.post("/api/requests/", data, format="json", HTTP_IDEMPOTENCY_KEY="file-1")
    replay = client.post("/api/requests/", data, format="json", HTTP_IDEMPOTENCY_KEY="file-1")
    assert first.status_code == replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
    # Without the key the second filing reaches the service, which refuses a duplicate open request:
    # the request's state refuses it (409), not its body.
    assert client.post("/api/requests/", data, format="json").status_code == 409
    assert Request.objects.count() == 1


@pytest.mark.django_db
def test_multipart_imports_are_keyed_by_their_file_content(people, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(content: bytes):
        file = SimpleUploadedFile("customers.csv", content, content_type="text/csv")
        return client_for("ops").post(
            "/api/imports/",
            {"kind": "customers", "file": file},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="imp",
        )

    content = b"customer_id,name,geo,start_date,segment\nC1,Acme,AMER,2020-01-01,ENT\n"
    first = upload(content)
    assert first.status_code == 202  # an import job (docs/imports.md "The API")
    replay = upload(content)
    assert replay["Idempotent-Replayed"] == "true" and replay.status_code == 202
    # The replay points at the same job, so a retried client polls the job the first request made.
    assert replay["Location"] == first["Location"] == f"/api/imports/jobs/{first.json()['id']}/"
    assert upload(content.replace(b"Acme", b"Acme Inc")).status_code == 422
    assert ImportJob.objects.filter(kind="customers").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_act_once(world, client_for):
    from django.db import connections

    clients = [client_for("ops"), client_for("ops")]
    barrier = threading.Barrier(2)
    statuses = []

    def pull(client):
        try:
            barrier.wait()
            response = client.post(
                "/api/pulls/", {"period": PERIOD}, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            statuses.append((response.status_code, response.get("Idempotent-Replayed", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pull, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ScorePull.objects.count() == 1
    assert (201, "") in statuses
    # The loser either waited for the winner's claim and saw it in progress, or came after and replayed.
    assert sorted(statuses) in ([(201, ""), (201, "true")], [(201, ""), (409, "")])


@pytest.mark.django_db
def test_the_hourly_purge_forgets_only_expired_keys(world, people, client_for):
    from api.tasks import purge_idempotency_keys

    client = client_for("ops")
    client.post("/api/pulls/", {"period": PERIOD}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post("/api/pulls/", {"period": PERIOD}, format="json", HTTP_IDEMPOTENCY_KEY="fresh")
    IdempotencyKey.objects.filter(key="old").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert purge_idempotency_keys.apply().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
