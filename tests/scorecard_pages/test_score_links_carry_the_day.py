"""A score of a past day opens the scorecard page on that day (dashboards.scores.links, docs/scorecards.md
"Pages"): a statement's scores carry ``?on=`` its quarter's last day, a row's score its own day, unless
the customer has no later score (the page opens on that day anyway)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commissions.models import Payout
from dashboards.scores.links import link_scores
from dashboards.tables import Column, Table
from demo.scorecards import seed_demo_scorecards
from tests.dashboards_team.conftest import DEMO_DAY, demo_person

from .conftest import DAY, MONTH_AGO
from .test_every_score_is_a_link import score_cells

pytestmark = pytest.mark.django_db


def hrefs(table: Table) -> dict[str, str | None]:
    link = table.hrefs["score"]
    return {row["customer_id"]: link(row) for row in table.rows}


def book(rows: list[dict]) -> Table:
    return Table("book", "Book", [Column("customer_id", "Customer"), Column("score", "Score", "score")], rows)


def test_a_row_s_past_score_links_to_its_day(scored):
    table = link_scores(
        book(
            [
                {"customer_id": "ACME", "score": Decimal("67.14"), "score_on": MONTH_AGO},
                {"customer_id": "CARL", "score": Decimal("85.71"), "score_as_of": DAY},
            ]
        )
    )

    assert hrefs(table) == {
        "ACME": "/scores/customers/ACME/?on=2026-05-31",
        "CARL": "/scores/customers/CARL/",  # no later score: the page opens on that day anyway
    }


def test_a_table_s_day_is_carried_with_the_scorecard(scored):
    table = link_scores(
        book([{"customer_id": "ACME", "score": Decimal("67.14"), "code": "core"}]),
        scorecard="code",
        on=MONTH_AGO,
    )

    assert hrefs(table) == {"ACME": "/scores/customers/ACME/?scorecard=core&on=2026-05-31"}


def test_a_past_score_s_link_opens_the_page_on_that_day(client, scored):
    client.force_login(scored["alice"])

    shown = client.get("/scores/customers/ACME/?on=2026-05-31").context["shown"]

    assert (shown.day, shown.score) == (MONTH_AGO, Decimal("67.14"))


def test_a_statement_s_scores_open_the_scorecard_on_its_quarter_s_last_day(client, demo):
    seed_demo_scorecards(today=DEMO_DAY)
    csm = demo_person("csm")
    run = Payout.objects.filter(employee=csm, run__is_final=True).order_by("-run__period__start").first().run
    assert run.period.end < DEMO_DAY
    client.force_login(csm)

    cells = [
        c
        for c in score_cells(client.get(f"/my/statements/{run.pk}/").content.decode())
        if c[0] == "tbl-customers"
    ]

    assert cells
    assert {href.split("?", 1)[1] for _, _, href in cells} == {f"on={run.period.end.isoformat()}"}
