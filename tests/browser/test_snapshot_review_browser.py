"""The CCO reviews the year's draft target snapshot in a real browser and approves it (DESIGN §3
"Target snapshots"): from the home page's notice to the review, the confirmation ticked, the snapshot
frozen."""

from datetime import date

import pytest

from accounts.models import Role
from adoption.models import Snapshot
from commissions.services.imports import import_file
from tests.browser.conftest import screenshot
from tests.builders import make_customer, make_user

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "fiscal_year,customer_id,baseline_score,period,target_score"


@pytest.fixture
def draft(tmp_path, monkeypatch):
    """A FY22 draft at revision 2 (one target changed), and its reviewers."""
    from dashboards.snapshots import views

    monkeypatch.setattr(views, "today", lambda: date(2021, 6, 15))  # the live server runs in this process
    ops = make_user(Role.OPS, email="ops@example.com")
    csm = make_user(Role.CSM, name="Amy Amer")
    for n in range(1, 4):
        make_customer(f"C{n:04d}", owner=csm)

    def load(*rows: str) -> None:
        path = tmp_path / f"targets{len(list(tmp_path.iterdir()))}.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n")
        import_file(kind="targets", path=path, user=ops)

    load("FY22,C0001,40,FY22-Q1,50", "FY22,C0002,30,FY22-Q1,45", "FY22,C0003,20,FY22-Q1,")
    load("FY22,C0001,40,FY22-Q1,55")
    return Snapshot.objects.get(fiscal_year="FY22")


def test_the_cco_opens_the_review_from_home_and_approves(draft, live_server, sign_in, page):
    cco = make_user(Role.CCO, email="chief@example.com", name="Casey Chief", geo="")
    sign_in(cco)

    notice = page.locator(".snapshot-awaiting")
    assert "FY22" in notice.inner_text() and "waiting for your approval" in notice.inner_text()
    page.click("text=review and approve it")
    page.wait_for_load_state("networkidle")

    assert page.inner_text("h1") == "FY22 target snapshot"
    assert page.inner_text("#snapshot-revision") == "2"
    assert "Revision 2 created 0 lines and changed 1 against revision 1" in page.inner_text(
        "#last-draft-summary"
    )
    changed = page.eval_on_selector_all("#tbl-last-draft tbody tr", "rows => rows.map(r => r.innerText)")
    # Scores read with two decimals (core.formatting.score): the target went from 50 to 55.
    assert len(changed) == 1
    assert changed[0].split("\t")[0] == "C0001" and changed[0].split("\t")[-2:] == ["50.00", "55.00"]
    assert "Amy Amer" in page.inner_text("#tbl-by-csm")
    screenshot(page, "cco-snapshot-review")

    # Without the confirmation nothing is approved, and the page says why.
    page.fill("textarea[name=comment]", "Reviewed with the geo VPs.")
    page.click("#approve-snapshot")
    page.wait_for_load_state("networkidle")
    assert "Tick the confirmation" in page.inner_text(".approve-form")
    assert Snapshot.objects.get(pk=draft.pk).status == "draft"

    page.check("input[name=confirm]")
    page.click("#approve-snapshot")
    page.wait_for_load_state("networkidle")

    assert "Approved the FY22 target snapshot (revision 2)" in page.inner_text(".messages")
    assert page.inner_text("#snapshot-status") == "Approved"
    assert "The snapshot is frozen" in page.inner_text("#frozen-notice")
    assert page.locator("#approve-snapshot").count() == 0
    snapshot = Snapshot.objects.get(pk=draft.pk)
    assert (snapshot.status, snapshot.approved_by, snapshot.approval_comment) == (
        "approved",
        cco,
        "Reviewed with the geo VPs.",
    )

    page.goto(f"{live_server.url}/")
    assert page.locator(".snapshot-awaiting").count() == 0
