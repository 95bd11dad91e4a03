"""Plotly figures of the dashboards. Built here from selector data; drawn in the browser by
static/dashboards/charts.js with plotly.js served from our own static files (no CDN).

Charts only display numbers: values are converted to floats for plotting, never computed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

PALETTE = {"primary": "#12355b", "good": "#1e7b3c", "warn": "#b26a00", "bad": "#b3261e", "muted": "#8a94a3"}


@dataclass
class Chart:
    """A figure with a name (its element id) and a title (its accessible label)."""

    name: str
    title: str
    figure: dict[str, Any]

    @property
    def figure_id(self) -> str:
        return f"figure-{self.name}"


def plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def chart(name: str, title: str, fig: go.Figure, *, height: int = 320) -> Chart:
    # The common layout is merged into the figure's JSON rather than through ``fig.update_layout``:
    # plotly validates every property it is given, which cost a page about 10 ms per chart.
    figure = fig.to_plotly_json()
    figure["layout"].update(
        height=height,
        margin={"l": 48, "r": 16, "t": 36, "b": 40},
        title={"text": title, "font": {"size": 15}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": "system-ui, sans-serif", "color": "#1d2430"},
    )
    return Chart(name=name, title=title, figure=figure)
