"""What a new user's first trial of the score pages asked of them (docs/scorecards.md "Pages"): downloads
that say what they are of, the geo and version 404s, a history chart broken where days were never
computed, and the Day input holding a date."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest

from adoption.models import DailyScore

from .conftest import DAY

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_portfolio_csv_says_its_day_scorecard_version_and_geo(client, scored):
    client.force_login(scored["cco"])

    rows = csv_rows(client.get("/scores/?on=2026-06-30&geo=AMER&download=portfolio&format=csv"))

    assert {(r["Day"], r["Scorecard code"], r["Scorecard version"], r["Portfolio"]) for r in rows[:3]} == {
        ("2026-06-30", "core", "v1", "Geo AMER")
    }
    assert rows[-1]["Customer ID"] == "ECHO" and rows[-1]["Scorecard code"] == "core"


def test_the_portfolio_xlsx_of_a_csm_names_the_csm(client, scored):
    bob = scored["bob"]
    client.force_login(scored["amer_vp"])

    response = client.get(f"/scores/csm/{bob.employee_id}/?on=2026-06-30&download=portfolio&format=xlsx")

    values = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    row = dict(zip(values[0], values[1], strict=True))
    assert row["Day"].date().isoformat() == "2026-06-30"
    assert (row["Scorecard code"], row["Scorecard version"]) == ("core", "v1")
    assert row["Portfolio"] == f"CSM Bob Amer ({bob.employee_id})"


def test_the_criteria_csv_says_customer_day_version_and_score_and_writes_points_one_way(client, scored):
    client.force_login(scored["alice"])

    rows = csv_rows(client.get("/scores/customers/ACME/?on=2026-06-30&download=criteria&format=csv"))

    assert {(r["Customer ID"], r["Day"], r["Scorecard version"], r["Score"]) for r in rows} == {
        ("ACME", "2026-06-30", "core v1", "72.29")
    }
    points = {r["Code"]: r["Points"] for r in rows}
    assert points == {"util": "62.00", "dau": "60.00", "sso": "100.00", "weeks": "100.00"}


def test_an_unknown_geo_is_a_404_naming_it_and_the_known_geos(client, scored):
    client.force_login(scored["cco"])

    response = client.get("/scores/?geo=XX")

    assert response.status_code == 404
    assert "There is no geo “XX” here: the geos are AMER, EMEA." in response.content.decode()


@pytest.mark.parametrize("version", ["0", "00", "01"])
def test_a_version_is_a_positive_integer_without_leading_zeros(client, scored, version):
    client.force_login(scored["cco"])

    response = client.get(f"/scores/scorecards/core/v{version}/")

    assert response.status_code == 404
    assert f"“v{version}” is not a scorecard version" in response.content.decode()


def test_the_history_breaks_at_days_never_computed_and_the_table_names_them(client, scored):
    gap = [DAY - timedelta(days=n) for n in range(3, 8)]
    DailyScore.objects.filter(customer=scored["acme"], day__in=gap).delete()
    client.force_login(scored["alice"])

    chart = client.get("/scores/customers/ACME/?on=2026-06-30").context["chart"]

    trace = chart.figure["data"][0]
    rows = {row[0]: row[1] for row in chart.rows}
    assert all(rows[day.isoformat()] == "no score" for day in gap)
    assert rows[DAY.isoformat()] == "72.29"
    assert "5 days without a score" in chart.description
    assert trace["connectgaps"] is False
    assert [trace["y"][trace["x"].index(day.isoformat())] for day in gap] == [None] * 5


def test_the_portfolio_day_input_holds_an_iso_date(client, scored):
    client.force_login(scored["alice"])

    html = client.get("/scores/").content.decode()

    assert 'name="on" type="date" value="2026-06-30"' in html
    assert 'value="—"' not in html
