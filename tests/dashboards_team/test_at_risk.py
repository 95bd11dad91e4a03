"""At-risk customers of a geo (issue 5 §2): a drop of 10 points in 30 days, no score in 30 days, a gap
to target above the threshold — each with its owner and reason; a customer doing fine is not listed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import ScoreObservation, Snapshot, TargetLine
from commissions.services.periods import get_period
from dashboards.team.selectors import at_risk
from tests.builders import make_customer, make_user

TODAY = date(2021, 6, 15)  # inside FY22-Q2


@pytest.fixture
def setup(amer_vp):
    owner = make_user(Role.CSM, geo="AMER", name="Owner Amer")
    snapshot = Snapshot.objects.create(fiscal_year="FY22")
    customers = {}
    for key, target in (("drop", "60"), ("stale", "60"), ("gap", "80"), ("fine", "60")):
        customer = make_customer(f"C-{key}", name=f"Customer {key}", geo="AMER", owner=owner)
        TargetLine.objects.create(
            snapshot=snapshot,
            customer=customer,
            period="FY22-Q2",
            baseline_score=Decimal(40),
            target_score=Decimal(target),
        )
        customers[key] = customer

    def score(key, days_ago, value):
        ScoreObservation.objects.create(
            customer=customers[key], as_of=TODAY - timedelta(days=days_ago), score=Decimal(value)
        )

    score("drop", 40, 60)
    score("drop", 30, 58)
    score("drop", 2, 48)  # 58 -> 48: a fall of 10 points within 30 days
    score("stale", 31, 55)  # last scored 31 days ago
    score("gap", 35, 56)
    score("gap", 1, 55)  # 25 points below its target of 80
    score("fine", 35, 52)
    score("fine", 1, 50)  # -2 points, 10 below target, scored yesterday
    return owner, get_period("FY22-Q2")


def _rows(user, period, gap=Decimal(20)):
    return {row["customer_id"]: row for row in at_risk(user, "AMER", period, TODAY, gap)}


def test_a_drop_of_ten_points_in_thirty_days_is_at_risk(amer_vp, setup):
    owner, period = setup
    row = _rows(amer_vp, period)["C-drop"]
    assert row["owner"] == "Owner Amer"
    assert row["change"] == Decimal(-10)
    assert "dropped 10.00 points in 30 days" in row["reason"]


def test_no_score_in_thirty_days_is_at_risk(amer_vp, setup):
    _, period = setup
    row = _rows(amer_vp, period)["C-stale"]
    assert row["reason"] == "no score in 30 days"
    assert row["score_as_of"] == TODAY - timedelta(days=31)


def test_a_gap_above_the_threshold_is_at_risk(amer_vp, setup):
    _, period = setup
    row = _rows(amer_vp, period)["C-gap"]
    assert row["gap"] == Decimal(25)
    assert row["reason"] == "25.00 points below target"
    assert "C-gap" not in _rows(amer_vp, period, gap=Decimal(30))  # the threshold is a parameter


def test_a_customer_doing_fine_is_not_listed(amer_vp, setup):
    _, period = setup
    assert "C-fine" not in _rows(amer_vp, period)
    assert set(_rows(amer_vp, period)) == {"C-drop", "C-stale", "C-gap"}


def test_a_lower_gap_threshold_lists_more(amer_vp, setup):
    _, period = setup
    assert "C-fine" in _rows(amer_vp, period, gap=Decimal(5))


def test_another_geos_customers_are_not_listed(amer_vp, setup):
    _, period = setup
    make_customer("C-emea", geo="EMEA")  # no score: would be at risk in its own geo
    assert "C-emea" not in _rows(amer_vp, period)


def test_gap_comes_from_the_query_string(client, amer_vp, setup):
    client.force_login(amer_vp)
    assert client.get("/team/").context["gap"] == Decimal(20)  # the default
    for bad in ("abc", "-1", "101", "NaN"):
        refused = client.get(f"/team/?gap={bad}")
        assert refused.status_code == 404, bad  # named on the friendly 404, never a silent default
        assert f"“{bad}” is not a gap: give score points from 0 to 100" in refused.content.decode()
    response = client.get("/team/?gap=35")
    assert response.context["gap"] == Decimal(35)
