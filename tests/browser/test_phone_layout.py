"""On a phone (360 × 740 CSS pixels) "My quarter" fits the screen: the page itself never scrolls sideways,
a wide table scrolls inside its own box, and the table's first column stays pinned while it does; the
header's links fold behind a menu button (static/attain.css, templates/base.html)."""

from datetime import date

import pytest

from accounts.models import User
from tests.browser.conftest import PASSWORD

TODAY = date(2026, 11, 25)
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.django_db(transaction=True)


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
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_on_a_phone_the_books_first_column_stays_in_view_while_the_table_scrolls(maya, phone, live_server):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", maya.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main button[type=submit]")
    phone.goto(f"{live_server.url}/my/")
    phone.wait_for_load_state("networkidle")
    phone.locator("#chart-dumbbell").scroll_into_view_if_needed()
    phone.wait_for_selector("#chart-dumbbell .main-svg")

    assert not _page_scrolls_sideways(phone)
    table = phone.locator("#tbl-book")
    box = table.locator("xpath=..")  # the table's own scroll box
    assert "table-scroll" in box.get_attribute("class")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the 12 columns are wider than a phone"

    first_cell = table.locator("tbody tr:first-child td:first-child")
    header = table.locator("thead th:first-child")
    first_cell.scroll_into_view_if_needed()
    before = first_cell.bounding_box()
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    phone.wait_for_function("document.querySelector('#tbl-book').parentElement.scrollLeft > 0")

    after = first_cell.bounding_box()
    assert after["x"] == pytest.approx(before["x"], abs=1)  # pinned where it was
    assert after["x"] >= 0 and after["x"] + after["width"] <= PHONE["width"]
    assert header.bounding_box()["x"] == pytest.approx(after["x"], abs=1)
    # The last column scrolled into view beside it, and the pinned cell is the one on top there.
    last = table.locator("tbody tr:first-child td:last-child").bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"] + 1
    x, y = after["x"] + after["width"] / 2, after["y"] + after["height"] / 2
    on_top = phone.evaluate(
        f"document.elementFromPoint({x}, {y}).closest('td, th') !== null && "
        f"document.elementFromPoint({x}, {y}).closest('td, th').cellIndex"
    )
    assert on_top == 0
    assert not _page_scrolls_sideways(phone)


def test_on_a_phone_the_header_links_fold_behind_a_menu_button(maya, phone, live_server):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", maya.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main button[type=submit]")
    phone.goto(f"{live_server.url}/my/")

    link = phone.locator('nav[aria-label="Your pages"] a[aria-current="page"]')
    toggle = phone.locator("button.navbar-toggler")
    assert toggle.is_visible() and not link.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    link.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert not _page_scrolls_sideways(phone)
