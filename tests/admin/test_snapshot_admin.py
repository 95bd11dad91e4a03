"""Target snapshots in the admin: an approved one is read-only, and the approve action is a cco's."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from adoption.models import Snapshot, TargetLine


def snapshot_url(view: str, *args) -> str:
    return reverse(f"admin:adoption_snapshot_{view}", args=args)


def line_url(view: str, *args) -> str:
    return reverse(f"admin:adoption_targetline_{view}", args=args)


def state(snapshot: Snapshot) -> tuple:
    row = Snapshot.objects.filter(pk=snapshot.pk).values().get()
    lines = list(TargetLine.objects.filter(snapshot=snapshot).order_by("pk").values())
    return row, lines


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_approved_snapshot_change_page_has_no_editable_input(admin_client, rows):
    approved = rows["approved_snapshot"]
    response = admin_client.get(snapshot_url("change", approved.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="fiscal_year"' not in content
    assert 'name="lines-0-target_score"' not in content
    assert 'name="_save"' not in content
    assert "deletelink" not in content
    # Only hidden inputs (CSRF token, the inline's management form) remain: nothing a person can edit.
    main = content.split('id="content-main"')[1]
    fields = re.findall(r"<(input|select|textarea)\b[^>]*>", main)
    assert fields
    editable = [
        tag for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", main) if 'type="hidden"' not in tag
    ]
    assert editable == []
    # The lines are shown, read-only.
    for line in approved.lines.select_related("customer"):
        assert line.customer.name in content


def test_a_draft_snapshot_change_page_is_editable(admin_client, rows):
    response = admin_client.get(snapshot_url("change", rows["snapshot"].pk))
    content = response.content.decode()
    assert 'name="fiscal_year"' in content
    assert 'name="lines-0-target_score"' in content
    assert 'name="_save"' in content


def test_posting_to_an_approved_snapshot_changes_nothing(admin_client, rows):
    approved = rows["approved_snapshot"]
    line = approved.lines.first()
    before = state(approved)
    response = admin_client.post(
        snapshot_url("change", approved.pk),
        {
            "fiscal_year": "FY21",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-id": line.pk,
            "lines-0-snapshot": approved.pk,
            "lines-0-customer": line.customer_id,
            "lines-0-period": "FY22-Q2",
            "lines-0-baseline_score": "1",
            "lines-0-target_score": "99",
        },
    )
    assert response.status_code == 403
    assert state(approved) == before


def test_an_approved_snapshot_cannot_be_deleted_in_the_admin(admin_client, rows):
    approved = rows["approved_snapshot"]
    before = state(approved)
    assert admin_client.get(snapshot_url("delete", approved.pk)).status_code == 403
    assert admin_client.post(snapshot_url("delete", approved.pk), {"post": "yes"}).status_code == 403
    assert state(approved) == before


def test_a_line_of_an_approved_snapshot_is_read_only(admin_client, rows):
    line = rows["approved_targetline"]
    before = state(rows["approved_snapshot"])
    response = admin_client.get(line_url("change", line.pk))
    assert response.status_code == 200
    assert 'name="target_score"' not in response.content.decode()
    assert 'name="_save"' not in response.content.decode()
    response = admin_client.post(
        line_url("change", line.pk),
        {
            "snapshot": rows["snapshot"].pk,
            "customer": line.customer_id,
            "period": line.period,
            "baseline_score": "1",
            "target_score": "99",
        },
    )
    assert response.status_code == 403
    assert admin_client.post(line_url("delete", line.pk), {"post": "yes"}).status_code == 403
    assert state(rows["approved_snapshot"]) == before


def test_bulk_delete_of_frozen_lines_is_refused(admin_client, rows):
    approved = rows["approved_snapshot"]
    before = state(approved)
    response = admin_client.post(
        line_url("changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [line.pk for line in approved.lines.all()],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert state(approved) == before


def test_a_new_line_cannot_be_added_to_an_approved_snapshot(admin_client, rows):
    approved = rows["approved_snapshot"]
    before = state(approved)
    response = admin_client.post(
        line_url("add"),
        {
            "snapshot": approved.pk,
            "customer": rows["customer"].pk,
            "period": "FY22-Q3",
            "baseline_score": "10",
            "target_score": "20",
        },
    )
    assert response.status_code == 200
    assert "snapshot" in response.context["adminform"].form.errors
    assert state(approved) == before


def approve_action(client, *snapshots: Snapshot):
    return client.post(
        snapshot_url("changelist"),
        {"action": "approve_selected", "_selected_action": [s.pk for s in snapshots]},
        follow=True,
    )


def test_the_approve_action_approves_for_a_cco(client, cco_superuser, rows):
    draft = rows["snapshot"]
    client.force_login(cco_superuser)
    response = approve_action(client, draft)
    assert response.status_code == 200
    assert messages_of(response) == ["Approved the FY23 target snapshot (1 target line)."]
    draft.refresh_from_db()
    assert draft.status == Snapshot.Status.APPROVED
    assert draft.approved_by == cco_superuser
    assert draft.approved_at is not None


def test_the_approve_action_reports_each_refusal(client, cco_superuser, rows):
    client.force_login(cco_superuser)
    response = approve_action(client, rows["snapshot"], rows["approved_snapshot"])
    assert messages_of(response) == [
        "The target snapshot of FY22 is approved and frozen: its targets cannot change.",
        "Approved the FY23 target snapshot (1 target line).",
    ]


@pytest.mark.django_db
def test_the_approve_action_is_refused_for_a_superuser_who_is_not_a_cco(admin_client, rows):
    draft = rows["snapshot"]
    response = approve_action(admin_client, draft)
    assert response.status_code == 200
    assert messages_of(response) == [
        "root@example.com may not approve the target snapshot of FY23: "
        "approving a target snapshot needs the cco role."
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by, draft.approved_at) == ("draft", None, None)
