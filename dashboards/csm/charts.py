"""Figures of "My quarter": the book's dumbbell, a bullet per component and the score trends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from dashboards.charts import PALETTE, Chart, chart, plain


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
    return chart("dumbbell", "Baseline → current → target", fig, height=max(260, 90 + 22 * len(rows)))


def bullet(plan_code: str, line: dict[str, Any], cap: Decimal | None) -> Chart:
    """A component's attainment (in %) against 100% and the cap."""
    attainment = line.get("attainment")
    value = plain(attainment * 100) if attainment is not None else 0.0
    top = max(150.0, plain(cap * 100) if cap is not None else 0.0, value * 1.1)
    steps = [{"range": [0, 100], "color": "#eef0f3"}]
    if cap is not None and cap > 1:
        steps.append({"range": [100, plain(cap * 100)], "color": "#e3f1e7"})
    fig = go.Figure(
        go.Indicator(
            mode="number+gauge",
            value=value,
            number={"suffix": "%", "valueformat": ".1f"},
            gauge={
                "shape": "bullet",
                "axis": {"range": [0, top]},
                "bar": {"color": PALETTE["primary"] if line.get("applies") else PALETTE["muted"]},
                "steps": steps,
                "threshold": {"line": {"color": PALETTE["good"], "width": 3}, "value": 100},
            },
            domain={"x": [0.05, 0.95], "y": [0.1, 0.7]},
        )
    )
    capped = f", cap {plain(cap * 100):.0f}%" if cap is not None else ""
    applies = "" if line.get("applies") else " (does not apply)"
    title = f"{line['component']} attainment{applies} — 100% goal{capped}"
    name = f"bullet-{plan_code}-{line['component']}".lower()
    return chart(name, title, fig, height=130)


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
    return chart("trends", "Scores over the last 90 days", fig, height=360)
