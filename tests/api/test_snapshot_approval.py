"""POST /api/snapshots/{fy}/approve/ takes an optional comment and the draft revision the CCO reviewed: a
draft a targets import changed since is not approved (DESIGN §3 "Target snapshots")."""

import pytest

from adoption.models import Snapshot

pytestmark = pytest.mark.django_db

URL = "/api/snapshots/FY22/approve/"


def test_the_snapshot_answers_its_revision_and_an_approval_keeps_its_comment(world, client_for):
    snapshot = world["snapshot"]
    read = client_for("cco").get(f"/api/snapshots/{snapshot.pk}/").json()
    assert read["revision"] == snapshot.revision and read["approval_comment"] == ""

    body = {"comment": "Reviewed with the geo VPs.", "revision": read["revision"]}
    response = client_for("cco").post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["approval_comment"] == "Reviewed with the geo VPs."
    assert Snapshot.objects.get(pk=snapshot.pk).approval_comment == "Reviewed with the geo VPs."


def test_a_draft_changed_since_the_revision_read_is_not_approved(world, client_for):
    snapshot = world["snapshot"]
    read = client_for("cco").get(f"/api/snapshots/{snapshot.pk}/").json()
    Snapshot.objects.filter(pk=snapshot.pk).update(revision=read["revision"] + 1)  # a targets import landed

    response = client_for("cco").post(URL, {"revision": read["revision"]}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert "changed since you reviewed it" in response.json()["error"]["message"]
    assert Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.DRAFT


def test_an_approval_without_a_body_still_approves(world, client_for):
    assert client_for("cco").post(URL).status_code == 200
    assert Snapshot.objects.get().status == Snapshot.Status.APPROVED


def test_a_comment_too_long_or_a_negative_revision_is_a_400_by_field(world, client_for):
    too_long = client_for("cco").post(URL, {"comment": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and set(too_long.json()["error"]["details"]) == {"comment"}
    negative = client_for("cco").post(URL, {"revision": -1}, format="json")
    assert negative.status_code == 400 and set(negative.json()["error"]["details"]) == {"revision"}
    assert Snapshot.objects.get().status == Snapshot.Status.DRAFT
