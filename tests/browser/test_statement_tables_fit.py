"""On a 1280 px screen a CSM's statement shows its payout lines whole: the table fits its box, so the "Ask
about this line" column is not cut off behind a scroll ("Ask abou"), no header spills over its neighbour
(Bootstrap's aspect-ratio helper ``.ratio`` once lifted the sort buttons of ratio columns out of their
cells), and the page never scrolls sideways; a table still wider than its box scrolls inside it with every
cell whole (static/attain.css)."""

from datetime import date

import pytest

from accounts.models import User
from commissions.models import Payout
from tests.browser.conftest import PASSWORD

TODAY = date(2026, 11, 25)
SCREEN = {"width": 1280, "height": 900}

pytestmark = pytest.mark.django_db(transaction=True)

# Each cell of a table whose content is wider than the cell (spilling over or cut off), by its text.
SPILLED_CELLS = """table => [...table.querySelectorAll('th, td')]
    .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
    .map(cell => cell.textContent.trim())"""


@pytest.fixture
def maya(transactional_db):
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    seed_demo(today=TODAY)
    run_demo_quarters(today=TODAY)
    person = User.objects.get(name="Maya Patel")
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def test_at_1280_px_the_payout_lines_and_their_ask_column_are_whole(maya, screen, live_server):
    screen.goto(f"{live_server.url}/accounts/login/")
    screen.fill("input[name=username]", maya.email)
    screen.fill("input[name=password]", PASSWORD)
    screen.click("main button[type=submit]")
    payout = Payout.objects.filter(employee=maya, run__is_final=True).order_by("-run__period__start").first()
    screen.goto(f"{live_server.url}/my/statements/{payout.run_id}/")
    screen.wait_for_load_state("networkidle")

    table = screen.locator("#tbl-lines")
    box = table.locator("xpath=..")
    assert "table-scroll" in box.get_attribute("class")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the payout lines fit their box"
    assert table.evaluate(SPILLED_CELLS) == []

    asks = table.locator("tbody td:last-child a")
    assert asks.count() == 3  # ADOPTION, NRR and KPI, each with its question link
    edge = box.bounding_box()
    for i in range(asks.count()):
        link = asks.nth(i)
        assert link.inner_text().split() == ["Ask", "about", "this", "line"]
        shown = link.bounding_box()
        assert shown["x"] + shown["width"] <= edge["x"] + edge["width"] + 0.5, "the link is cut off"

    # Every other table of the statement (the derivations opened): whole cells, a box of its own to
    # scroll in when wider than the page, and the page itself never wider than the screen.
    screen.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    for other in screen.locator(".table-scroll > table").all():
        assert other.evaluate(SPILLED_CELLS) == [], other.get_attribute("id")
    assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
