"""Every page each role opens passes axe-core's checks (WCAG 2.x A and AA and best practices) with no
violation of impact serious or critical: the pages its header links to, the detail pages below them, the
error pages and the login page. axe-core is vendored in tests/browser/vendor/ (README there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Role, User
from adoption.models import Snapshot
from commissions.models import Payout, Period
from tests.browser.conftest import PASSWORD

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DEMO_DAY = date(2026, 11, 25)
SERIOUS = {"serious", "critical"}
JUSTIFICATION = "The customer's usage data was lost in a migration; see the support ticket for details."

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch):
    """The demo company on its demo day, with a draft snapshot, an inquiry and an exception request."""
    from approvals import services
    from dashboards.team import views as team_views
    from demo.company import seed_demo
    from demo.incentives import seed_demo_incentives
    from demo.quarters import run_demo_quarters
    from demo.scorecards import seed_demo_scorecards
    from demo.snapshot import draft_next_year

    summary = seed_demo(today=DEMO_DAY)
    seed_demo_incentives(today=DEMO_DAY)  # as seed_demo does: before the quarters close
    run_demo_quarters(today=DEMO_DAY)
    draft_next_year(summary.fiscal_year)
    seed_demo_scorecards(today=DEMO_DAY)
    monkeypatch.setattr(team_views, "today", lambda: DEMO_DAY)  # the live server runs in this process

    people = {}
    for role in (Role.OPS, Role.CCO, Role.FINANCE, Role.CSVP, Role.CSM):
        person = User.objects.filter(roles__role=role).order_by("pk").first()
        person.set_password(PASSWORD)
        person.save()
        people[role] = person
    csm = people[Role.CSM]
    csvp = User.objects.filter(roles__role=Role.CSVP, geo=csm.geo).order_by("pk").first()
    csvp.set_password(PASSWORD)
    csvp.save()
    people[Role.CSVP] = csvp

    closed = Period.objects.filter(status=Period.Status.CLOSED).order_by("-start").first()
    open_period = (
        Period.objects.filter(status=Period.Status.OPEN, runs__isnull=False).order_by("-start").first()
    )
    customer = csm.ownerships.order_by("pk").first().customer
    inquiry = services.open_inquiry(
        user=csm, period=closed, customer=customer, message="Why is this customer's adoption line so low?"
    )
    request = services.file_request(
        user=csvp,
        kind="exception",
        customer=customer,
        period=open_period,
        value=Decimal("0.9"),
        justification=JUSTIFICATION,
    )
    statement = (
        Payout.objects.filter(employee=csm, run__is_final=True, run__period=closed).order_by("pk").first().run
    )
    from adoption.access import book_of
    from adoption.models import Customer

    return {
        "people": people,
        "csm": csm,
        # A customer of the CSM's book today, scored by the demo's scorecard.
        "scored": Customer.objects.filter(pk__in=book_of([csm.pk])).order_by("customer_id").first(),
        "closed": closed,
        "open": open_period,
        "inquiry": inquiry,
        "request": request,
        "statement": statement,
        "draft": Snapshot.objects.filter(status=Snapshot.Status.DRAFT).order_by("-fiscal_year").first(),
    }


def _pages(role: str, world: dict) -> list[str]:
    """The detail pages of ``role`` beyond its header's links."""
    from demo.incentives import MANUAL_SPIFF, RULE_SPIFF, RUNNING_CONTEST

    closed, open_period = world["closed"].code, world["open"].code
    scored = f"/scores/customers/{world['scored'].customer_id}/"
    rules = "/scores/scorecards/core/v1/"
    return {
        Role.CSM: [
            "/my/",
            f"/my/?period={closed}",
            f"/my/statements/{world['statement'].pk}/",
            f"/requests/inquiries/{world['inquiry'].pk}/",
            "/requests/inquiries/new/",
            "/accounts/password_change/",
            scored,
            rules,
            "/incentives/spiffs/mine/",
            "/incentives/points/",
            "/recognition/fame/",
            "/handbook/",
            f"/handbook/{world['statement'].plan.code}/?period={closed}",
        ],
        Role.CSVP: [
            "/team/",
            f"/my/{world['csm'].employee_id}/",
            f"/requests/{world['request'].pk}/",
            "/requests/new/",
            f"/requests/inquiries/{world['inquiry'].pk}/",
            scored,
            f"/scores/csm/{world['csm'].employee_id}/",
            f"/incentives/spiffs/{RULE_SPIFF}/",
        ],
        Role.CCO: [
            "/company/",
            "/snapshots/",
            f"/snapshots/{world['draft'].fiscal_year}/",
            "/requests/to-approve/",
            f"/requests/{world['request'].pk}/",
            "/audit/",
            rules,
            "/recognition/nudges/",
            f"/incentives/spiffs/{MANUAL_SPIFF}/",  # a grant waiting for the CCO
        ],
        Role.OPS: [
            "/console/",
            f"/console/?period={open_period}",  # the run review of an open quarter
            f"/console/?period={closed}",
            "/console/imports/",
            "/console/corrections/new/",
            f"/console/sign-off/?period={closed}",
            f"/requests/inquiries/{world['inquiry'].pk}/",
            "/requests/to-apply/",
            "/audit/",
            scored,
            rules,
            "/incentives/spiffs/new/",
            "/incentives/points/rules/new/",
            "/incentives/points/rewards/new/",
            "/recognition/contests/new/",
            f"/recognition/contests/{RUNNING_CONTEST}/",
        ],
        Role.FINANCE: [f"/console/?period={closed}", f"/console/sign-off/?period={closed}"],
    }[role]


def _axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in result if v["impact"] in SERIOUS]


def _visit(page, url: str) -> int:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    charts = page.locator("[data-figure]")
    for i in range(charts.count()):
        # Each chart drawn, as a person scrolling the page sees it: axe checks plotly's SVG too.
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached")
    return response.status


def _described(found: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in found.items():
        for violation in violations:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(
                f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}"
                + (f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else "")
            )
    return "\n".join(lines)


def _sign_in(page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_every_page_of_every_role_has_no_serious_or_critical_axe_violation(demo, browser, live_server):
    found: dict[str, list[dict]] = {}
    refused: dict[str, int] = {}

    # Signed out: the login page, and a page not found.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    for url in ("/accounts/login/", "/no-such-page/"):
        _visit(page, live_server.url + url)
        found[f"signed out {url}"] = _axe(page)
    context.close()

    for role, person in demo["people"].items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20000)
        _sign_in(page, live_server.url, person)
        header = page.eval_on_selector_all(
            'nav[aria-label="Your pages"] .navbar-nav a', "links => links.map(a => a.getAttribute('href'))"
        )
        assert header, f"{role} sees no header links"
        for url in dict.fromkeys(["/", *header, *_pages(role, demo)]):
            status = _visit(page, live_server.url + url)
            if status >= 400:
                refused[f"{role} {url}"] = status
            found[f"{role} {url}"] = _axe(page)
        if role == Role.CSM:
            # The refusals a CSM meets: another team's page (403) and a page outside their scope (404).
            for url, expected in (("/console/", 403), ("/my/statements/999999/", 404)):
                assert _visit(page, live_server.url + url) == expected
                found[f"{role} {url}"] = _axe(page)
            # The what-if's answer.
            _visit(page, live_server.url + "/my/")
            page.select_option("#id_kpi", index=1)
            page.fill("#id_kpi_value", "25")
            page.click(".whatif-form button[type=submit]")
            page.wait_for_selector("#tbl-what-if")
            found[f"{role} what-if answer"] = _axe(page)
        context.close()

    assert not refused, f"pages that should open did not: {refused}"
    violations = {url: v for url, v in found.items() if v}
    assert not violations, "axe-core found serious or critical violations:\n" + _described(violations)


def test_the_table_filter_says_how_many_rows_it_shows(browser, live_server):
    from demo.company import seed_demo

    seed_demo(today=DEMO_DAY)
    maya = User.objects.get(name="Maya Patel")
    maya.set_password(PASSWORD)
    maya.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server.url, maya)
    page.goto(f"{live_server.url}/my/")

    rows = page.locator("#tbl-book tbody tr")
    total = rows.count()
    status = page.locator("#tbl-book-count")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    page.fill(
        "input[data-filter-for=tbl-book]", page.inner_text("#tbl-book tbody tr:first-child td:nth-child(2)")
    )
    shown = page.locator("#tbl-book tbody tr:not([hidden])").count()
    assert 1 <= shown < total
    assert status.inner_text() == f"{shown} of {total} rows shown"
    page.fill("input[data-filter-for=tbl-book]", "")
    assert status.inner_text() == f"{total} of {total} rows shown"
    context.close()
