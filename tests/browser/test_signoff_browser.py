"""DESIGN §5 in a real browser: ops closes the quarter after ticking the confirmation, finance reviews and
signs off its payouts, then the payroll CSV downloads from the console."""

import pytest

from accounts.models import Role
from commissions.models import Plan
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import PASSWORD


def signed_in(browser, live_server, user):
    """A fresh browser page with ``user`` signed in through the login form."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.django_db(transaction=True)
def test_ops_closes_with_confirmation_finance_signs_off_then_payroll_downloads(browser, live_server):
    from playwright.sync_api import expect

    ops = make_user(Role.OPS, email="ops@example.com", name="Olive Ops")
    finance = make_user(Role.FINANCE, email="finance@example.com", name="Fran Finance")
    load_worked_example(make_user(Role.CCO, email="cco@example.com"))
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    console = f"{live_server.url}/console/?period=FY22-Q2"

    page = signed_in(browser, live_server, ops)
    page.goto(console)
    page.click("#close-period")  # the required checkbox is not ticked: the browser does not send the form
    expect(page.locator("#close-confirm")).to_be_visible()
    page.check("#close-confirm")
    page.click("#close-period")
    expect(page.locator(".messages")).to_contain_text("Closed FY22-Q2; final runs: CS-FY22 v1.")
    expect(page.locator("#signoff-status")).to_contain_text("not signed off by finance yet")
    expect(page.locator("#export-summary")).to_have_count(0)
    page.context.close()

    page = signed_in(browser, live_server, finance)
    page.goto(console)
    page.click("#signoff-link")
    expect(page.locator("#review-by-currency")).to_contain_text("2,333.33 USD")
    page.fill("#signoff-comment", "Totals match the plan and the on-target amounts.")
    page.check("#signoff-confirm")
    page.click("#sign-off")
    expect(page.locator("#signoff-done")).to_contain_text("Signed off by Fran Finance")

    page.goto(console)
    with page.expect_download() as download:
        page.click("#export-summary")
    path = download.value.path()
    with open(path, encoding="utf-8") as payroll:
        assert payroll.read().splitlines() == [
            "period,employee_id,email,plan,currency,amount,type,restates",
            "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,",
        ]
    page.context.close()
