"""A small scored world for the score pages: two AMER CSMs and an EMEA one, their customers, one
scorecard computed over the 31 days to ``DAY``; figures worked by hand in each test.

Scorecard ``core`` v1 (every customer): util (license utilisation over 1 day, weight 3, linear 0→0,
1→100, missing: zero), dau (DAU/MAU over 1 day, weight 2, bands low ≤ 20 % → 20, mid ≤ 50 % → 60,
high ≤ 100 % → 100, missing: exclude), sso (milestone, weight 1), weeks (weeks active of the last week,
weight 1, linear 0→0, 1→100, missing: last known within 3 days).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts.models import Role
from adoption.models import MilestoneRecord, UsageRecord
from adoption.scorecards.computing import compute_days
from adoption.scorecards.loading import load_scorecard
from tests.builders import make_customer, make_user
from tests.dashboards_team.conftest import _demo_of_module, demo, on_demo_day  # noqa: F401

DAY = date(2026, 6, 30)  # FY27-Q2
MONTH_AGO = DAY - timedelta(days=30)
CORE_YAML = """
code: core
name: Core adoption
version: 1
effective_from: 2026-01-01
criteria:
  - code: util
    name: License utilisation
    kind: measure
    measure: license_utilisation
    window_days: 1
    weight: 3
    points: {linear: [[0, 0], [1, 100]]}
    missing: zero
  - code: dau
    name: DAU/MAU
    kind: measure
    measure: dau_mau
    window_days: 1
    weight: 2
    points:
      bands:
        - {lower: 0, upper: 0.2, points: 20, label: low}
        - {upper: 0.5, points: 60, label: mid}
        - {upper: 1, points: 100, label: high}
    missing: exclude
  - code: sso
    name: SSO integrated
    kind: milestone
    milestone: sso_integrated
    weight: 1
  - code: weeks
    name: Weeks active
    kind: measure
    measure: weeks_active
    window_weeks: 1
    weight: 1
    points: {linear: [[0, 0], [1, 100]]}
    missing: {rule: last_known, days: 3}
"""


def usage(customer, day: date, **metrics: int) -> None:
    UsageRecord.objects.bulk_create(
        UsageRecord(customer=customer, date=day, metric=metric, value=value)
        for metric, value in metrics.items()
    )


@pytest.fixture
def people(db) -> dict:
    people = {
        "alice": make_user(Role.CSM, geo="AMER", name="Alice Amer", email="alice@example.com"),
        "bob": make_user(Role.CSM, geo="AMER", name="Bob Amer", email="bob@example.com"),
        "erin": make_user(Role.CSM, geo="EMEA", name="Erin Emea", email="erin@example.com"),
        "amer_vp": make_user(Role.CSVP, geo="AMER", name="Avery Vp"),
        "emea_vp": make_user(Role.CSVP, geo="EMEA", name="Emil Vp"),
        "cco": make_user(Role.CCO, geo="", name="Chief Customer"),
        "finance": make_user(Role.FINANCE, geo="", name="Fin Ance"),
        "ops": make_user(Role.OPS, geo="", name="Op Erator"),
        "ops_admin": make_user(Role.OPS, Role.ADMIN, geo="", name="Op Admin"),
        "admin": make_user(Role.ADMIN, geo="", name="Ad Min"),
        "nobody": make_user(geo="", name="No Role"),
    }
    return people


@pytest.fixture
def scored(people) -> dict:
    """Customers and their scores on ``DAY`` (hand-computed: Σ weight × points ÷ Σ weight):

    - ACME (Alice): util 62/100 = 62 % → 62 × 3; dau 62/200 = 31 % → mid 60 × 2; sso met 100 × 1;
      weeks 1 of 1 → 100 × 1: 506 ÷ 7 = 72.29. On ``MONTH_AGO``: util 50 %, dau 25 % (mid), sso, weeks:
      470 ÷ 7 = 67.14. Trend +5.15.
    - BOLT (Alice): usage on DAY − 9 only: util no data → 0 × 3; dau no data → excluded; sso not met
      0 × 1; weeks last known (measured on DAY − 3) 100 × 1: 100 ÷ 5 = 20.00, partial.
    - CARL (Bob): util 100 %, dau 100 % (high), no sso, weeks: 600 ÷ 7 = 85.71.
    - DELTA (Erin, EMEA): util 30 %, dau 30 % (mid), no sso, weeks: 310 ÷ 7 = 44.29.
    - ECHO (Alice): starts after DAY: no score.
    """
    alice, bob, erin = people["alice"], people["bob"], people["erin"]
    acme = make_customer("ACME", name="Acme Corp", geo="AMER", owner=alice, segment="ENT")
    bolt = make_customer("BOLT", name="Bolt Inc", geo="AMER", owner=alice, segment="ENT")
    carl = make_customer("CARL", name="Carl Ltd", geo="AMER", owner=bob, segment="ENT")
    delta = make_customer("DELTA", name="Delta GmbH", geo="EMEA", owner=erin, segment="ENT")
    echo = make_customer("ECHO", name="Echo Co", geo="AMER", owner=alice, start_date=date(2026, 7, 15))
    usage(acme, DAY, licensed_seats=100, active_users=62, monthly_active_users=200)
    usage(acme, MONTH_AGO, licensed_seats=100, active_users=50, monthly_active_users=200)
    MilestoneRecord.objects.create(customer=acme, criterion="sso_integrated", achieved_on=date(2026, 3, 1))
    usage(bolt, DAY - timedelta(days=9), licensed_seats=10, active_users=5, monthly_active_users=10)
    usage(carl, DAY, licensed_seats=10, active_users=10, monthly_active_users=10)
    usage(delta, DAY, licensed_seats=10, active_users=3, monthly_active_users=10)
    load_scorecard(CORE_YAML, user=None)
    compute_days(MONTH_AGO, DAY, scorecards=["core"])
    return {"acme": acme, "bolt": bolt, "carl": carl, "delta": delta, "echo": echo, **people}
