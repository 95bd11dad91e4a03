"""The scorecard definition page: a version's rules, read-only for everyone who reads scores, the band
edges spelled out; the admin linked for ops who may load a new version there (docs/scorecards.md)."""

from __future__ import annotations

import re

import pytest

from adoption.scorecards.loading import load_scorecard
from tests.scorecard_pages.conftest import CORE_YAML

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))


@pytest.mark.parametrize("persona", ["alice", "amer_vp", "cco", "finance", "ops", "admin"])
def test_everyone_who_reads_scores_reads_the_rules(client, scored, persona):
    client.force_login(scored[persona])

    assert client.get("/scores/scorecards/core/v1/").status_code == 200


def test_the_page_lists_each_criterion_with_kind_weight_share_points_and_missing_data_rule(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/scorecards/core/v1/")

    criteria = {c.code: c for c in response.context["criteria"]}
    assert [c.weight for c in criteria.values()] == [3, 2, 1, 1]
    assert criteria["util"].kind == "measure: license utilisation over 1 days"
    assert criteria["util"].points == [
        "at 0%: 0 points",
        "at 100%: 100 points",
        "linear between the knots; 0 points below 0%, 100 above 100%",
    ]
    assert criteria["util"].rule == "zero points"
    assert criteria["dau"].rule == "excluded (the weights re-normalise)"
    assert criteria["weeks"].rule == "last known within 3 days, else excluded"
    assert criteria["sso"].points == ["met: 100 points; not met: 0"]
    text = text_of(response)
    assert "42.9%" in text  # util: 3 of 7
    assert "every customer (no segment)" in text and "Effective from 2026-01-01" in text


def test_band_edges_are_spelled_out(client, scored):
    client.force_login(scored["alice"])

    response = client.get("/scores/scorecards/core/v1/")

    dau = next(c for c in response.context["criteria"] if c.code == "dau")
    assert dau.points == [
        "low: from 0% (included) to 20% (included): 20 points",
        "mid: above 20% up to 50% (included): 60 points",
        "high: above 50% up to 100% (included): 100 points",
        "below 0%: the first band; above 100%: the last band",
    ]
    assert "each band includes its upper edge; only the first band includes its lower edge" in text_of(
        response
    )


def test_the_latest_version_is_shown_and_every_version_is_listed(client, scored):
    load_scorecard(
        CORE_YAML.replace("version: 1", "version: 2").replace("2026-01-01", "2026-07-01"), user=None
    )
    client.force_login(scored["alice"])

    latest = client.get("/scores/scorecards/core/")
    first = client.get("/scores/scorecards/core/v1/")

    assert latest.context["version"].version == 2
    assert first.context["version"].version == 1
    assert 'href="/scores/scorecards/core/v2/"' in first.content.decode()


def test_ops_who_may_use_the_admin_get_its_links(client, scored):
    client.force_login(scored["ops_admin"])

    html = client.get("/scores/scorecards/core/v1/").content.decode()

    assert 'href="/admin/adoption/scorecard/load/"' in html
    assert "Load a new version in the admin" in html


@pytest.mark.parametrize("persona", ["alice", "amer_vp", "cco", "finance", "admin"])
def test_no_one_else_is_offered_the_admin(client, scored, persona):
    client.force_login(scored[persona])

    html = client.get("/scores/scorecards/core/v1/").content.decode()

    assert "/admin/adoption/scorecard" not in html


def test_ops_without_the_admin_role_are_told_how_to_load_a_version(client, scored):
    client.force_login(scored["ops"])

    html = client.get("/scores/scorecards/core/v1/").content.decode()

    assert "/admin/adoption/scorecard" not in html
    assert "manage.py load_scorecard" in html


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("/scores/scorecards/nope/", "There is no scorecard"),
        ("/scores/scorecards/core/v9/", "Scorecard core has no version 9."),
    ],
)
def test_unknown_scorecards_and_versions_are_404s(client, scored, url, sentence):
    client.force_login(scored["alice"])

    response = client.get(url)

    assert response.status_code == 404
    assert sentence in response.content.decode()
