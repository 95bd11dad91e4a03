"""The portfolio by score: a CSM's customers and a geo's, sorted by score, with the average, the count per
score band and CSV/XLSX downloads (docs/scorecards.md "Pages")."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from dashboards.scores.portfolio import score_band

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    return [row["customer_id"] for row in response.context["table"].rows]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (Decimal("0"), "0–40"),
        (Decimal("40"), "0–40"),
        (Decimal("40.01"), "40–70"),
        (Decimal("70"), "40–70"),
        (Decimal("70.01"), "70–100"),
        (Decimal("100"), "70–100"),
        (None, "no score"),
    ],
)
def test_each_score_band_includes_its_upper_edge_and_only_the_first_its_lower(score, band):
    assert score_band(score) == band


def test_a_csm_s_portfolio_is_their_book_sorted_by_score_with_the_unscored_last(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/?on=2026-06-30")

    assert response.status_code == 200
    assert ids(response) == ["ACME", "BOLT", "ECHO"]
    assert [row["score"] for row in response.context["table"].rows] == [
        Decimal("72.29"),
        Decimal("20.00"),
        None,
    ]
    assert [row["rank"] for row in response.context["table"].rows] == [1, 2, None]


def test_the_average_is_over_the_scored_customers_half_up(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/?on=2026-06-30")

    # (72.29 + 20.00) ÷ 2 = 46.145 → 46.15
    assert response.context["portfolio"].average == Decimal("46.15")
    assert '<dd id="average-score">46.15</dd>' in response.content.decode()


def test_the_band_counts_cover_every_customer(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/?on=2026-06-30")

    assert response.context["portfolio"].bands == [("0–40", 1), ("40–70", 0), ("70–100", 1), ("no score", 1)]
    html = response.content.decode()
    assert '<dd data-band="0–40">1</dd>' in html and '<dd data-band="no score">1</dd>' in html


def test_a_geo_vp_sees_their_geo_and_cannot_ask_for_another(client, scored):
    client.force_login(scored["amer_vp"])

    response = client.get("/scores/?on=2026-06-30&geo=EMEA")

    assert ids(response) == ["CARL", "ACME", "BOLT", "ECHO"]
    # (85.71 + 72.29 + 20.00) ÷ 3 = 59.333… → 59.33
    assert response.context["portfolio"].average == Decimal("59.33")
    assert response.context["portfolio"].bands == [("0–40", 1), ("40–70", 0), ("70–100", 2), ("no score", 1)]


def test_those_who_see_everything_choose_a_geo(client, scored):
    client.force_login(scored["cco"])

    response = client.get("/scores/?on=2026-06-30&geo=EMEA")

    assert ids(response) == ["DELTA"]
    assert response.context["portfolio"].average == Decimal("44.29")
    assert 'id="pick-geo"' in response.content.decode()


def test_the_change_column_is_against_the_window(client, scored):
    client.force_login(scored["alice"])

    rows = client.get("/scores/?on=2026-06-30").context["table"].rows

    # ACME 72.29 − 67.14; BOLT on 2026-05-31: sso 0 × 1 and util 0 × 3, the rest excluded: 0.00.
    assert [row["change"] for row in rows] == [Decimal("5.15"), Decimal("20.00"), None]


def test_a_geo_vp_opens_a_csm_s_portfolio_of_their_geo(client, scored):
    client.force_login(scored["amer_vp"])

    response = client.get(f"/scores/csm/{scored['bob'].employee_id}/?on=2026-06-30")

    assert response.status_code == 200
    assert ids(response) == ["CARL"]
    assert "Bob Amer's portfolio" in response.content.decode().replace("&#x27;", "'")


def test_owners_link_to_their_portfolio_and_scores_to_the_scorecard(client, scored):
    client.force_login(scored["amer_vp"])

    html = client.get("/scores/?on=2026-06-30").content.decode()

    assert f'<a href="/scores/csm/{scored["bob"].employee_id}/">Bob Amer</a>' in html
    assert '<a href="/scores/customers/CARL/?scorecard=core">85.71</a>' in html


def test_the_csv_download_holds_every_row_sorted_by_score(client, scored):
    client.force_login(scored["amer_vp"])

    response = client.get("/scores/?on=2026-06-30&download=portfolio&format=csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Customer ID"], r["Score"], r["Band"], r["Owner"]) for r in rows] == [
        ("CARL", "85.71", "70–100", "Bob Amer"),
        ("ACME", "72.29", "70–100", "Alice Amer"),
        ("BOLT", "20.00", "0–40", "Alice Amer"),
        ("ECHO", "", "no score", "Alice Amer"),
    ]
    assert rows[2]["Partial"] == "yes" and rows[0]["Scorecard"] == "core v1"


def test_the_excel_download_holds_the_same_figures(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/?on=2026-06-30&download=portfolio&format=xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    score = header.index("Score")
    assert [row[header.index("Customer ID")] for row in values[1:]] == ["ACME", "BOLT", "ECHO"]
    assert [row[score] for row in values[1:3]] == [72.29, 20]


def test_the_portfolio_is_paged_like_other_tables(client, scored, monkeypatch):
    from dashboards import tables

    monkeypatch.setattr(tables, "PAGE_SIZE", 2)
    client.force_login(scored["amer_vp"])

    html = client.get("/scores/?on=2026-06-30").content.decode()

    assert "Page 1 of 2" in html and "portfolio-page=2" in html


def test_the_latest_scored_day_is_shown_without_a_day_asked(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/")

    assert response.context["portfolio"].day.isoformat() == "2026-06-30"


def test_the_page_reads_a_bounded_number_of_queries(client, scored, django_assert_max_num_queries):
    client.force_login(scored["amer_vp"])

    with django_assert_max_num_queries(20):
        client.get("/scores/?on=2026-06-30")
