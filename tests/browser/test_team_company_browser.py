"""The Geo VP's team page and the CCO's company page in a real browser: charts drawn, sorting and
filtering work; screenshots for the docs."""

from datetime import date

import pytest

from accounts.models import User
from tests.browser.conftest import PASSWORD, screenshot

DEMO_DAY = date(2026, 11, 25)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch):
    from dashboards.team import views
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=DEMO_DAY)
    run_demo_quarters(today=DEMO_DAY)
    monkeypatch.setattr(views, "today", lambda: DEMO_DAY)  # the live server runs in this process


def _login(role: str, geo: str = "") -> User:
    people = User.objects.filter(roles__role=role)
    person = (people.filter(geo=geo) if geo else people).order_by("pk").first()
    person.set_password(PASSWORD)
    person.save()
    return person


def _wait_for_charts(page, count: int) -> None:
    page.wait_for_selector(".js-plotly-plot .main-svg")
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {count}")


def _column(page, table: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#tbl-{table} tbody tr:not([hidden])",
        f"rows => rows.map(r => r.children[{index}].textContent.trim())",
    )


def test_csvp_team_page(demo, live_server, sign_in, page):
    vp = _login("csvp", "AMER")
    sign_in(vp)
    page.goto(f"{live_server.url}/team/")
    _wait_for_charts(page, 2)
    assert "Team AMER" in page.inner_text("h1")

    names = _column(page, "leaderboard", 1)
    assert len(names) >= 3
    page.click("#tbl-leaderboard button.sort[data-column='1']")
    assert _column(page, "leaderboard", 1) == sorted(names)
    page.click("#tbl-leaderboard button.sort[data-column='1']")
    assert _column(page, "leaderboard", 1) == sorted(names, reverse=True)

    page.fill("input[data-filter-for='tbl-leaderboard']", names[0])
    assert _column(page, "leaderboard", 1) == [names[0]]
    page.fill("input[data-filter-for='tbl-leaderboard']", "")
    assert len(_column(page, "leaderboard", 1)) == len(names)
    screenshot(page, "csvp-team")


def test_cco_company_page(demo, live_server, sign_in, page):
    cco = _login("cco")
    sign_in(cco)
    page.goto(f"{live_server.url}/company/")
    _wait_for_charts(page, 2)
    assert page.locator("#chart-actual-vs-oti .main-svg").count() >= 1
    assert page.locator("#chart-payout-by-component .main-svg").count() >= 1
    geos = _column(page, "by-geo", 1)
    assert {"AMER", "EMEA", "APAC"} <= set(geos)
    page.fill("input[data-filter-for='tbl-by-geo']", "EMEA")
    assert set(_column(page, "by-geo", 1)) == {"EMEA"}
    page.fill("input[data-filter-for='tbl-by-geo']", "")
    screenshot(page, "cco-company")
