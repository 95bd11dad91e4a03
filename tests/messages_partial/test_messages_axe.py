"""A page showing a success and an error message passes axe-core with no serious or critical violation
(Playwright + Debian's Chromium, as tests/browser): the shared messages partial, as every page that
includes it shows it."""

from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, _available

from .conftest import ERROR, PAGE, SUCCESS

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"
SERIOUS = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _available(), reason="needs Playwright and Debian's chromium"),
]


def test_a_page_with_a_success_and_an_error_message_passes_axe(browser, live_server, ops, draft):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", ops.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")

    # Start the contest twice without following the redirects (the browser context's cookies): the
    # success and the error wait, both, for the next page.
    page.goto(f"{live_server.url}{PAGE}")
    token = page.input_value("input[name=csrfmiddlewaretoken] >> nth=0")
    for _ in range(2):
        response = page.request.post(
            f"{live_server.url}{PAGE}start/", form={"csrfmiddlewaretoken": token}, max_redirects=0
        )
        assert response.status == 302
    page.goto(f"{live_server.url}{PAGE}")

    expect(page.get_by_role("status").filter(has_text=SUCCESS)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=ERROR)).to_be_visible()
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']} ({v['impact']}) {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in SERIOUS
    ]
    assert serious == []
    context.close()
