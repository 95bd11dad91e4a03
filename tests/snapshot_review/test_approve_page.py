"""The CCO approves a reviewed draft in the browser (DESIGN §3 "Target snapshots"): a required
confirmation, an optional comment, and the draft revision reviewed; the snapshot is then frozen."""

import pytest

from adoption.models import Snapshot
from adoption.services import MAX_COMMENT, approve_snapshot

from .conftest import customers

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirm": "on", "comment": "Reviewed with the geo VPs.", "revision": "1"}


@pytest.fixture
def draft(import_targets):
    customers(2)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY22,C0002,30,FY22-Q1,45")
    return Snapshot.objects.get(fiscal_year="FY22")


def status() -> tuple:
    return Snapshot.objects.values_list("status", "approved_by__email", "approval_comment").get(
        fiscal_year="FY22"
    )


def test_the_cco_approves_with_the_confirmation_and_a_comment(client, cco, draft, review_day):
    client.force_login(cco)

    response = client.post("/snapshots/FY22/approve/", CONFIRMED)

    assert response.status_code == 302
    assert response.url == "/snapshots/FY22/"
    assert status() == ("approved", "cco@example.com", "Reviewed with the geo VPs.")
    page = client.get(response.url).content.decode()
    assert "Approved the FY22 target snapshot (revision 1): its targets are frozen" in page
    assert "Approved by Casey Chief on" in page
    assert "The snapshot is frozen" in page
    assert "Reviewed with the geo VPs." in page
    assert 'id="approve-snapshot"' not in page


def test_the_comment_is_optional(client, cco, draft):
    client.force_login(cco)

    response = client.post("/snapshots/FY22/approve/", {"confirm": "on", "revision": "1"})

    assert response.status_code == 302
    assert status() == ("approved", "cco@example.com", "")


def test_without_the_confirmation_nothing_is_approved(client, cco, draft, review_day):
    client.force_login(cco)

    response = client.post("/snapshots/FY22/approve/", {"comment": "Looks fine", "revision": "1"})

    assert response.status_code == 400
    assert "Tick the confirmation that you have reviewed the targets: nothing was approved." in (
        response.content.decode()
    )
    assert status() == ("draft", None, "")
    assert response.context["form"]["comment"].value() == "Looks fine"  # what was typed is kept


def test_the_confirmation_names_the_year_the_revision_and_the_freeze(client, cco, draft, review_day):
    client.force_login(cco)

    page = client.get("/snapshots/FY22/").content.decode()

    assert (
        "I have reviewed the FY22 target snapshot (revision 1): once approved, its targets will not change"
        " for the rest of the year." in page
    )
    assert 'type="checkbox" name="confirm"' in page and 'name="revision" value="1"' in page


def test_a_draft_changed_since_the_review_is_not_approved(client, cco, draft, import_targets, review_day):
    client.force_login(cco)
    import_targets("FY22,C0001,40,FY22-Q1,55")  # revision 2 lands while the CCO reads revision 1

    response = client.post("/snapshots/FY22/approve/", CONFIRMED)

    assert response.status_code == 409
    assert "The draft of FY22 changed since you reviewed it (revision 1; it is now revision 2)" in (
        response.content.decode()
    )
    assert status()[0] == "draft"


def test_approving_a_frozen_snapshot_is_refused_with_a_clear_message(client, cco, draft, review_day):
    approve_snapshot(fiscal_year="FY22", user=cco, comment="First")
    client.force_login(cco)

    response = client.post("/snapshots/FY22/approve/", CONFIRMED)

    assert response.status_code == 409
    assert "The target snapshot of FY22 is approved and frozen: its targets cannot change." in (
        response.content.decode()
    )
    assert status() == ("approved", "cco@example.com", "First")


def test_a_comment_too_long_is_refused(client, cco, draft, review_day):
    client.force_login(cco)

    response = client.post("/snapshots/FY22/approve/", {**CONFIRMED, "comment": "x" * (MAX_COMMENT + 1)})

    assert response.status_code == 400
    assert f"Ensure this value has at most {MAX_COMMENT} characters (it has {MAX_COMMENT + 1})." in (
        response.content.decode()
    )
    assert status()[0] == "draft"


def test_the_service_refuses_a_control_character_in_the_comment(cco, draft):
    from core.errors import AttainError

    with pytest.raises(AttainError, match="control character U\\+0007"):
        approve_snapshot(fiscal_year="FY22", user=cco, comment="ok\x07")
    assert status()[0] == "draft"


def test_a_get_does_not_approve(client, cco, draft):
    client.force_login(cco)

    assert client.get("/snapshots/FY22/approve/").status_code == 405
    assert status()[0] == "draft"


def test_after_a_changed_draft_the_page_offers_the_new_revision_unticked_and_approves_it(
    client, cco, draft, import_targets, review_day
):
    client.force_login(cco)
    import_targets("FY22,C0001,40,FY22-Q1,55")  # revision 2 lands while the CCO reads revision 1

    refused = client.post("/snapshots/FY22/approve/", {**CONFIRMED, "comment": "Checked with the VPs"})

    form = refused.context["form"]
    assert (
        not form.is_bound
        and form["revision"].value() == 2
        and form["comment"].value() == "Checked with the VPs"
    )
    page = refused.content.decode()
    assert 'name="revision" value="2"' in page and "checked" not in page.split('name="confirm"')[1][:40]
    # The refusal is said at the top, where the reader lands, not only beside the form at the page's end.
    assert page.index("it is now revision 2") < page.index('id="snapshot-revision"')

    approved = client.post("/snapshots/FY22/approve/", {"confirm": "on", "revision": "2"})

    assert approved.status_code == 302 and status()[0] == "approved"


def test_a_missing_confirmation_is_said_at_the_top_too(client, cco, draft, review_day):
    client.force_login(cco)

    page = client.post("/snapshots/FY22/approve/", {"revision": "1"}).content.decode()

    assert page.index("Nothing was approved: see the approval form") < page.index('id="snapshot-revision"')
