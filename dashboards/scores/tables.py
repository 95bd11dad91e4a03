"""Tables of the score pages (dashboards.tables: sortable, filterable, CSV and Excel downloads)."""

from __future__ import annotations

from django.urls import reverse

from dashboards.tables import Column, Table

from .links import link_scores
from .portfolio import Portfolio
from .selectors import CriterionLine, CustomerScore


def criteria_table(lines: list[CriterionLine], *, shown: CustomerScore | None = None) -> Table:
    """One row per criterion of the day's score: what was measured, its points, weight and what the
    missing-data rule decided. Points are written with two decimals, as scores are. With ``shown`` (the
    download) each row ends with the customer, the day, the scorecard version and the score, so the
    file says what it is of."""
    context = (
        {
            "customer_id": shown.customer.customer_id,
            "day": shown.day,
            "version": f"{shown.scorecard.code} v{shown.version.version}",
            "score": shown.score,
        }
        if shown is not None
        else {}
    )
    trailing = (
        [
            Column("customer_id", "Customer ID"),
            Column("day", "Day", "date"),
            Column("version", "Scorecard version"),
            Column("score", "Score", "score"),
        ]
        if shown is not None
        else []
    )
    rows = [
        {
            **context,
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
            Column("points", "Points", "score", help="0–100 points the criterion earned"),
            Column("weight", "Weight", "number", help="The criterion's weight, 1–5"),
            Column("weighted", "Weight × points", "score"),
            Column("rule", "Missing-data rule"),
            Column("decision", "Missing data"),
            *trailing,
        ],
        rows,
    )


def portfolio_table(shown: Portfolio, *, scope: str = "") -> Table:
    """The portfolio's customers by score, highest first; each score opens its customer's scorecard and
    each owner their own portfolio. With ``scope`` (the download: "Geo AMER", "CSM Bob Amer (E-2)") each
    row leads with the day, the scorecard's code and version and the scope, so the file says what it
    is of."""
    leading = (
        [
            Column("day", "Day", "date"),
            Column("code_of_file", "Scorecard code"),
            Column("scorecard_version", "Scorecard version"),
            Column("scope", "Portfolio"),
        ]
        if scope
        else []
    )
    rows = [
        {
            **row,
            "day": shown.day,
            "code_of_file": row["scorecard_code"] or ", ".join(s.code for s in shown.scorecards),
            "scorecard_version": row["scorecard"].rsplit(" ", 1)[-1] if row["scorecard"] else "",
            "scope": scope,
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
            *leading,
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
