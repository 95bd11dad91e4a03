"""Figures of "My quarter": the book's dumbbell, a bullet per component and the score trends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from commissions.services.plans import line_unit, unit_value_text
from commissions.services.plans.computed import RATIO
from core import formatting as fmt
from dashboards.charts import PALETTE, Chart, Headline, chart, plain, score_cell


def dumbbell(book: list[dict[str, Any]]) -> Chart:
    """Per customer a line from baseline through the latest score to the target."""
    rows = [row for row in book if row["baseline"] is not None or row["score"] is not None]
    fig = go.Figure()
    xs, ys = [], []
    for row in rows:
        points = [v for v in (row["baseline"], row["score"], row["target"]) if v is not None]
        xs += [plain(min(points)), plain(max(points)), None]
        ys += [row["name"], row["name"], None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#c5ccd6", "width": 3},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for key, label, color, symbol in (
        ("baseline", "Baseline", PALETTE["muted"], "circle-open"),
        ("score", "Current", PALETTE["primary"], "circle"),
        ("target", "Target", PALETTE["good"], "diamond"),
    ):
        shown = [row for row in rows if row[key] is not None]
        fig.add_trace(
            go.Scatter(
                x=[plain(row[key]) for row in shown],
                y=[row["name"] for row in shown],
                mode="markers",
                name=label,
                marker={"color": color, "symbol": symbol, "size": 10},
            )
        )
    fig.update_xaxes(title="Adoption score", range=[0, 100])
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    return chart(
        "dumbbell",
        "Baseline → current → target",
        fig,
        height=max(260, 90 + 22 * len(rows)),
        description=f"Adoption score (0–100) of the {len(rows)} customers of the book: "
        "baseline, latest score and target.",
        columns=["Customer", "Baseline", "Current", "Target"],
        rows=[
            [row["name"], score_cell(row["baseline"]), score_cell(row["score"]), score_cell(row["target"])]
            for row in rows
        ],
        numeric=[False, True, True, True],
    )


def _goal_met(line: dict[str, Any]) -> str:
    """What 100% attainment of ``line`` means, in the plan's own goal: "NRR of 110.0% (from 100.0%)",
    "10 prs", else "the target met" (adoption: each customer at its target)."""
    detail = line.get("detail") if isinstance(line.get("detail"), dict) else {}
    goal = detail.get("goal")
    if line.get("metric") == "nrr" and goal is not None:
        floor = detail.get("floor")
        start = f" (0% at {fmt.percent(floor)})" if floor is not None else ""
        return f"NRR of {fmt.percent(goal)}{start}"
    if line.get("metric") == "kpi" and goal is not None:
        # The goal in the KPI's unit (commissions.services.plans.line_value_text): "75.0% avg_utilisation".
        unit = line_unit("kpi", detail)
        shown = unit_value_text(goal, RATIO) if unit == RATIO else fmt.number(goal)
        return f"{shown} {detail.get('kpi', '')}".strip()
    return "the targets met"


def bullet(plan_code: str, line: dict[str, Any], cap: Decimal | None) -> Chart:
    """A component's attainment (in %) against the 100% goal and the cap, as a headline card: the
    number, and a gauge drawn in HTML (plotly's cartesian bundle has no indicator, and a number reads
    better than a gauge to a screen reader)."""
    attainment = line.get("attainment")
    value = plain(attainment * 100) if attainment is not None else 0.0
    cap_percent = plain(cap * 100) if cap is not None else None
    top = max(150.0, cap_percent or 0.0, value * 1.1)
    applies = bool(line.get("applies"))
    capped = f", cap {fmt.percent(cap, places=0)}" if cap is not None else ""
    title = f"{line['component']} attainment{'' if applies else ' (does not apply)'}"
    name = f"bullet-{plan_code}-{line['component']}".lower()
    shown = fmt.percent(attainment)
    note = (
        f"{fmt.percent(1, places=0)} = {_goal_met(line)}"
        + capped
        + ("" if applies else "; this component does not apply")
    )
    headline = Headline(
        value=shown,
        note=note,
        applies=applies,
        bar_width=round(min(value, top) / top * 100, 2),
        goal_at=round(100 / top * 100, 2),
        cap_at=round(cap_percent / top * 100, 2) if cap_percent is not None and cap_percent > 100 else None,
    )
    return Chart(
        name=name,
        title=title,
        figure=None,
        description=f"{line['component']}: {shown} attainment, {note}.",
        columns=["Component", "Attainment", "Goal", "Cap"],
        rows=[
            [
                line["component"],
                shown,
                fmt.percent(1, places=0),
                fmt.percent(cap, places=0) if cap is not None else "",
            ]
        ],
        numeric=[False, True, True, True],
        height=0,
        headline=headline,
    )


def trends(series: dict[str, list[tuple[date, Decimal]]]) -> Chart:
    """The book's scores over the last 90 days, one line per customer."""
    fig = go.Figure()
    for name, points in series.items():
        if points:
            fig.add_trace(
                go.Scatter(
                    x=[d.isoformat() for d, _ in points],
                    y=[plain(s) for _, s in points],
                    mode="lines+markers",
                    name=name,
                    marker={"size": 4},
                )
            )
    fig.update_yaxes(title="Adoption score", range=[0, 100])
    fig.update_xaxes(type="date")
    shown = {name: points for name, points in series.items() if points}
    return chart(
        "trends",
        "Scores over the last 90 days",
        fig,
        height=360,
        description=f"Adoption score (0–100) by day, one line for each of {len(shown)} customers.",
        columns=["Customer", "Date", "Score"],
        rows=[[name, fmt.iso_date(d), score_cell(s)] for name, points in shown.items() for d, s in points],
        numeric=[False, False, True],
    )
