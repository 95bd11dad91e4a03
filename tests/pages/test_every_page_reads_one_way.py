"""Every page, as each role sees it in the demo company, writes values one way (docs/design.md §6
"Formats"): ratios as percentages with one decimal (never a bare 0.6548), weights plainly (never
1.000000), dates ISO (never "Aug. 1, 2026"), money with its currency code (in charts' data tables too) and
a change of money with its sign; scores with two decimals (in charts' data tables too), a change of score
signed; a component's metric value by its metric (a KPI's count, never "800.0%"); a request's value by its
kind (an exception's r as a percentage, extra credit as percentage points, never "0.5"); one h1 and no
skipped heading level; every table in a container of its own that scrolls; every abbreviated column header
explained; a quarter picker on every page that shows a quarter."""

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
SIGNED_MONEY = re.compile(r"[+-]\d{1,3}(?:,\d{3})*\.\d{2} [A-Z]{3}|—")
BARE_MONEY = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}")  # cents without a currency code
SCORE = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}|—")
SIGNED_SCORE = re.compile(r"[+-]\d{1,3}(?:,\d{3})*\.\d{2}|0\.00|—")
PERCENT = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d%")
POINTS_OF_R = re.compile(r"\+\d{1,3}(?:,\d{3})*\.\d percentage points")
# Columns holding an adoption score (tables and charts' data tables; docs/design.md §6 "Formats").
SCORE_HEADER = re.compile(
    r"(?:Latest score|Score|Current|Baseline|Target|Gap to target|Average (?:baseline|target Q[1-4])"
    r"|(?:Baseline|Q[1-4] target) (?:then|now)|(?:Baseline|Target) (?:before|now))"
)
SCORE_CHANGE_HEADER = re.compile(r"\d+-day change")
DATE_RANGE_NOT_EN_DASH = re.compile(r"\d{4}-\d{2}-\d{2} ?(?:…|\.\.\.|-|—|to) ?\d{4}-\d{2}-\d{2}")


def header_text(th) -> str:
    """A column header as a person reads its label: without the hidden "Sort by", explanation or sort hint."""
    text = re.sub(r"\s+", " ", th.text).strip().removeprefix("Sort by ")
    return text.split(", sort all rows")[0].split(" (")[0].strip()


def tables_of(page) -> list[tuple[list[str], list[list[str]], bool]]:
    """Each table's header labels, its rows' cell texts (a row's ``th`` first) and whether it is a chart's."""
    tables = {id(t.attrs): t for t in page.all("table")}
    headers: dict[int, list[str]] = {key: [] for key in tables}
    rows: dict[int, dict[int, list[str]]] = {key: {} for key in tables}
    for cell in [e for e in page.elements if e.tag in ("th", "td")]:
        table = next((id(a) for tag, a in reversed(cell.ancestors) if tag == "table"), None)
        row = next((id(a) for tag, a in reversed(cell.ancestors) if tag == "tr"), None)
        if table not in tables or row is None:
            continue
        if any(tag == "thead" for tag, _ in cell.ancestors):
            headers[table].append(header_text(cell))
        else:
            rows[table].setdefault(row, []).append(re.sub(r"\s+", " ", cell.text).strip())
    return [(headers[key], list(rows[key].values()), tables[key].inside("chart")) for key in tables]


def value_problems(page) -> list[str]:
    """Scores, changes, metric values, request values and chart money, column by column."""
    found = []
    for headers, rows, chart in tables_of(page):
        for row in [r for r in rows if len(r) == len(headers)]:
            cells = dict(zip(headers, row, strict=True))
            for label, text in [(h, t) for h, t in cells.items() if t]:
                if SCORE_HEADER.fullmatch(label) and not SCORE.fullmatch(text):
                    found.append(f"score {label} {text!r}")
                elif SCORE_CHANGE_HEADER.fullmatch(label) and not SIGNED_SCORE.fullmatch(text):
                    found.append(f"score change {label} {text!r}")
                elif label == "Change" and MONEY_CELL.fullmatch(text) and not SIGNED_MONEY.fullmatch(text):
                    found.append(f"change without its sign {text!r}")
                elif chart and not SCORE_HEADER.fullmatch(label) and BARE_MONEY.fullmatch(text):
                    found.append(f"chart money without its currency {label} {text!r}")
            metric, value = cells.get("Metric"), cells.get("Metric value")
            if metric == "kpi" and value and "%" in value:
                found.append(f"KPI value as a percentage {value!r}")
            if metric in ("adoption", "nrr") and value and not PERCENT.fullmatch(value):
                found.append(f"{metric} value not a percentage {value!r}")
            kind, value = cells.get("Kind"), cells.get("Value")
            if kind == "Exception" and value and not PERCENT.fullmatch(value):
                found.append(f"exception's r {value!r}")
            if kind == "Extra credit" and value and not POINTS_OF_R.fullmatch(value):
                found.append(f"extra credit {value!r}")
    return found


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
    found += [f"date range without an en dash: {m}" for m in DATE_RANGE_NOT_EN_DASH.findall(text)]
    found += value_problems(page)
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


def _table(headers: list[str], *rows: list[str], chart: bool = False) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    table = (
        f'<div class="table-scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )
    return f'<h1>Page</h1><figure class="chart">{table}</figure>' if chart else f"<h1>Page</h1>{table}"


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        (
            _table(["Component", "Metric", "Metric value"], ["KPI", "kpi", "800.0%"]),
            "KPI value as a percentage",
        ),
        (_table(["Kind", "Value"], ["Exception", "0.5"]), "exception's r"),
        (_table(["Kind", "Value"], ["Extra credit", "0.1"]), "extra credit"),
        (_table(["Customer", "Latest score"], ["Acme", "70"]), "score Latest score"),
        (_table(["Customer", "Current"], ["Acme", "8.6"], chart=True), "score Current"),
        (_table(["Quarter", "Average baseline"], ["FY27", "60.4"]), "score Average baseline"),
        (_table(["Customer", "30-day change"], ["Acme", "4.20"]), "score change"),
        (_table(["Employee", "Change"], ["E1", "283.33 USD"]), "change without its sign"),
        (_table(["Quarter", "Actual payout (USD)"], ["FY27-Q1", "1,200.00"], chart=True), "chart money"),
        (
            "<h1>What-if</h1><p>Only deals credited in FY27-Q4 (2026-11-01 … 2027-01-31) count.</p>",
            "date range",
        ),
    ],
)
def test_the_walk_catches_a_value_written_against_its_kind(html, problem):
    assert any(found.startswith(problem) for found in problems_of(html)), problems_of(html)


def test_the_walk_accepts_values_written_by_their_kind():
    html = (
        _table(["Component", "Metric", "Metric value"], ["KPI", "kpi", "8"], ["ADOPT", "adoption", "80.0%"])
        + _table(["Kind", "Value"], ["Exception", "50.0%"], ["Extra credit", "+10.0 percentage points"])
        + _table(["Customer", "Latest score", "30-day change"], ["Acme", "70.00", "+4.20"])
        + _table(["Employee", "Change"], ["E1", "+283.33 USD"])
        + _table(
            ["Quarter", "Actual payout (USD)", "Current"], ["FY27-Q1", "1,200.00 USD", "8.65"], chart=True
        )
    ).replace("<h1>Page</h1>", "", 4)
    assert [p for p in problems_of(html) if "h1" not in p] == []
