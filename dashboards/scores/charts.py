"""The history chart of a customer's scorecard score, with its data as a table (dashboards.charts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import plotly.graph_objects as go

from dashboards.charts import PALETTE, Chart, chart, plain

from .links import score_text


def history(name: str, points: list[tuple[date, Decimal | None, bool, int]]) -> Chart:
    """The score by day (``points``: day, score, partial, version, oldest first), 0–100. A day between
    the first and the last without a score (never computed) breaks the line rather than being drawn
    over, and the data table names it."""
    shown = [(day, score, partial, version) for day, score, partial, version in points if score is not None]
    by_day = {day: (score, partial, version) for day, score, partial, version in shown}
    first, last = (shown[0][0], shown[-1][0]) if shown else (None, None)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)] if shown else []
    missing = [day for day in days if day not in by_day]
    fig = go.Figure(
        go.Scatter(
            x=[day.isoformat() for day in days],
            y=[plain(by_day[day][0]) if day in by_day else None for day in days],
            mode="lines+markers",
            name=name,
            connectgaps=False,
            marker={"size": 4, "color": PALETTE["primary"]},
            line={"color": PALETTE["primary"]},
        )
    )
    fig.update_yaxes(title="Score", range=[0, 100])
    fig.update_xaxes(type="date")
    span = f" from {first.isoformat()} to {last.isoformat()}" if shown else ""
    gaps = f"; {len(missing)} days without a score, where the line breaks" if missing else ""
    rows = [
        [day.isoformat(), score_text(by_day[day][0]), "yes" if by_day[day][1] else "no", f"v{by_day[day][2]}"]
        if day in by_day
        else [day.isoformat(), "no score", "", ""]
        for day in reversed(days)
    ]
    return chart(
        "score-history",
        "Score history",
        fig,
        height=300,
        description=f"The score (0–100) of {name} by day{span}: {len(shown)} days{gaps}.",
        columns=["Date", "Score", "Partial", "Version"],
        rows=rows,
        numeric=[False, True, False, False],
    )
