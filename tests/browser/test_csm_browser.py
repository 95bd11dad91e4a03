"""A CSM opens "My quarter" in Chromium: the charts draw, tables sort and filter, another CSM's page is
refused, and a statement opens onto its derivation."""

from datetime import date

import pytest

from accounts.models import User
from commissions.models import Payout
from tests.browser.conftest import PASSWORD, screenshot

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo_csm(transactional_db):
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=TODAY)
    run_demo_quarters(today=TODAY)
    maya = User.objects.get(name="Maya Patel")
    maya.set_password(PASSWORD)
    maya.save()
    return maya


def _order(page, table: str, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#tbl-{table} tbody tr", f"rows => rows.map(r => r.children[{column}].getAttribute('data-sort'))"
    )


@pytest.mark.django_db(transaction=True)
def test_csm_tracks_the_quarter_in_the_browser(demo_csm, sign_in, live_server):
    page = sign_in(demo_csm)
    page.goto(f"{live_server.url}/my/")
    charts = page.locator("[data-figure]")
    assert charts.count() >= 2  # the dumbbell and the trends; each component's attainment is a card
    assert page.locator(".bullets .headline .figure-value").count() >= 1
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()  # a chart is drawn when it comes near the screen
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached")
    assert page.locator(".js-plotly-plot .main-svg").count() >= charts.count()

    screenshot(page, "csm-my-quarter")
    before = _order(page, "book", 4)  # latest score
    page.click("#tbl-book th:nth-child(5) button.sort")
    after = _order(page, "book", 4)
    assert after != before
    numbers = [float(v) for v in after if v]
    assert numbers == sorted(numbers)

    rows = page.locator("#tbl-book tbody tr")
    total = rows.count()
    first_name = page.inner_text("#tbl-book tbody tr:first-child td:nth-child(2)")
    page.fill("input[data-filter-for=tbl-book]", first_name)
    visible = page.locator("#tbl-book tbody tr:not([hidden])").count()
    assert 1 <= visible < total

    page.fill("input[data-filter-for=tbl-book]", "")
    page.select_option("#id_kpi", index=1)
    page.fill("#id_kpi_value", "25")
    page.click(".whatif-form button[type=submit]")
    page.wait_for_selector("#tbl-what-if")
    assert "Nothing was saved" in page.content()
    screenshot(page, "csm-what-if")

    other = User.objects.get(name="Haruto Sato")
    response = page.goto(f"{live_server.url}/my/{other.employee_id}/")
    assert response.status == 404

    payout = (
        Payout.objects.filter(employee=demo_csm, run__is_final=True).order_by("-run__period__start").first()
    )
    page.goto(f"{live_server.url}/my/statements/{payout.run_id}/")
    page.click("details.derivation summary >> nth=0")
    assert page.locator("details.derivation[open] #tbl-customers").is_visible()
    screenshot(page, "csm-statement")
