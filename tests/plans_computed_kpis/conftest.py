"""A quarter whose plans pay on computed KPIs, from usage rows in the database (DESIGN §4.5, §10).

FY27-Q2 runs 2026-05-01 … 2026-07-31 (92 days). alice (E-A) is on plan CS-KPI (OTI 3000.00, weights 1:1):
weekly_active (goal 10, the quarter's last day) and util_below_60 (lower is better, goal 2, ceiling 6).
Her book on 2026-07-31, by hand:
- A1 … A8 have active users on 07-10, 07-17, 07-24 and 07-31: 8 customers active at least weekly;
- on 07-31, of 100 seats: A1 … A4 70 active, A5 exactly 60 (not below), A6 50, A7 59, A8 1 (below):
  3 customers below 60 %; A9 and A10 have no usage (no utilisation: not counted).
WA: 8 / 10 = 0.8 → 1500 × 0.8 = 1200.00; LOW: (6 − 3) / (6 − 2) = 0.75 → 1500 × 0.75 = 1125.00;
total 2325.00.

bob (E-B) is on plan CS-AVG (OTI 2000.00): avg_utilisation averaged over the quarter, goal 0.75. His book:
B1 (100 seats; 50, 60, 70 active on 07-29, 07-30, 07-31) and B2 (300 seats; 300, 150, 0 active). Daily
seat-weighted utilisation 350/400 = 0.875, 210/400 = 0.525, 70/400 = 0.175; only those 3 days are
computed, so the mean is 1.575 / 3 = 0.525 over 3 days (89 days without a stored value, warned):
attainment 0.525 / 0.75 = 0.7 → 2000 × 0.7 = 1400.00.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts.models import Role
from adoption.models import UsageRecord
from adoption.portfolio.kpi_days import compute_kpi_days
from commissions.models import Assignment
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from tests.builders import make_customer, make_user

PERIOD = "FY27-Q2"
FIRST, LAST = date(2026, 5, 1), date(2026, 7, 31)
TODAY = date(2026, 8, 1)
HEAD = "fiscal_year: FY27\ncurrency: USD\ncomponents:\n"
KPI_PLAN = (
    "code: CS-KPI\nname: Customer Success on KPIs\n"
    + HEAD
    + "  - {code: WA, metric: kpi, kpi: weekly_active, source: computed, weight: 1, goal: 10}\n"
    "  - {code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1,"
    " goal: 2, ceiling: 6}\n"
)
AVG_PLAN = (
    "code: CS-AVG\nname: Customer Success on utilisation\n"
    + HEAD
    + "  - {code: UTIL, metric: kpi, kpi: avg_utilisation, source: computed, measure: quarter_average,"
    " weight: 1, goal: 0.75}\n"
)


def used(customer, day: date, **metrics: int) -> None:
    names = {"active": "active_users", "seats": "licensed_seats"}
    UsageRecord.objects.bulk_create(
        UsageRecord(customer=customer, date=day, metric=names.get(name, name), value=value)
        for name, value in metrics.items()
    )


@pytest.fixture
def world(db):
    alice = make_user(Role.CSM, employee_id="E-A", name="Alice")
    bob = make_user(Role.CSM, employee_id="E-B", name="Bob")
    book = {f"A{n}": make_customer(f"A{n}", owner=alice, name=f"Alpha {n}") for n in range(1, 11)}
    active_on_last = {1: 70, 2: 70, 3: 70, 4: 70, 5: 60, 6: 50, 7: 59, 8: 1}
    for n, active in active_on_last.items():
        for weeks in (1, 2, 3):
            used(book[f"A{n}"], LAST - timedelta(days=7 * weeks), active=5)
        used(book[f"A{n}"], LAST, active=active, seats=100)
    b1 = make_customer("B1", owner=bob, name="Beta 1")
    b2 = make_customer("B2", owner=bob, name="Beta 2")
    for offset, (one, two) in enumerate(((50, 300), (60, 150), (70, 0))):
        day = LAST - timedelta(days=2 - offset)
        used(b1, day, active=one, seats=100)
        used(b2, day, active=two, seats=300)
    kpi_plan = load_plan(source=KPI_PLAN)
    avg_plan = load_plan(source=AVG_PLAN)
    Assignment.objects.create(employee=alice, plan=kpi_plan, start_date=FIRST, on_target_amount=3000)
    Assignment.objects.create(employee=bob, plan=avg_plan, start_date=FIRST, on_target_amount=2000)
    compute_kpi_days(LAST - timedelta(days=2), LAST, today=TODAY)
    period = get_period(PERIOD)
    pull_scores(period=period)
    return {"alice": alice, "bob": bob, "period": period, "kpi_plan": kpi_plan, "avg_plan": avg_plan}
