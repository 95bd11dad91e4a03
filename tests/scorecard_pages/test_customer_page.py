"""The customer scorecard page: the score, each criterion's value, points, weight and missing-data decision,
the trend as a signed change, the history with its data table, and the 404s (docs/scorecards.md "Pages")."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from adoption.scorecards.commission import set_commission_scorecards
from adoption.scorecards.computing import compute_days
from adoption.scorecards.loading import load_scorecard
from tests.scorecard_pages.conftest import CORE_YAML, DAY, MONTH_AGO

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#x27;", "'")


def row_of(response, code: str) -> dict:
    return next(row for row in response.context["table"].rows if row["code"] == code)


def test_the_score_shows_two_decimals_out_of_100_with_its_scorecard_version(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ACME/")

    assert response.status_code == 200
    assert response.context["shown"].score == Decimal("72.29")
    text = text_of(response)
    assert "72.29 / 100" in text
    assert "scorecard core v1" in text
    assert "on 2026-06-30" in text
    assert "Partial: a criterion" not in text


def test_each_criterion_shows_its_raw_value_points_weight_and_decision(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ACME/")

    util, dau, sso, weeks = (row_of(response, code) for code in ("util", "dau", "sso", "weeks"))
    assert (util["value"], util["points"], util["weight"], util["weighted"]) == (
        "62.0%",
        Decimal("62.00"),
        3,
        Decimal("186.00"),
    )
    assert util["kind"] == "measure: license utilisation over 1 days"
    assert util["decision"] == "measured" and util["rule"] == "zero points"
    assert (dau["value"], dau["band"], dau["points"], dau["weight"]) == ("31.0%", "mid", Decimal("60.00"), 2)
    assert (sso["value"], sso["points"], sso["weight"], sso["kind"]) == (
        "met",
        Decimal("100"),
        1,
        "milestone: sso_integrated",
    )
    assert (weeks["value"], weeks["points"]) == ("1 of 1 weeks", Decimal("100.00"))
    assert "Score = Σ weight × points ÷ Σ weight = 506 ÷ 7 = 72.29" in text_of(response)


def test_missing_data_shows_zero_excluded_and_last_known_from_its_day(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/BOLT/")

    assert response.context["shown"].score == Decimal("20.00")
    assert response.context["shown"].partial
    assert row_of(response, "util")["decision"] == "no data: zero points"
    assert row_of(response, "util")["points"] == Decimal("0")
    assert row_of(response, "dau")["decision"] == "no data: excluded (not counted)"
    assert row_of(response, "dau")["points"] is None
    assert row_of(response, "weeks")["decision"] == "no data: last known from 2026-06-27"
    text = text_of(response)
    assert "Partial: a criterion without data was excluded" in text
    assert "= 100 ÷ 5 = 20.00 (excluded criteria left out)" in text


def test_the_trend_is_a_signed_change_against_the_window(client, scored):
    client.force_login(scored["alice"])

    text = text_of(client.get("/scores/customers/ACME/"))

    assert "+5.15 vs 30 days ago" in text
    assert "67.14 on 2026-05-31 → 72.29 on 2026-06-30" in text


def test_a_trend_without_a_score_at_the_window_start_says_so(client, scored):
    client.force_login(scored["alice"])

    text = text_of(client.get("/scores/customers/ACME/?trend=90"))

    assert "no trend" in text
    assert "No score on 2026-04-01 (90 days before) to compare with." in text


def test_a_day_asked_shows_the_score_of_that_day(client, scored):
    client.force_login(scored["alice"])

    response = client.get(f"/scores/customers/ACME/?on={MONTH_AGO.isoformat()}")

    assert response.context["shown"].day == MONTH_AGO
    assert "67.14 / 100" in text_of(response)


def test_the_history_chart_has_its_data_table(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ACME/")

    chart = response.context["chart"]
    assert chart.columns == ["Date", "Score", "Partial", "Version"]
    assert chart.rows[0] == ["2026-06-30", "72.29", "no", "v1"]
    assert ["2026-05-31", "67.14", "no", "v1"] in chart.rows
    assert len(chart.rows) == 31
    assert 'Data behind "Score history"' in response.content.decode()


def test_the_page_links_to_the_rules_of_the_version(client, scored):
    client.force_login(scored["alice"])

    html = client.get("/scores/customers/ACME/").content.decode()

    assert 'href="/scores/scorecards/core/v1/"' in html


def test_the_criteria_download_holds_the_figures(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ACME/?download=criteria&format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    util = dict(zip(header, next(r for r in rows if r[1] == "util"), strict=True))
    assert (util["Raw value"], util["Points"], util["Weight"], util["Weight × points"]) == (
        "62.0%",
        "62.00",
        "3",
        "186.00",
    )


def test_a_customer_without_scores_gets_a_friendly_empty_page(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ECHO/")

    assert response.status_code == 200
    assert response.context["shown"] is None
    assert "No scorecard score yet" in text_of(response)
    assert "No scorecard has scored ECHO yet." in text_of(response)


def test_a_day_before_any_score_gets_the_empty_page(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/customers/ACME/?on=2026-01-01")

    assert response.status_code == 200
    assert "has not scored ACME on or before 2026-01-01" in text_of(response)


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("/scores/customers/NOPE/", "There is nothing at this address"),
        ("/scores/customers/ACME/?on=yesterday", "'yesterday' is not a day: write it as 2026-11-24."),
        ("/scores/customers/ACME/?scorecard=nope", "There is no scorecard 'nope'."),
        ("/scores/customers/ACME/?trend=7", "A trend is over 30 or 90 days, not '7'."),
    ],
)
def test_unknown_customers_days_scorecards_and_trends_are_404s_that_say_why(client, scored, url, sentence):
    client.force_login(scored["alice"])

    response = client.get(url)

    assert response.status_code == 404
    assert sentence in response.content.decode().replace("&#x27;", "'")


def test_the_year_s_commission_scorecard_is_shown_first_and_another_can_be_picked(client, scored):
    load_scorecard(
        CORE_YAML.replace("code: core", "code: aaa").replace("name: Core adoption", "name: Early tracking"),
        user=None,
    )
    compute_days(DAY, DAY, scorecards=["aaa"])
    set_commission_scorecards("FY27", ["core"], user=None)
    client.force_login(scored["alice"])

    default = client.get(f"/scores/customers/ACME/?on={DAY.isoformat()}")
    picked = client.get(f"/scores/customers/ACME/?on={DAY.isoformat()}&scorecard=aaa")

    assert default.context["shown"].scorecard.code == "core"
    assert "the commission scorecard of its year" in text_of(default)
    assert picked.context["shown"].scorecard.code == "aaa"
    assert "a tracking scorecard" in text_of(picked)


def test_the_page_reads_a_bounded_number_of_queries(client, scored, django_assert_max_num_queries):
    client.force_login(scored["alice"])

    with django_assert_max_num_queries(20):
        client.get("/scores/customers/ACME/")
