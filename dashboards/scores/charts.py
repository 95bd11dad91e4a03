"""The history chart of a customer's scorecard score, with its data as a table (dashboards.charts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import plotly.graph_objects as go

from dashboards.charts import PALETTE, Chart, chart, plain

from .links import score_text


def history(name: str, points: list[tuple[date, Decimal | None, bool, int]]) -> Chart:
    """The score by day (``points``: day, score, partial, version), 0–100."""
    shown = [(day, score, partial, version) for day, score, partial, version in points if score is not None]
    fig = go.Figure(
        go.Scatter(
            x=[day.isoformat() for day, *_ in shown],
            y=[plain(score) for _, score, _, _ in shown],
            mode="lines+markers",
            name=name,
            marker={"size": 4, "color": PALETTE["primary"]},
            line={"color": PALETTE["primary"]},
        )
    )
    fig.update_yaxes(title="Score", range=[0, 100])
    fig.update_xaxes(type="date")
    first, last = (shown[0][0], shown[-1][0]) if shown else (None, None)
    span = f" from {first.isoformat()} to {last.isoformat()}" if shown else ""
    return chart(
        "score-history",
        "Score history",
        fig,
        height=300,
        description=f"The score (0–100) of {name} by day{span}: {len(shown)} days.",
        columns=["Date", "Score", "Partial", "Version"],
        rows=[
            [day.isoformat(), score_text(score), "yes" if partial else "no", f"v{version}"]
            for day, score, partial, version in reversed(points)
        ],
        numeric=[False, True, False, False],
    )
