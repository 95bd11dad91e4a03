"""Every page, as each role sees it in the demo company, writes values one way (docs/design.md §6
"Formats"): ratios as percentages with one decimal (never a bare 0.6548), weights plainly (never
1.000000), dates ISO (never "Aug. 1, 2026"), money with its currency code; one h1 and no skipped heading
level; every table in a container of its own that scrolls; every abbreviated column header explained;
a quarter picker on every page that shows a quarter."""

from __future__ import annotations

import re

import pytest

from adoption.models import Snapshot
from approvals.models import Inquiry, Request
from commissions.models import Payout, Period
from dashboards.glossary import abbreviations_in
from tests.dashboards_team.conftest import DEMO_DAY, demo_person
from tests.pages.reading import read

pytestmark = pytest.mark.usefixtures("on_demo_day")

BARE_RATIO = re.compile(r"(?<![\d,.])[01]\.\d{4,}(?![\d%])")
SIX_ZEROS = re.compile(r"\d\.\d*0{6}\b")
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
)
NOT_ISO = [
    re.compile(rf"\b{MONTH} \d{{1,2}}\b"),  # Aug. 1, Oct 31, August 1
    re.compile(rf"\b\d{{1,2}} {MONTH}"),  # 01 August
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),  # 8/1/2026
    re.compile(r"\b\d{1,2}(?::\d{2})? [ap]\.m\."),  # 2 p.m.
]
MONEY = r"[+-]?\d{1,3}(?:,\d{3})*\.\d{2,} [A-Z]{3}"
MONEY_CELL = re.compile(rf"(?:{MONEY})(?:, {MONEY})*|no payout change|—")
GROUPED_CENTS = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+\.\d{2}\b(?!\d| [A-Z]{3})")


def closed_code() -> str:
    return (
        Period.objects.filter(status=Period.Status.CLOSED)
        .order_by("-start")
        .values_list("code", flat=True)[0]
    )


def pages_of(persona: str) -> list[str]:
    closed = closed_code()
    if persona == "csm":
        csm = demo_person("csm")
        run = (
            Payout.objects.filter(employee=csm, run__is_final=True)
            .order_by("-run__period__start")
            .first()
            .run
        )
        return [
            "/my/",
            f"/my/?period={closed}",
            f"/my/statements/{run.pk}/",
            "/requests/",
            "/requests/inquiries/",
        ]
    if persona == "csvp":
        csm = demo_person("csm", geo=demo_person("csvp").geo)
        return ["/team/", f"/team/?period={closed}", f"/my/{csm.employee_id}/"]
    if persona == "cco":
        years = Snapshot.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True)
        pages = ["/company/", f"/company/?period={closed}", "/snapshots/", "/requests/to-approve/"]
        pages += [f"/snapshots/{year}/" for year in years]
        first = Request.objects.order_by("pk").first()
        return pages + ([f"/requests/{first.pk}/"] if first else [])
    if persona == "finance":
        return [f"/console/sign-off/?period={closed}", "/company/", "/audit/"]
    pages = ["/console/", f"/console/?period={closed}", "/console/imports/", "/requests/to-apply/"]
    inquiry = Inquiry.objects.order_by("pk").first()
    return pages + ([f"/requests/inquiries/{inquiry.pk}/"] if inquiry else [])


def problems_of(html: str) -> list[str]:
    page = read(html)
    text = page.text
    found = [f"bare ratio {m}" for m in BARE_RATIO.findall(text)]
    found += [f"weight with six zeros {m}" for m in SIX_ZEROS.findall(text)]
    found += [f"date not ISO: {m}" for pattern in NOT_ISO for m in pattern.findall(text)]
    found += [f"money without its currency: {m}" for m in GROUPED_CENTS.findall(text)]
    for cell in [e for e in page.elements if not e.inside("chart", "headline")]:
        shown = re.sub(r"\s+", " ", cell.text.strip())
        if "money" in cell.classes and cell.tag in ("td", "dd", "span") and shown:
            found += [] if MONEY_CELL.fullmatch(shown) else [f"money cell {shown!r}"]
    headings = page.headings()
    if headings.count(1) != 1:
        found.append(f"{headings.count(1)} h1")
    found += [f"heading h{b} after h{a}" for a, b in zip(headings, headings[1:], strict=False) if b > a + 1]
    for table in [t for t in page.all("table") if not t.inside("chart")]:
        if not table.inside("table-scroll", "table-responsive"):
            found.append(f"table {table.attrs.get('id', '')} outside a scrolling container")
    abbrs = [e for e in page.all("abbr") if e.attrs.get("title")]
    for th in [th for th in page.all("th") if not th.inside("chart") and th.attrs.get("scope") != "row"]:
        label = th.text.split("(")[0]
        if abbreviations_in(label) and not any(any(a is th.attrs for _, a in e.ancestors) for e in abbrs):
            found.append(f"header {th.text.strip()!r} unexplained")
    return found


@pytest.mark.parametrize("persona", ["csm", "csvp", "cco", "finance", "ops"])
def test_every_page_of_each_role_writes_ratios_dates_weights_and_money_one_way(client, demo, persona):
    client.force_login(demo_person(persona))
    problems = {}
    for url in pages_of(persona):
        response = client.get(url)
        assert response.status_code == 200, url
        if found := problems_of(response.content.decode()):
            problems[url] = found[:6]
    assert problems == {}


QUARTER_PAGES = {
    "csm": ["/my/", "/my/statements/{run}/"],
    "csvp": ["/team/"],
    "cco": ["/company/"],
    "finance": ["/console/sign-off/?period={closed}"],
    "ops": ["/console/", "/console/?period={closed}"],
}


@pytest.mark.parametrize("persona", QUARTER_PAGES)
def test_every_page_showing_a_quarter_offers_the_quarter_picker(client, demo, persona):
    person = demo_person(persona)
    client.force_login(person)
    run = Payout.objects.filter(run__is_final=True, employee=person).values_list("run", flat=True).first()
    closed = closed_code()
    for url in QUARTER_PAGES[persona]:
        html = client.get(url.format(run=run, closed=closed)).content.decode()
        form = re.search(r'<form method="get"[^>]*class="quarter-picker[^"]*".*?</form>', html, re.S)
        assert form, url
        assert '<label for="quarter-picker-select">' in form.group(0)
        codes = re.findall(r'<option value="(FY\d\d-Q[1-4])"', form.group(0))
        selected = re.findall(r'<option value="(FY\d\d-Q[1-4])?" selected>', form.group(0))  # "": all
        assert closed in codes and len(selected) == 1, url


def test_team_and_company_honour_the_quarter_asked_for_and_refuse_a_bad_code(client, demo):
    closed = closed_code()
    client.force_login(demo_person("cco"))

    team = client.get(f"/team/?period={closed}")
    company = client.get(f"/company/?period={closed}")

    assert team.context["period"].code == closed
    assert re.search(rf'<option value="{closed}" selected>', team.content.decode())
    assert {row["period"] for row in company.context["data"].by_quarter} == {closed}
    assert re.search(rf'<option value="{closed}" selected>', company.content.decode())
    for page in ("/team/", "/company/"):
        response = client.get(f"{page}?period=FY27-Q9")
        assert response.status_code == 404
        assert "is not a quarter" in response.content.decode()


def score_pages_of(persona: str) -> list[str]:
    """The score pages (docs/scorecards.md "Pages") a persona opens, with the demo's scorecard computed."""
    from adoption.access import book_of
    from adoption.models import Customer

    csm = demo_person("csm", geo=demo_person("csvp").geo)
    customer = Customer.objects.filter(pk__in=book_of([csm.pk])).order_by("customer_id").first()
    pages = ["/scores/", f"/scores/customers/{customer.customer_id}/", "/scores/scorecards/core/v1/"]
    if persona == "csm":
        return pages if csm == demo_person("csm") else ["/scores/", "/scores/scorecards/core/v1/"]
    return [*pages, f"/scores/csm/{csm.employee_id}/"]


@pytest.mark.parametrize("persona", ["csm", "csvp", "cco", "finance", "ops"])
def test_every_score_page_of_each_role_writes_values_one_way(client, demo, persona):
    from demo.scorecards import seed_demo_scorecards

    seed_demo_scorecards(today=DEMO_DAY)
    client.force_login(demo_person(persona))
    problems = {}
    for url in score_pages_of(persona):
        response = client.get(url)
        assert response.status_code == 200, url
        if found := problems_of(response.content.decode()):
            problems[url] = found[:6]
    assert problems == {}
