"""Plotly figures of the dashboards. Built here from selector data; drawn in the browser by
static/dashboards/charts.js with plotly.js's cartesian bundle served from our own static files (no CDN).

Every chart carries, beside its figure, a short description and the rows and columns of a table that
holds the same numbers (templates/dashboards/_chart.html shows it under "Data behind …"): the figure is
an image to a screen reader, the table is what it reads (docs/performance.md "Page weight and accessibility").

Charts only display numbers: values are converted to floats for plotting, never computed with. Their data
tables write every value as the pages' tables do, through core.formatting (DESIGN §6 "Formats"): money with
its currency (``money_cell``), scores with two decimals (``score_cell``), ratios as percentages
(``percent_cell``) — never from a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from core import formatting as fmt

PALETTE = {"primary": "#12355b", "good": "#1e7b3c", "warn": "#b26a00", "bad": "#b3261e", "muted": "#8a94a3"}


@dataclass
class Headline:
    """A figure shown as a card rather than drawn: ``value`` (text), and the positions of the bar, the
    goal and the cap on a 0–100 gauge (percent of its width; ``cap_at`` None when there is no cap band)."""

    value: str
    note: str
    applies: bool
    bar_width: float
    goal_at: float
    cap_at: float | None = None


@dataclass
class Chart:
    """A figure with a name (its element id), a title (its accessible name), a one-sentence description,
    and its data as a table: ``columns`` (headers) and ``rows`` (lists of display strings, the first cell
    of each row naming it). ``height`` in CSS pixels is reserved before plotly.js draws. A chart with a
    ``headline`` and no figure is a card, drawn by the template alone."""

    name: str
    title: str
    figure: dict[str, Any] | None
    description: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    height: int = 320
    headline: Headline | None = None

    @property
    def figure_id(self) -> str:
        return f"figure-{self.name}"

    @property
    def numeric_columns(self) -> list[int]:
        return [index for index, numeric in enumerate(self.numeric) if numeric]

    @property
    def table_rows(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells with whether each is a number (aligned right)."""
        numeric = self.numeric or [False] * len(self.columns)
        return [list(zip(row, numeric, strict=False)) for row in self.rows]


def plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def money_cell(amount: Decimal | int | None, currency: str) -> str:
    """Money in a chart's data table as in every table: ``12,345.67 USD``; "" for none."""
    return "" if amount is None else fmt.money(amount, currency)


def score_cell(value: Decimal | int | None) -> str:
    """An adoption score in a chart's data table as everywhere: ``70.00``; "" for none."""
    return "" if value is None else fmt.score(value)


def percent_cell(ratio: Decimal | int | None) -> str:
    """A ratio in a chart's data table as everywhere: ``83.3%``; "" for none."""
    return "" if ratio is None else fmt.percent(ratio)


def chart(
    name: str,
    title: str,
    fig: go.Figure,
    *,
    height: int = 320,
    description: str = "",
    columns: list[str] | None = None,
    rows: list[list[str]] | None = None,
    numeric: list[bool] | None = None,
) -> Chart:
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
    return Chart(
        name=name,
        title=title,
        figure=figure,
        description=description,
        columns=columns or [],
        rows=rows or [],
        numeric=numeric or [],
        height=height,
    )
