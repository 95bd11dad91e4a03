"""The portfolio's default scorecard and the customers outside its segments (docs/scorecards.md "Pages"):
the fiscal year's commission scorecard if it has one, else the scorecard that scored the most customers
on the latest computed day (ties by code); a customer outside the scorecard's segments is left out of the
counts and the average, and the page says how many were."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adoption.models import CommissionScorecard, Scorecard
from adoption.scorecards.computing import compute_days
from adoption.scorecards.loading import load_scorecard
from tests.builders import make_customer

from .conftest import CORE_YAML, DAY, MONTH_AGO

pytestmark = pytest.mark.django_db


def tracking_yaml(code: str, segments: list[str]) -> str:
    """A one-criterion tracking scorecard (SSO milestone) for ``segments``."""
    return f"""
code: {code}
name: Tracking {code}
version: 1
effective_from: 2026-01-01
segments: [{", ".join(segments)}]
criteria:
  - code: sso
    name: SSO integrated
    kind: milestone
    milestone: sso_integrated
    weight: 1
"""


def test_loading_a_tracking_scorecard_keeps_the_year_s_commission_scorecard_as_the_default(client, scored):
    CommissionScorecard.objects.create(fiscal_year="FY27", scorecard=Scorecard.objects.get(code="core"))
    load_scorecard(tracking_yaml("brk", ["ENT"]), user=None)
    compute_days(MONTH_AGO, DAY, scorecards=["brk"])
    client.force_login(scored["alice"])

    response = client.get("/scores/")

    assert [s.code for s in response.context["portfolio"].scorecards] == ["core"]
    html = response.content.decode()
    assert "Core adoption (core)" in html and "(brk)</a>" not in html
    assert "Default: Core adoption (core): the FY27 commission scorecard" in html


def test_without_a_commission_scorecard_the_default_is_the_one_scoring_most_customers(client, scored):
    # brk covers ENT only (4 customers scored on DAY), core every customer (4): a tie, broken by code.
    load_scorecard(tracking_yaml("brk", ["ENT"]), user=None)
    compute_days(DAY, DAY, scorecards=["brk"])
    client.force_login(scored["cco"])

    response = client.get("/scores/?geo=AMER")

    assert [s.code for s in response.context["portfolio"].scorecards] == ["brk"]
    html = response.content.decode()
    assert "Default: Tracking brk (brk): no FY27 commission scorecard" in html
    assert "The year&#x27;s commission scorecard" not in html
    assert "The year's commission scorecard" not in html


def test_the_default_is_the_scorecard_with_more_customers_whatever_its_code(client, scored):
    make_customer("SMALL", name="Small Co", geo="AMER", owner=scored["alice"], segment="SMB")
    load_scorecard(tracking_yaml("aaa", ["SMB"]), user=None)  # first by code, scores one customer
    compute_days(DAY, DAY, scorecards=["aaa"])
    client.force_login(scored["alice"])

    response = client.get("/scores/")

    assert [s.code for s in response.context["portfolio"].scorecards] == ["core"]


def test_customers_outside_the_scorecard_s_segments_are_left_out_and_counted(client, scored):
    for n in range(25):
        make_customer(f"SMB{n:02}", name=f"Small {n}", geo="AMER", owner=scored["alice"], segment="SMB")
    load_scorecard(
        CORE_YAML.replace("version: 1", "version: 2").replace(
            "effective_from: 2026-01-01", "effective_from: 2026-06-01\nsegments: [ENT]"
        ),
        user=None,
    )
    compute_days(DAY, DAY, scorecards=["core"])
    client.force_login(scored["alice"])

    response = client.get("/scores/?on=2026-06-30")

    shown = response.context["portfolio"]
    assert [row["customer_id"] for row in shown.rows] == ["ACME", "BOLT"]  # ECHO has no segment
    assert shown.outside == 26
    assert shown.bands == [("0–40", 1), ("40–70", 0), ("70–100", 1), ("no score", 0)]
    assert shown.average == Decimal("46.15")
    assert "26 customers are outside this scorecard's segments" in response.content.decode()


def test_the_outside_count_is_said_in_the_singular_for_one(client, scored):
    load_scorecard(
        CORE_YAML.replace("version: 1", "version: 2").replace(
            "effective_from: 2026-01-01", "effective_from: 2026-06-01\nsegments: [ENT]"
        ),
        user=None,
    )
    client.force_login(scored["alice"])

    html = client.get("/scores/?on=2026-06-30").content.decode()

    assert "1 customer is outside this scorecard's segments" in html
