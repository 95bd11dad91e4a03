"""In Chromium: ops drafts a SPIFF on its form (a bad date named first), grants an amount of a manual
SPIFF, the CCO approves the grant, the CSM reads it on their own awards page — and each page, a form with
its errors included, passes axe-core's checks with no serious or critical violation (as
tests/browser/test_accessibility.py does for the header's pages)."""

from datetime import date

import pytest

from accounts.models import Role
from incentives.models import Spiff, SpiffAward
from tests.browser.conftest import PASSWORD, _available
from tests.browser.test_accessibility import _axe, _described
from tests.builders import assign_plan, make_user

from .conftest import manual_spiff

pytestmark = [
    pytest.mark.skipif(not _available(), reason="needs Playwright and Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def people(transactional_db):
    ops = make_user(Role.OPS, geo="", email="ops@example.com")
    cco = make_user(Role.CCO, geo="", email="cco@example.com")
    csm = make_user(Role.CSM, geo="AMER", employee_id="E1", name="Casey Smith")
    assign_plan(make_user(Role.CSM, employee_id="Z-PLAN", geo="EMEA"))
    return {"ops": ops, "cco": cco, "csm": csm}


@pytest.fixture
def open_as(browser, live_server):  # noqa: F811
    contexts = []

    def sign_in(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_draft_grant_approve_and_read_in_the_browser_with_no_axe_violation(people, open_as, live_server):
    found: dict[str, list] = {}
    base = live_server.url

    def check(page, name):
        found[name] = _axe(page)

    ops = open_as(people["ops"])
    ops.goto(f"{base}/incentives/spiffs/")
    ops.click("#new-spiff")
    check(ops, "new SPIFF")
    ops.fill("#id_code", "saves-may")
    ops.fill("#id_name", "Saved renewals")
    ops.fill("#id_start", "2021-05-01")
    ops.fill("#id_end", "2021-04-30")
    ops.fill("#id_currency", "USD")
    ops.fill("#id_budget", "500.00")
    ops.check("#id_kind_1")  # granted by hand
    ops.check("#id_eligibility_0")  # all CSMs
    ops.click("#spiff-form button[type=submit]")
    assert "The SPIFF ends (2021-04-30) before it starts (2021-05-01)." in ops.inner_text(".field-errors")
    assert Spiff.objects.count() == 0
    check(ops, "new SPIFF with an error")
    ops.fill("#id_end", "2021-05-31")
    ops.click("#spiff-form button[type=submit]")
    ops.wait_for_selector("#propose-form")
    assert "Drafted saves-may" in ops.inner_text(".messages")
    check(ops, "a draft SPIFF")

    manual_spiff(people["ops"], people["cco"], code="renewals")
    ops.goto(f"{base}/incentives/spiffs/renewals/")
    ops.select_option("#id_employee", "E1")
    ops.fill("#id_amount", "150.00")
    ops.fill("#id_day", "2021-05-12")
    ops.fill("#id_reason", "Saved the ACME renewal.")
    ops.click("#grant-form button[type=submit]")
    ops.wait_for_selector(".messages")
    assert "waiting for approval" in ops.inner_text(".messages")
    check(ops, "a manual SPIFF with its grant form")
    for url in ("/incentives/points/", "/incentives/points/rules/new/", "/incentives/points/rewards/new/"):
        ops.goto(base + url)
        check(ops, url)

    cco = open_as(people["cco"])
    cco.goto(f"{base}/incentives/spiffs/renewals/")
    check(cco, "grants waiting for approval")
    cco.click("#pending-grants button:has-text('Approve')")
    cco.wait_for_selector(".messages")
    assert SpiffAward.objects.get().status == "approved"
    assert "150.00 USD awarded, 350.00 USD remaining" in cco.inner_text("#budget")

    csm = open_as(people["csm"])
    csm.click('nav[aria-label="Your pages"] a:has-text("My SPIFFs")')
    csm.wait_for_selector("#my-awards")
    row = csm.inner_text("#my-awards tbody tr")
    assert "2021-05-12" in row and "renewals" in row and "150.00 USD" in row and "FY22-Q2" in row
    assert date(2021, 5, 12).isoformat() in row
    check(csm, "my SPIFF awards")

    violations = {name: v for name, v in found.items() if v}
    assert not violations, "axe-core found serious or critical violations:\n" + _described(violations)
