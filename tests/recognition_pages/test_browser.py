"""The recognition pages in a real browser (Playwright + Debian's Chromium, as tests/browser): ops drafts,
starts and scores a contest, the CCO writes a nudge config and switches the needs-attention list — and
every page on the way passes axe-core with no serious or critical violation."""

from pathlib import Path

import pytest

from accounts.models import Role
from recognition.models import Contest, NudgeConfig, WallSetting
from tests.browser.conftest import PASSWORD, _available
from tests.builders import make_user

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"
SERIOUS = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _available(), reason="needs Playwright and Debian's chromium"),
]


def _signed_in(browser, live_server, user):  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def test_ops_drafts_starts_and_scores_a_contest(browser, live_server):  # noqa: F811
    from playwright.sync_api import expect

    ops = make_user(Role.OPS, name="Olive Ops")
    make_user(Role.CSM, employee_id="E1", name="Ann")
    make_user(Role.CSM, employee_id="E2", name="Bob")
    page = _signed_in(browser, live_server, ops)
    problems: list[str] = []

    page.goto(f"{live_server.url}/recognition/")
    problems += _violations(page)
    page.click("text=New contest")
    page.fill("#id_code", "clean-data-may")
    page.fill("#id_name", "Clean data in May")
    page.fill("#id_start", "2021-05-31")
    page.fill("#id_end", "2021-05-01")  # before the start: named on the form
    page.check("input[name=participants][value=list]")
    page.fill("#id_people", "E1, E2")
    page.fill("#id_prize", "100.00")
    page.fill("#id_currency", "EUR")
    page.click("#contest-form button[type=submit]")
    expect(page.locator(".form-errors")).to_contain_text("before it starts")
    problems += _violations(page)
    assert not Contest.objects.exists()

    page.fill("#id_start", "2021-05-01")
    page.fill("#id_end", "2021-05-31")
    page.click("#contest-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Clean data in May")
    page.click("text=Start the contest")
    expect(page.locator("#contest-status")).to_have_text("Active")
    page.select_option("#id_employee", label="Bob (E2)")
    page.fill("#id_day", "2021-05-03")
    page.fill("#id_points", "-5")
    page.fill("#id_reason", "Data-quality slip")
    page.click("#event-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("-5 points to Bob on 2021-05-03")
    expect(page.locator("#standings tbody tr").first).to_contain_text("Ann")
    problems += _violations(page)
    page.click("#finish-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Winners: Ann (100, 100.00 EUR).")
    problems += _violations(page)
    assert problems == [], "\n".join(problems)


def test_the_cco_writes_a_nudge_and_switches_the_needs_attention_list(browser, live_server):  # noqa: F811
    from playwright.sync_api import expect

    cco = make_user(Role.CCO, name="Cleo CCO")
    page = _signed_in(browser, live_server, cco)
    problems: list[str] = []

    page.goto(f"{live_server.url}/recognition/nudges/")
    problems += _violations(page)
    page.click("text=New nudge config")
    page.fill("#id_code", "logins")
    page.fill("#id_metric", "login_rate")
    page.fill("#id_subject", "Your $metric in $month")
    page.fill("#id_message", "Hello $nom")  # an unknown placeholder: named on the form
    page.fill("#id_task_title", "Prepare a 5-minute demo of a feature")
    page.click("#nudge-form button[type=submit]")
    expect(page.locator(".form-errors")).to_contain_text("unknown or broken placeholder")
    problems += _violations(page)
    page.fill("#id_message", "Hello $name, your $metric in $month was $value. Task: $task")
    page.click("#nudge-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Saved the nudge config logins.")
    page.click("#configs button:has-text('Switch off')")
    expect(page.locator(".messages")).to_contain_text("Switched logins off")
    assert NudgeConfig.objects.get().enabled is False
    problems += _violations(page)

    page.goto(f"{live_server.url}/recognition/fame/")
    page.fill("#id_metric", "login_rate")
    page.click("#needs-attention-setting button:has-text('Switch on')")
    expect(page.locator(".messages")).to_contain_text("The needs-attention list is on")
    expect(page.locator("#needs-attention")).to_be_visible()
    assert WallSetting.objects.get().needs_attention is True
    problems += _violations(page)
    assert problems == [], "\n".join(problems)
