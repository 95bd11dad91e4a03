"""Status and 30-day change of a book customer on "My quarter" (dashboards.csm.selectors)."""

from datetime import date
from decimal import Decimal

import pytest

from adoption.models import Customer, ScoreObservation
from commissions.engine.adoption import COUNTED, HELD_HARMLESS
from dashboards.csm.selectors import status_of

D = Decimal


@pytest.mark.parametrize(
    ("target", "score", "r", "reason", "status"),
    [
        (None, D(72), D(1), "", "no target"),
        (D(60), None, D(0), "", "no score"),
        (D(60), D(60), D(1), COUNTED, "met"),
        (D(50), D(20), D(0), HELD_HARMLESS, "held harmless"),
        (D(60), D(54), D("0.7"), COUNTED, "on track"),
        (D(60), D(53), D("0.65"), COUNTED, "at risk"),
    ],
)
def test_status_rules(target, score, r, reason, status):
    assert status_of(target=target, score=score, r=r, reason=reason) == status


@pytest.mark.django_db
def test_thirty_day_change_is_latest_minus_the_score_30_days_earlier(client, worked, worked_run):
    c1 = Customer.objects.get(customer_id="C1")
    ScoreObservation.objects.create(customer=c1, as_of=date(2021, 6, 30), score=D("48.5"))
    # 2021-07-31 − 30 days = 2021-07-01: the score of 07-02 is too recent to be the one compared with.
    ScoreObservation.objects.create(customer=c1, as_of=date(2021, 7, 2), score=D("50"))
    client.force_login(worked)
    rows = {r["customer_id"]: r for r in client.get("/my/?period=FY22-Q2").context["tables"]["book"].rows}
    assert rows["C1"]["score"] == D("55.00")
    assert rows["C1"]["change"] == D("6.50")  # 55 − 48.5, the latest score at or before 2021-07-01
    assert rows["C2"]["change"] is None  # no score 30 days earlier


@pytest.mark.django_db
def test_live_page_lists_the_quarters_credited_deals(client, worked, worked_run):
    client.force_login(worked)
    deals = client.get("/my/?period=FY22-Q2").context["tables"]["deals"].rows
    assert [(d["deal_id"], d["credit_date"], d["converted"]) for d in deals] == [
        ("D1", date(2021, 6, 1), D("7500"))
    ]
