"""A small world for the stored portfolio KPIs: two CSMs in two geos, five customers whose usage on DAY
and DAY − 30 sits on the KPIs' edges, and activities for QBR coverage — hand-computed in WORLD below."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Activity, UsageRecord
from commissions.models import Period
from tests.builders import make_customer, make_user

DAY = date(2026, 6, 30)  # in FY27-Q2 (2026-05-01 … 2026-07-31): the fiscal year starts in February
TODAY = DAY + timedelta(days=1)


def used(customer, day: date, **metrics: int) -> None:
    """Usage rows of ``customer`` on ``day``: ``active=…, seats=…, mau=…`` or any metric by name."""
    names = {"active": "active_users", "seats": "licensed_seats", "mau": "monthly_active_users"}
    UsageRecord.objects.bulk_create(
        UsageRecord(customer=customer, date=day, metric=names.get(name, name), value=value)
        for name, value in metrics.items()
    )


def did(customer, day: date, kind: str) -> None:
    Activity.objects.create(customer=customer, date=day, type=kind)


def close_quarter(code: str, start: date, end: date) -> Period:
    """A closed quarter, as ``close_period`` leaves its period row."""
    closer = make_user(Role.OPS)
    return Period.objects.create(
        code=code,
        start=start,
        end=end,
        status=Period.Status.CLOSED,
        closed_at=timezone.now(),
        closed_by=closer,
    )


@pytest.fixture
def world(db):
    """alice (E-A, AMER) owns c1 and c2; bob (E-B, EMEA) owns c3, c4 and c5.

    - c1: 60 of 100 seats on DAY (exactly 60 %: not below), 50 of 100 on DAY − 30 (exactly +10 points:
      not rising), MAU 120; active on DAY − 7, − 14, − 21 too (active weekly); onboarded in January, a
      QBR on the quarter's first day (covered);
    - c2: 59 of 100 (below), 48 of 100 on DAY − 30 (+11 points: rising), MAU 0 (no DAU/MAU: missing);
      onboarded on DAY (eligible), its QBR on the day before the quarter (not covered);
    - c3: 1 of 10 seats (below), MAU 10; a QBR but never onboarded (not eligible);
    - c4: 90 of 100 (not below), 70 of 100 on DAY − 30 (+20: rising), no MAU row;
    - c5: no usage at all."""
    alice = make_user(Role.CSM, employee_id="E-A", geo="AMER")
    bob = make_user(Role.CSM, employee_id="E-B", geo="EMEA")
    c1 = make_customer("C1", geo="AMER", owner=alice)
    c2 = make_customer("C2", geo="AMER", owner=alice)
    c3 = make_customer("C3", geo="EMEA", owner=bob)
    c4 = make_customer("C4", geo="EMEA", owner=bob)
    c5 = make_customer("C5", geo="EMEA", owner=bob)
    before = DAY - timedelta(days=30)
    used(c1, DAY, active=60, seats=100, mau=120)
    used(c1, before, active=50, seats=100)
    for weeks in (1, 2, 3):
        used(c1, DAY - timedelta(days=7 * weeks), active=5)
    used(c2, DAY, active=59, seats=100, mau=0)
    used(c2, before, active=48, seats=100)
    used(c3, DAY, active=1, seats=10, mau=10)
    used(c4, DAY, active=90, seats=100)
    used(c4, before, active=70, seats=100)
    did(c1, date(2026, 1, 10), "onboarding_completed")
    did(c1, date(2026, 5, 1), "qbr")
    did(c2, DAY, "onboarding_completed")
    did(c2, date(2026, 4, 30), "qbr")
    did(c3, date(2026, 6, 1), "qbr")
    return {"alice": alice, "bob": bob, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5}


def D(text: str) -> Decimal:
    return Decimal(text)


# (level, key) → kpi → (value, numerator, denominator), by hand from the world above; customers per key.
WORLD = {
    ("csm", "E-A"): {
        "util_below_60": (D("1"), 1, 2),
        "avg_utilisation": (D("0.595000"), 119, 200),  # (60 + 59) ÷ (100 + 100)
        "util_rising": (D("1"), 1, 2),
        "dau_mau": (D("0.500000"), 60, 120),  # c2's MAU 0 is left out of both sums
        "weekly_active": (D("1"), 1, 2),
        "qbr_coverage": (D("0.500000"), 1, 2),
    },
    ("csm", "E-B"): {
        "util_below_60": (D("1"), 1, 2),
        "avg_utilisation": (D("0.827273"), 91, 110),  # seat-weighted; a mean of ratios would be 0.5
        "util_rising": (D("1"), 1, 1),
        "dau_mau": (D("0.100000"), 1, 10),
        # c3 and c4 have an active_users row in the last 4 weeks (not active in each); c5 none: no value.
        "weekly_active": (D("0"), 0, 2),
        "qbr_coverage": (None, 0, 0),
    },
    ("company", ""): {
        "util_below_60": (D("2"), 2, 4),
        "avg_utilisation": (D("0.677419"), 210, 310),
        "util_rising": (D("2"), 2, 3),
        "dau_mau": (D("0.469231"), 61, 130),
        "weekly_active": (D("1"), 1, 4),
        "qbr_coverage": (D("0.500000"), 1, 2),
    },
}
WORLD[("geo", "AMER")] = WORLD[("csm", "E-A")]
WORLD[("geo", "EMEA")] = WORLD[("csm", "E-B")]
CUSTOMERS = {("csm", "E-A"): 2, ("csm", "E-B"): 3, ("geo", "AMER"): 2, ("geo", "EMEA"): 3, ("company", ""): 5}
