"""Figures of the company page: actual payout against on-target amount, and payout by component."""

from __future__ import annotations

from collections import Counter

import plotly.graph_objects as go

from dashboards.charts import PALETTE, Chart, chart, money_cell, plain

from .selectors import CompanyPayouts

COMPONENT_COLOURS = ("#12355b", "#2f7d8c", "#b26a00", "#6b4c9a", "#1e7b3c", "#8a94a3")


def main_currency(data: CompanyPayouts) -> str:
    """The currency most quarters are paid in; charts show it alone (money is never summed across)."""
    counts = Counter(row["currency"] for row in data.by_quarter)
    return counts.most_common(1)[0][0] if counts else ""


def actual_vs_oti(data: CompanyPayouts) -> Chart:
    """Grouped bars per quarter and geo (and the quarter's total): actual payout beside OTI."""
    currency = main_currency(data)
    rows = [row for row in data.by_geo if row["currency"] == currency]
    totals = [row | {"geo": "Total"} for row in data.by_quarter if row["currency"] == currency]
    ordered = sorted(rows + totals, key=lambda row: (row["period"], row["geo"] == "Total", row["geo"]))
    x = [[row["period"] for row in ordered], [row["geo"] for row in ordered]]
    fig = go.Figure(
        [
            go.Bar(
                x=x,
                y=[plain(row["oti"]) for row in ordered],
                name="On-target amount",
                marker={"color": PALETTE["muted"]},
            ),
            go.Bar(
                x=x,
                y=[plain(row["amount"]) for row in ordered],
                name="Actual payout",
                marker={"color": PALETTE["primary"]},
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"title": currency, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.25},
    )
    return chart(
        "actual-vs-oti",
        f"Actual payout against on-target amount ({currency})",
        fig,
        height=360,
        description=f"For each quarter and geo, and the quarter's total, the on-target amount beside the "
        f"payout, in {currency}.",
        columns=["Quarter", "Geo", f"On-target amount ({currency})", f"Actual payout ({currency})"],
        rows=[
            [row["period"], row["geo"], money_cell(row["oti"], currency), money_cell(row["amount"], currency)]
            for row in ordered
        ],
        numeric=[False, False, True, True],
    )


def payout_by_component(data: CompanyPayouts) -> Chart:
    """Stacked bars per quarter: how much each component paid."""
    currency = main_currency(data)
    rows = [row for row in data.by_component if row["currency"] == currency]
    periods = sorted({row["period"] for row in rows})
    components = list(dict.fromkeys(row["component"] for row in rows))
    amounts = {(row["period"], row["component"]): row["amount"] for row in rows}
    fig = go.Figure(
        [
            go.Bar(
                x=periods,
                y=[plain(amounts.get((period, component))) for period in periods],
                name=component,
                marker={"color": COMPONENT_COLOURS[i % len(COMPONENT_COLOURS)]},
            )
            for i, component in enumerate(components)
        ]
    )
    fig.update_layout(
        barmode="stack",
        yaxis={"title": currency, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.2},
    )
    return chart(
        "payout-by-component",
        f"Payout by component and quarter ({currency})",
        fig,
        height=360,
        description=f"For each quarter, the payout of each component, stacked to the quarter's total, "
        f"in {currency}.",
        columns=["Quarter", *[f"{component} ({currency})" for component in components]],
        rows=[
            [period, *[money_cell(amounts.get((period, c)), currency) for c in components]]
            for period in periods
        ],
        numeric=[False, *[True] * len(components)],
    )
