"""A CSM clicks a score of their book in Chromium and reads how it was made: the scorecard page with each
criterion's points and weight, then the rules of the scorecard version (docs/scorecards.md "Pages")."""

from datetime import date

import pytest

from accounts.models import User
from tests.browser.conftest import PASSWORD, screenshot

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo_csm(transactional_db):
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters
    from demo.scorecards import seed_demo_scorecards

    seed_demo(today=TODAY)
    run_demo_quarters(today=TODAY)
    seed_demo_scorecards(today=TODAY)
    maya = User.objects.get(name="Maya Patel")
    maya.set_password(PASSWORD)
    maya.save()
    return maya


@pytest.mark.django_db(transaction=True)
def test_csm_clicks_a_score_of_the_book_and_reads_its_rules(demo_csm, sign_in, live_server):
    page = sign_in(demo_csm)
    page.goto(f"{live_server.url}/my/")
    score = page.locator("#tbl-book tbody tr td:nth-child(5) a").first
    customer = page.locator("#tbl-book tbody tr td:nth-child(1)").first.inner_text()

    score.click()
    page.wait_for_selector("#tbl-criteria")

    assert page.url.endswith(f"/scores/customers/{customer}/")
    assert page.locator("h1").inner_text().endswith(customer)
    assert page.locator("#score-value").inner_text().count(".") == 1  # two decimals, out of 100
    headers = page.locator("#tbl-criteria thead th").all_inner_texts()
    assert any("Points" in h for h in headers) and any("Weight" in h for h in headers)
    criteria = page.locator("#tbl-criteria tbody tr")
    assert criteria.count() == 4
    names = page.locator("#tbl-criteria tbody tr td:nth-child(1)").all_inner_texts()
    assert names == ["SSO integrated", "License utilisation", "DAU/MAU", "Weeks active"]
    weights = page.locator("#tbl-criteria tbody tr td:nth-child(7)").all_inner_texts()
    assert weights == ["1", "3", "2", "1"]
    assert "vs 30 days ago" in page.locator("#trend-value").inner_text()
    screenshot(page, "scorecard-customer")

    page.click("#scorecard-rules")
    page.wait_for_selector("#tbl-definition")

    rules = page.locator("main").inner_text()
    assert "each band includes its upper edge; only the first band includes its lower edge" in rules
    assert page.locator("#tbl-definition tbody tr").count() == 4
    assert "Load a new version" not in rules  # ops' link to the admin only
