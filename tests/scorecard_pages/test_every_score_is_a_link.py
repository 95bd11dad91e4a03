"""Every adoption score a page shows opens the customer's scorecard page (dashboards.scores.links): the
CSM's book on /my/, a statement's customers, the team page's at-risk list, a request's customer, the
portfolio — in the demo company, with the demo's scorecard computed as ``make run`` computes it."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from adoption.models import Customer
from commissions.models import Payout, Period
from demo.scorecards import seed_demo_scorecards
from tests.dashboards_team.conftest import DEMO_DAY, demo_person

pytestmark = pytest.mark.usefixtures("on_demo_day")

SCORE_LINK = "/scores/customers/"


class Tables(HTMLParser):
    """Each table's header labels and its body's cells as (text, href of a link in it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.cell: list | None = None
        self.section = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"id": attrs.get("id", ""), "headers": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self.cell = ["", None]
        elif tag == "a" and self.cell is not None:
            self.cell[1] = attrs.get("href")
        elif tag == "span" and "visually-hidden" in (attrs.get("class") or "") and self.cell is not None:
            self.cell.append("hidden")

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None and self.tables:
            text = self.cell[0].strip()
            if self.section == "thead":
                self.tables[-1]["headers"].append(text)
            elif self.tables[-1]["rows"]:
                self.tables[-1]["rows"][-1].append((text, self.cell[1]))
            self.cell = None
        elif tag == "span" and self.cell is not None and self.cell[-1] == "hidden":
            self.cell.pop()

    def handle_data(self, data):
        if self.cell is not None and self.cell[-1] != "hidden":
            self.cell[0] += data


def score_cells(html: str) -> list[tuple[str, str, str | None]]:
    """(table id, text, href) of every cell of a score column ("Score", "Latest score") of the page's
    tables, charts' data tables left out (a chart's own table is about the chart)."""
    parser = Tables()
    parser.feed(html)
    found = []
    for table in parser.tables:
        if not table["id"].startswith("tbl-"):
            continue
        columns = [
            i for i, label in enumerate(table["headers"]) if label.lower() in ("score", "latest score")
        ]
        for row in table["rows"]:
            for i in columns:
                if i < len(row) and row[i][0] not in ("", "—"):
                    found.append((table["id"], *row[i]))
    return found


def assert_every_score_links(html: str, table: str) -> None:
    cells = score_cells(html)
    assert any(t == table for t, _, _ in cells), f"no score shown in {table}"
    unlinked = [(t, text) for t, text, href in cells if not (href or "").startswith(SCORE_LINK)]
    assert unlinked == []


def test_every_score_of_the_csm_s_book_is_a_link(client, demo):
    client.force_login(demo_person("csm"))

    assert_every_score_links(client.get("/my/").content.decode(), "tbl-book")


def test_every_score_of_a_statement_is_a_link(client, demo):
    csm = demo_person("csm")
    run = Payout.objects.filter(employee=csm, run__is_final=True).order_by("-run__period__start").first().run
    client.force_login(csm)

    assert_every_score_links(client.get(f"/my/statements/{run.pk}/").content.decode(), "tbl-customers")


def test_every_score_of_the_team_page_is_a_link(client, demo):
    client.force_login(demo_person("csvp"))

    assert_every_score_links(client.get("/team/").content.decode(), "tbl-at-risk")


def test_the_score_of_a_request_s_customer_is_a_link(client, demo):
    vp = demo_person("csvp")
    customer = Customer.objects.filter(geo=vp.geo).order_by("customer_id").first()
    period = Period.objects.filter(status=Period.Status.OPEN).order_by("start").first()
    client.force_login(vp)

    html = client.get(f"/requests/new/?customer={customer.customer_id}&period={period.code}").content.decode()

    assert f'<a class="score-link" href="{SCORE_LINK}{customer.customer_id}/"' in html


def test_every_score_of_the_portfolio_is_a_link_and_opens_its_scorecard(client, demo):
    seed_demo_scorecards(today=DEMO_DAY)
    csm = demo_person("csm")
    client.force_login(csm)

    html = client.get("/scores/").content.decode()

    assert_every_score_links(html, "tbl-portfolio")
    _, _, href = next(c for c in score_cells(html) if c[0] == "tbl-portfolio")
    page = client.get(href)
    assert page.status_code == 200 and page.context["shown"] is not None


def test_the_demo_scores_every_csm_s_customers(client, demo):
    line = seed_demo_scorecards(today=DEMO_DAY)

    assert line and "scored" in line
    for role in ("csm", "csvp", "cco"):
        client.force_login(demo_person(role))
        shown = client.get("/scores/").context["portfolio"]
        assert shown.scored > 0 and shown.average is not None, role
    assert seed_demo_scorecards(today=DEMO_DAY) is None  # seeded once


def test_the_score_link_tag_writes_a_link_or_a_dash(demo):
    template = Template("{% load scores %}{% score_link customer score %}|{% score_link customer none %}")

    out = template.render(Context({"customer": "CUST-0001", "score": Decimal("62.40"), "none": None}))

    assert out.startswith('<a class="score-link" href="/scores/customers/CUST-0001/"')
    assert out.endswith(">62.40</a>|—")  # a score has two decimals wherever it is written
