"""Tables of the score pages (dashboards.tables: sortable, filterable, CSV and Excel downloads)."""

from __future__ import annotations

from django.urls import reverse

from dashboards.tables import Column, Table

from .links import link_scores
from .portfolio import Portfolio
from .selectors import CriterionLine


def criteria_table(lines: list[CriterionLine]) -> Table:
    """One row per criterion of the day's score: what was measured, its points, weight and what the
    missing-data rule decided."""
    rows = [
        {
            "name": line.name,
            "code": line.code,
            "kind": line.kind,
            "value": line.value,
            "band": line.band,
            "points": line.points,
            "weight": line.weight,
            "weighted": line.weighted,
            "rule": line.rule,
            "decision": line.decision if line.points is not None else f"{line.decision} (not counted)",
        }
        for line in lines
    ]
    return Table(
        "criteria",
        "Criteria of the score",
        [
            Column("name", "Criterion"),
            Column("code", "Code"),
            Column("kind", "Kind"),
            Column("value", "Raw value"),
            Column("band", "Band"),
            Column("points", "Points", "number", help="0–100 points the criterion earned"),
            Column("weight", "Weight", "number", help="The criterion's weight, 1–5"),
            Column("weighted", "Weight × points", "number"),
            Column("rule", "Missing-data rule"),
            Column("decision", "Missing data"),
        ],
        rows,
    )


def portfolio_table(shown: Portfolio) -> Table:
    """The portfolio's customers by score, highest first; each score opens its customer's scorecard and
    each owner their own portfolio."""
    rows = [
        {
            **row,
            "owner_url": reverse("dashboards:score-portfolio-csm", kwargs={"employee_id": row["owner_id"]})
            if row["owner_id"]
            else "",
        }
        for row in shown.rows
    ]
    table = Table(
        "portfolio",
        f"Customers by score on {shown.day.isoformat() if shown.day else '—'}",
        [
            Column("rank", "Rank", "number"),
            Column("customer_id", "Customer ID"),
            Column("name", "Customer"),
            Column("geo", "Geo"),
            Column("segment", "Segment"),
            Column("owner", "Owner"),
            Column("score", "Score", "score"),
            Column("band", "Band"),
            Column("partial", "Partial", help="Some criterion had no data and was excluded"),
            Column("change", f"{shown.trend_days}-day change", "score_change"),
            Column("scorecard", "Scorecard"),
        ],
        rows,
        links={"owner": "owner_url"},
    )
    return link_scores(table, scorecard="scorecard_code")
