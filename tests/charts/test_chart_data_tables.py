"""Every chart names itself for screen readers and carries its numbers as a table beside the figure, built
from the same data (dashboards.charts.Chart, templates/dashboards/_chart.html); the component attainment
is a headline card, not a plotly indicator (the cartesian bundle has none)."""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

from django.template.loader import render_to_string

from dashboards.company import charts as company_charts
from dashboards.csm import charts as csm_charts
from dashboards.team import charts as team_charts


class _Tables(HTMLParser):
    """The text of each cell of each <table>, and the attributes of the plot <div>."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.plot: dict[str, str] = {}
        self.summaries: list[str] = []
        self._cell: list[str] | None = None
        self._summary: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div" and attributes.get("class") == "plot":
            self.plot = attributes
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "summary":
            self._summary = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "summary" and self._summary is not None:
            self.summaries.append("".join(self._summary).strip())
            self._summary = None

    def handle_data(self, data):
        for target in (self._cell, self._summary):
            if target is not None:
                target.append(data)


def rendered(chart) -> _Tables:
    parser = _Tables()
    parser.feed(render_to_string("dashboards/_chart.html", {"chart": chart}))
    return parser


def as_number(text: str) -> float | None:
    """A cell's number: a percentage without its sign, money without its currency code (``400.00 USD``)."""
    return float(re.sub(r" [A-Z]{3}$", "", text).replace(",", "").rstrip("%")) if text else None


BOOK = [
    {"name": "Acme", "baseline": Decimal("40.5"), "score": Decimal("55.25"), "target": Decimal("60")},
    {"name": "Globex", "baseline": Decimal("70"), "score": None, "target": Decimal("80")},
    {"name": "Initech", "baseline": None, "score": None, "target": Decimal("50")},  # not plotted
]


def test_the_dumbbells_table_holds_each_plotted_score():
    chart = csm_charts.dumbbell(BOOK)
    page = rendered(chart)

    (table,) = page.tables
    assert table[0] == ["Customer", "Baseline", "Current", "Target"]
    rows = {row[0]: [as_number(cell) for cell in row[1:]] for row in table[1:]}
    plotted = {
        trace["name"]: dict(zip(trace["y"], trace["x"], strict=True)) for trace in chart.figure["data"][1:]
    }
    assert set(rows) == {"Acme", "Globex"}
    for customer, (baseline, current, target) in rows.items():
        assert plotted["Baseline"].get(customer) == baseline
        assert plotted["Current"].get(customer) == (current if current is not None else None)
        assert plotted["Target"].get(customer) == target
    assert rows["Acme"] == [40.5, 55.25, 60.0]


def test_a_chart_is_an_image_named_by_its_title_and_described():
    chart = csm_charts.dumbbell(BOOK)
    page = rendered(chart)

    assert page.plot["role"] == "img"
    assert page.plot["aria-label"] == chart.title
    assert page.plot["aria-describedby"] == f"{chart.figure_id}-description"
    assert page.summaries == [f'Data behind "{chart.title}"']


def test_the_plot_box_reserves_the_figures_height_before_it_is_drawn():
    chart = csm_charts.trends({"Acme": [(date(2026, 10, 1), Decimal("50"))]})
    page = rendered(chart)

    assert chart.figure["layout"]["height"] == 360
    assert f"min-height: {chart.figure['layout']['height']}px" in page.plot["style"]


def test_the_trends_table_holds_every_point_of_every_line():
    series = {
        "Acme": [(date(2026, 10, 1), Decimal("50")), (date(2026, 10, 8), Decimal("52.5"))],
        "Globex": [(date(2026, 10, 1), Decimal("71"))],
        "Empty": [],
    }
    chart = csm_charts.trends(series)
    (table,) = rendered(chart).tables

    from_table = {(row[0], row[1], as_number(row[2])) for row in table[1:]}
    from_figure = {
        (trace["name"], x, y)
        for trace in chart.figure["data"]
        for x, y in zip(trace["x"], trace["y"], strict=True)
    }
    assert from_table == from_figure
    assert len(table) - 1 == 3


def _board():
    rows = [
        {"csm": "Ana", "plan": "CS", "payout_ratio": Decimal("0.95"), "att_ADOPT": Decimal("1.1")},
        {"csm": "Ben", "plan": "CS", "payout_ratio": Decimal("1.234"), "att_ADOPT": None},
        {"csm": "Cy", "plan": "CS", "payout_ratio": None, "att_ADOPT": Decimal("0.5")},
    ]
    return SimpleNamespace(rows=rows, components=["ADOPT"])


def test_the_team_histograms_table_lists_each_plotted_ratio():
    chart = team_charts.payout_distribution(_board())
    (table,) = rendered(chart).tables

    assert sorted(as_number(row[2]) for row in table[1:]) == sorted(chart.figure["data"][0]["x"])
    assert [row[0] for row in table[1:]] == ["Ana", "Ben"]


def test_the_component_boxes_table_holds_each_csms_attainment():
    chart = team_charts.component_attainment(_board())
    (table,) = rendered(chart).tables

    (box,) = chart.figure["data"]
    plotted = dict(zip(box["text"], box["y"], strict=True))
    assert {row[0]: as_number(row[2]) for row in table[1:] if row[2]} == plotted


def test_the_company_charts_tables_hold_their_bars():
    data = SimpleNamespace(
        by_quarter=[
            {"period": "FY27-Q1", "currency": "USD", "oti": Decimal("1000"), "amount": Decimal("900.5")}
        ],
        by_geo=[
            {
                "period": "FY27-Q1",
                "geo": "EMEA",
                "currency": "USD",
                "oti": Decimal("600"),
                "amount": Decimal("500"),
            },
            {
                "period": "FY27-Q1",
                "geo": "AMER",
                "currency": "USD",
                "oti": Decimal("400"),
                "amount": Decimal("400.5"),
            },
        ],
        by_component=[
            {"period": "FY27-Q1", "component": "ADOPT", "currency": "USD", "amount": Decimal("700")},
            {"period": "FY27-Q1", "component": "NRR", "currency": "USD", "amount": Decimal("200.5")},
        ],
    )
    bars = company_charts.actual_vs_oti(data)
    (table,) = rendered(bars).tables
    oti, actual = bars.figure["data"]
    assert [as_number(row[2]) for row in table[1:]] == oti["y"]
    assert [as_number(row[3]) for row in table[1:]] == actual["y"]
    assert [row[1] for row in table[1:]] == ["AMER", "EMEA", "Total"]

    stacked = company_charts.payout_by_component(data)
    (table,) = rendered(stacked).tables
    assert table[0] == ["Quarter", "ADOPT (USD)", "NRR (USD)"]
    assert [as_number(cell) for cell in table[1][1:]] == [trace["y"][0] for trace in stacked.figure["data"]]


def test_a_components_attainment_is_a_headline_card_with_its_number():
    line = {"component": "ADOPT", "attainment": Decimal("0.875"), "applies": True}
    chart = csm_charts.bullet("CS-FY27", line, Decimal("1.5"))
    html = render_to_string("dashboards/_chart.html", {"chart": chart})

    assert chart.figure is None
    assert 'class="figure-value">87.5%</p>' in html
    assert "cap 150%" in html
    assert "data-figure" not in html  # nothing for plotly.js to draw
    assert 'id="figure-bullet-cs-fy27-adopt"' in html


def test_a_headline_card_says_what_100_percent_means_in_the_plans_own_goal():
    """Not "of the 100% goal" beside an NRR goal of 110%: the card names the goal that 100% stands for."""
    nrr = {
        "component": "NRR",
        "metric": "nrr",
        "attainment": Decimal("0.5"),
        "applies": True,
        "detail": {"goal": Decimal("1.1"), "floor": Decimal("1")},
    }
    kpi = {"component": "KPI", "metric": "kpi", "attainment": Decimal("0.8"), "applies": True}
    kpi["detail"] = {"kpi": "prs", "goal": Decimal("10.000000")}
    assert "100% = NRR of 110.0% (0% at 100.0%)" in csm_charts.bullet("P", nrr, None).description
    assert "100% = 10 prs" in csm_charts.bullet("P", kpi, None).description
    adoption = {"component": "ADOPT", "metric": "adoption", "attainment": Decimal("1"), "applies": True}
    assert "100% = the targets met" in csm_charts.bullet("P", adoption, None).description
