"""Figures of the team page: how the geo's projected attainment is distributed."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from dashboards.charts import PALETTE, Chart, chart, percent_cell, plain

from .selectors import Leaderboard


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else plain(value * 100)


def payout_distribution(board: Leaderboard) -> Chart:
    """Histogram of projected payout as a share of on-target amount, one count per CSM and plan."""
    rows = [row for row in board.rows if row["payout_ratio"] is not None]
    values = [_percent(row["payout_ratio"]) for row in rows]
    fig = go.Figure(
        go.Histogram(
            x=values,
            xbins={"size": 10},
            marker={"color": PALETTE["primary"], "line": {"color": "white", "width": 1}},
            name="CSMs",
            hovertemplate="%{x}% of OTI: %{y} CSMs<extra></extra>",
        )
    )
    fig.add_vline(x=100, line={"color": PALETTE["good"], "dash": "dash"})
    fig.update_layout(
        xaxis={"title": "Projected payout, % of on-target amount", "ticksuffix": "%"},
        yaxis={"title": "CSMs", "dtick": 1},
        bargap=0.05,
    )
    return chart(
        "attainment-histogram",
        "Projected payout / OTI across the geo's CSMs",
        fig,
        description=f"How many of {len(rows)} CSM plans project each payout as a share of the on-target "
        "amount, in bands of 10 points; the dashed line marks 100%.",
        columns=["CSM", "Plan", "Projected payout / OTI"],
        rows=[[row["csm"], row["plan"], percent_cell(row["payout_ratio"])] for row in rows],
        numeric=[False, False, True],
    )


def component_attainment(board: Leaderboard) -> Chart:
    """A box per component: the spread of projected attainment, every CSM shown as a point."""
    fig = go.Figure()
    table = [row for row in board.rows if any(row.get(f"att_{c}") is not None for c in board.components)]
    for component in board.components:
        rows = [row for row in board.rows if row.get(f"att_{component}") is not None]
        fig.add_trace(
            go.Box(
                y=[_percent(row[f"att_{component}"]) for row in rows],
                text=[row["csm"] for row in rows],
                name=component,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": PALETTE["primary"], "size": 7},
                line={"color": PALETTE["primary"]},
                hovertemplate="%{text}: %{y:.1f}%<extra>" + component + "</extra>",
            )
        )
    fig.add_hline(y=100, line={"color": PALETTE["good"], "dash": "dash"})
    fig.update_layout(yaxis={"title": "Projected attainment", "ticksuffix": "%"}, showlegend=False)
    return chart(
        "component-attainment",
        "Projected attainment per component",
        fig,
        description="The spread of projected attainment of each component across the geo's CSMs, "
        "every CSM a point; the dashed line marks 100%.",
        columns=["CSM", "Plan", *[f"{component} attainment" for component in board.components]],
        rows=[
            [row["csm"], row["plan"], *[percent_cell(row.get(f"att_{c}")) for c in board.components]]
            for row in table
        ],
        numeric=[False, False, *[True] * len(board.components)],
    )
