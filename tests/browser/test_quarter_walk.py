"""A whole quarter through the browser only (DESIGN §5): ops uploads every file of the worked example (one
refused for a bad row first, then fixed), the CCO approves the target snapshot, ops pulls and calculates, a
Geo VP files an exception that the CCO and finance approve and ops applies, ops recalculates and closes,
finance signs off and downloads the payroll, and the CSM opens the published statement, its PDF, and asks
about a line.

The only steps outside the browser are the people (an admin's job) and the plan's YAML (loaded by
``load_plan``). With REDIS_URL set (CI) every queued job (imports, calculations, the publication e-mails)
runs on a real Celery worker; without it, in-process. Screenshots of each page go to docs/screenshots when
ATTAIN_SCREENSHOTS=1.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import Role
from approvals.models import Inquiry, Request
from commissions.models import Payout, Period
from commissions.services.plans import load_plan
from tests.builders import make_user

from .conftest import PASSWORD, screenshot
from .test_console_browser import worker

WORKED = Path(__file__).resolve().parents[2] / "fixtures" / "worked"
# The order ops imports them in: people and customers before what refers to them.
KINDS = ["employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis", "assignments"]
LONG = 60_000  # ms: a queued job on a worker


def open_as(browser, live_server, user):
    """A fresh browser context with ``user`` signed in through the login form."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def upload(page, live_server, kind: str, name: str, content: bytes) -> None:
    page.goto(f"{live_server.url}/console/imports/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.click("#import-upload")


def import_file(page, live_server, kind: str, content: bytes | None = None, *, shoot: str = "") -> None:
    """Upload one file, wait for its dry run, confirm, wait until it is written."""
    from playwright.sync_api import expect

    upload(page, live_server, kind, f"{kind}.csv", content or (WORKED / f"{kind}.csv").read_bytes())
    expect(page.locator("#job-validated")).to_be_visible(timeout=LONG)
    if shoot:
        screenshot(page, shoot)
    page.click("#confirm-import")
    expect(page.locator("#job-applied")).to_be_visible(timeout=LONG)


def pdf_text(path: str) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("needs pdftotext (Debian's poppler-utils)")
    return subprocess.run(
        [pdftotext, "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_a_whole_quarter_is_finished_in_the_browser(browser, live_server):
    from playwright.sync_api import expect

    ops = make_user(Role.OPS, email="ops@example.com", name="Olive Ops", geo="")
    cco = make_user(Role.CCO, email="cco@example.com", name="Casey Chief", geo="")
    finance = make_user(Role.FINANCE, email="finance@example.com", name="Fran Finance", geo="")
    csvp = make_user(Role.CSVP, email="vp@example.com", name="Val Amer", geo="AMER")
    # The CSM of the worked example, as the employees file describes them (that file then changes nothing).
    csm = make_user(Role.CSM, email="e1@example.com", name="Erin One", employee_id="E1", geo="AMER")
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")

    with worker():
        # Ops: every file; the scores first with a bad row, refused with the row in a table, then fixed.
        page = open_as(browser, live_server, ops)
        for kind in KINDS[:5]:
            import_file(page, live_server, kind, shoot="ops-import-dry-run" if kind == "targets" else "")
        good = (WORKED / "scores.csv").read_bytes()
        upload(
            page, live_server, "scores", "scores.csv", good.replace(b"C2,2021-07-31,72", b"C2,2021-07-31,172")
        )
        refused = page.locator("#job-refused")
        expect(refused).to_be_visible(timeout=LONG)
        expect(page.locator("#tbl-errors tbody tr").first).to_contain_text("172")
        screenshot(page, "ops-import-refused")
        for kind in KINDS[5:]:
            import_file(page, live_server, kind)
        page.context.close()

        # The CCO: the draft snapshot from the home page, reviewed, approved with the confirmation.
        page = open_as(browser, live_server, cco)
        page.click("text=review and approve it")
        expect(page.locator("h1")).to_have_text("FY22 target snapshot")
        page.check("input[name=confirm]")
        page.click("#approve-snapshot")
        expect(page.locator("#snapshot-status")).to_have_text("Approved")
        page.context.close()

        # Ops: pull and calculate FY22-Q2.
        page = open_as(browser, live_server, ops)
        page.goto(f"{live_server.url}/console/?period=FY22-Q2")
        page.click("#pull-scores")
        expect(page.locator("#pull-status")).to_contain_text("3 customers")
        page.click("#calculate")
        run_row = page.locator("tr[data-run-status]").first
        expect(run_row).to_have_attribute("data-run-status", "succeeded", timeout=LONG)
        page.context.close()

        # The Geo VP files an exception for C1; the CCO, then finance approve; ops applies it.
        page = open_as(browser, live_server, csvp)
        page.goto(f"{live_server.url}/requests/new/")
        page.check("input[name=kind][value=exception]")
        page.fill("input[name=customer]", "C1")
        page.check("input[name=period][value='FY22-Q2']")
        page.fill("input[name=value]", "1")
        page.fill(
            "textarea[name=justification]", "C1 rolled out SSO to every team; the score lags the usage."
        )
        page.click("form[action$='/requests/new/'] button[type=submit]")
        request = Request.objects.get()
        expect(page.locator("h1")).to_contain_text(f"#{request.pk}")
        page.context.close()
        for approver in (cco, finance):
            page = open_as(browser, live_server, approver)
            page.goto(f"{live_server.url}/requests/{request.pk}/")
            page.fill("textarea[name=comment]", "Checked against the usage report.")
            page.click(f"form[action$='/requests/{request.pk}/approve/'] button:has-text('Approve')")
            expect(page.locator(".messages")).to_be_visible()
            page.context.close()
        page = open_as(browser, live_server, ops)
        page.goto(f"{live_server.url}/requests/{request.pk}/")
        page.click(f"form[action$='/requests/{request.pk}/apply/'] button[type=submit]")
        expect(page.locator(".messages")).to_be_visible()
        assert Request.objects.get().status == Request.Status.APPLIED

        # Ops: calculate again (the exception is an input of the next run), then close with the confirmation.
        page.goto(f"{live_server.url}/console/?period=FY22-Q2")
        page.click("#calculate")
        expect(page.locator("tr[data-run-status]").first).to_have_attribute(
            "data-run-status", "succeeded", timeout=LONG
        )
        page.reload()
        page.check("#close-confirm")
        page.click("#close-period")
        expect(page.locator(".messages")).to_contain_text("Closed FY22-Q2; final runs: CS-FY22 v2.")
        screenshot(page, "ops-console-closed")
        page.context.close()
        assert Period.objects.get(code="FY22-Q2").is_closed

        # Finance: reviews the totals, signs off, downloads the payroll.
        page = open_as(browser, live_server, finance)
        page.goto(f"{live_server.url}/console/?period=FY22-Q2")
        page.click("#signoff-link")
        expect(page.locator("#review-by-currency")).to_contain_text("2,500.00 USD")
        page.fill("#signoff-comment", "Totals match the run and the on-target amounts.")
        page.check("#signoff-confirm")
        screenshot(page, "finance-sign-off")
        page.click("#sign-off")
        expect(page.locator("#signoff-done")).to_contain_text("Signed off by Fran Finance")
        page.goto(f"{live_server.url}/console/?period=FY22-Q2")
        with page.expect_download() as download:
            page.click("#export-summary")
        payroll = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert payroll == [
            "period,employee_id,email,plan,currency,amount,type,restates",
            "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2500.00,commission,",
        ]
        page.context.close()

    # The CSM: the published statement from their quarter page, its PDF, and a question about a line.
    page = open_as(browser, live_server, csm)
    payout = Payout.objects.get(run__is_final=True, employee=csm)
    page.goto(f"{live_server.url}/my/statements/{payout.run_id}/")
    expect(page.locator(".statement-total")).to_contain_text("2,500.00")
    expect(page.locator("#related-requests, .related-requests").first).to_contain_text("C1")
    screenshot(page, "csm-published-statement")
    with page.expect_download() as download:
        page.click("#statement-pdf")
    text = pdf_text(download.value.path())
    for figure in ("1,000.00", "500.00", "2,500.00", "ADOPTION", "NRR", "KPI"):
        assert figure in text, f"{figure} is missing from the statement PDF"
    page.click("#tbl-lines tbody tr:first-child >> text=Ask about this line")
    message = page.locator("textarea[name=message]")
    expect(message).to_have_value("About ADOPTION in FY22-Q2 (1,000.00 USD): ", timeout=10_000)
    message.press("End")
    message.type("why is C3 left out of my adoption?")
    page.click("form[action$='/inquiries/new/'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Inquiry #")
    inquiry = Inquiry.objects.get()
    assert (inquiry.employee, inquiry.component) == (csm, "ADOPTION")
    page.context.close()
