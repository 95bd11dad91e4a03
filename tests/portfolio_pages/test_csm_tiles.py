"""The CSM's page shows the book's KPI tiles as stored on the latest day computed (docs/kpis.md), with
each KPI's weekly values as a sparkline; says when nothing is computed and how ops computes it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from adoption.models import PortfolioKpiDay
from dashboards import portfolio
from tests.portfolio_pages.conftest import BOOK, DAY, store, store_weekly_active

CSM = PortfolioKpiDay.Level.CSM


def _tiles(response) -> dict:
    return {tile.code: tile for tile in response.context["kpis"].tiles}


def test_tiles_show_the_stored_values_counts_as_customers_and_ratios_as_percentages(client, csm):
    store(CSM, "E100", DAY)
    client.force_login(csm)

    response = client.get("/my/")

    tiles = _tiles(response)
    assert [(code, tiles[code].text, tiles[code].unit_text) for code in tiles] == [
        ("util_below_60", "3", "customers"),
        ("avg_utilisation", "82.7%", ""),
        ("util_rising", "1", "customer"),
        ("dau_mau", "25.0%", ""),
        ("weekly_active", "12", "customers"),
        ("qbr_coverage", "75.0%", ""),
    ]
    html = response.content.decode()
    assert "KPIs as of 2026-12-05, over 12 customers." in html
    assert 'aria-label="Customers below 60 % utilisation: 3 customers"' in html
    assert 'aria-label="Average utilisation, seat-weighted: 82.7%"' in html
    assert "3 of 4 customers past onboarding" in html  # QBR coverage's two counts beside it
    assert "91 of 110 seats in use" in html
    assert "50 daily of 200 monthly active users" in html


def test_a_ratio_over_no_customer_is_a_dash_and_a_half_percent_rounds_up(client, csm):
    values = [
        ("avg_utilisation", None, 0, 0),  # no customer had a utilisation: no value, not 0 %
        ("dau_mau", Decimal("0.123450"), 2469, 20000),  # 12.345 % → 12.3 %; 12.35 would be 12.4 %
        ("qbr_coverage", Decimal("0.666667"), 2, 3),
        ("util_below_60", Decimal("1234.000000"), 1234, 5000),
    ]
    store(CSM, "E100", DAY, values=values, customers=5000)
    client.force_login(csm)

    tiles = _tiles(client.get("/my/"))

    assert tiles["avg_utilisation"].text == "—"
    assert tiles["dau_mau"].text == "12.3%"
    assert tiles["qbr_coverage"].text == "66.7%"
    assert (tiles["util_below_60"].text, tiles["util_below_60"].unit_text) == ("1,234", "customers")
    # A KPI of the settings not stored that day is named, without a value.
    assert tiles["weekly_active"].text == "—"
    assert tiles["weekly_active"].note == "not stored on this day"


def test_the_page_reads_the_latest_day_computed(client, csm):
    store(CSM, "E100", DAY - timedelta(days=1), values=[("weekly_active", Decimal(9), 9, 9)])
    store(CSM, "E100", DAY, values=[("weekly_active", Decimal(12), 12, 12)])
    client.force_login(csm)

    response = client.get("/my/")

    assert response.context["kpis"].day == DAY
    assert _tiles(response)["weekly_active"].text == "12"


def test_sparkline_holds_the_last_twelve_weekly_values_oldest_first(client, csm):
    counts = [5, 6, 7, None, 9, 10, 11, 12, 13, 14, 15, 16]  # D − 77 … D; D − 56 not stored
    store_weekly_active(CSM, "E100", counts)
    client.force_login(csm)

    response = client.get("/my/")

    tile = _tiles(response)["weekly_active"]
    assert [day for day, _, _ in tile.trend] == [DAY - timedelta(days=77 - 7 * i) for i in range(12)]
    assert [value for _, value, _ in tile.trend] == [None if c is None else Decimal(c) for c in counts]
    html = response.content.decode()
    assert "<li>2026-09-19: 5</li>" in html  # D − 77, in the visually hidden list
    assert "<li>2026-10-10: not stored</li>" in html  # D − 56
    assert "<li>2026-12-05: 16</li>" in html
    # The gap breaks the line in two: 3 values, then 8.
    assert [len(line.split()) for line in tile.sparkline.lines] == [3, 8]
    assert html.count("<polyline") == 1 + 1 + 0  # weekly_active's two runs; the other KPIs: one day each


def test_a_ratio_stored_without_a_value_is_a_gap_said_as_no_value(client, csm):
    store(CSM, "E100", DAY - timedelta(days=7), values=[("dau_mau", None, 0, 0)])
    store(CSM, "E100", DAY, values=[("dau_mau", Decimal("0.5"), 1, 2)])
    client.force_login(csm)

    response = client.get("/my/")

    tile = _tiles(response)["dau_mau"]
    assert [text for _, _, text in tile.trend][-3:] == ["not stored", "no value", "50.0%"]
    assert tile.sparkline.lines == () and len(tile.sparkline.dots) == 1  # never drawn as 0
    assert "<li>2026-11-28: no value</li>" in response.content.decode()


def test_sparkline_geometry_is_scaled_between_the_lowest_and_highest_value():
    days = [DAY - timedelta(days=14), DAY - timedelta(days=7), DAY]

    line = portfolio.Sparkline.of([(days[0], Decimal(0)), (days[1], Decimal(5)), (days[2], Decimal(10))])
    broken = portfolio.Sparkline.of([(days[0], Decimal(0)), (days[1], None), (days[2], Decimal(10))])
    flat = portfolio.Sparkline.of([(days[0], Decimal(4)), (days[1], Decimal(4)), (days[2], Decimal(4))])

    # 120 × 32 with 3 of padding: x from 3 to 117 in steps of 57; y from 29 (lowest) to 3 (highest).
    assert line.lines == ("3.0,29.0 60.0,16.0 117.0,3.0",)
    assert line.last == ("117.0", "3.0")
    assert (broken.lines, broken.dots) == ((), (("3.0", "29.0"), ("117.0", "3.0")))
    assert flat.lines == ("3.0,16.0 60.0,16.0 117.0,16.0",)


def test_no_kpis_computed_yet_says_so_and_names_the_command(client, csm):
    client.force_login(csm)

    response = client.get("/my/")

    assert response.context["kpis"].day is None
    html = response.content.decode()
    assert "No adoption KPIs have been computed yet." in html
    assert "python manage.py compute_kpis" in html
    assert 'class="kpi-tile' not in html


def test_a_book_without_rows_on_the_latest_day_says_which_day(client, csm):
    store(CSM, "E200", DAY)  # another CSM's book only
    client.force_login(csm)

    html = client.get("/my/").content.decode()

    assert "KPIs as of 2026-12-05, the latest day computed: nothing is stored for this portfolio" in html
    assert 'class="kpi-tile' not in html


def test_tiles_carry_their_definition_on_hover_and_in_a_disclosure(client, csm):
    store(CSM, "E100", DAY)
    client.force_login(csm)

    html = client.get("/my/").content.decode()

    assert 'title="The share of customers past onboarding who had a QBR this quarter.' in html
    assert "<summary>Definition</summary><p>The share of customers past onboarding" in html


@pytest.mark.parametrize("weeks", [1, 12])
def test_the_tiles_cost_two_queries_whatever_the_history(csm, weeks, django_assert_num_queries):
    store_weekly_active(CSM, "E100", list(range(weeks)))
    store(CSM, "E100", DAY, values=[row for row in BOOK if row[0] != "weekly_active"])

    with django_assert_num_queries(2):
        board = portfolio.csm_board(csm)

    assert len(board.tiles) == 6


def test_no_kpis_cost_two_queries_too(csm, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert portfolio.csm_board(csm).day is None
