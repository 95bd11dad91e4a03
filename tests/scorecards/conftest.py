"""A small world for the scorecards: customers of two segments, usage rows, milestones, and two
scorecards loaded through the service — each test adds only what it needs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from accounts.models import Role
from adoption.models import MilestoneRecord, UsageRecord
from tests.builders import make_customer, make_user

DAY = date(2026, 6, 30)  # in FY27-Q2 (2026-05-01 … 2026-07-31): the fiscal year starts in February
CORE_YAML = """
code: core
name: Core adoption
version: 1
effective_from: 2026-01-01
segments: [ENT]
criteria:
  - code: util
    name: License utilisation
    kind: measure
    measure: license_utilisation
    window_days: 3
    weight: 3
    points: {linear: [[0, 0], [1, 100]]}
    missing: zero
  - code: sso
    name: SSO integrated
    kind: milestone
    milestone: sso_integrated
    weight: 1
"""
SMB_YAML = """
code: smb
name: SMB adoption
version: 1
effective_from: 2026-01-01
segments: [SMB]
criteria:
  - code: dau
    name: DAU/MAU
    kind: measure
    measure: dau_mau
    window_days: 2
    weight: 1
    points:
      bands:
        - {lower: 0, upper: 0.2, points: 20, label: low}
        - {upper: 0.5, points: 60, label: mid}
        - {upper: 1, points: 100, label: high}
    missing: {rule: last_known, days: 3}
"""


def scorecard_yaml(base: str, **changes: str) -> str:
    """``base`` with top-level lines replaced, e.g. ``version="2"``."""
    lines = []
    for line in base.strip().splitlines():
        key = line.split(":", 1)[0]
        lines.append(f"{key}: {changes[key]}" if key in changes and not line.startswith(" ") else line)
    return "\n".join(lines) + "\n"


def add_usage(customer, day: date, **metrics: int) -> None:
    UsageRecord.objects.bulk_create(
        UsageRecord(customer=customer, date=day, metric=metric, value=value)
        for metric, value in metrics.items()
    )


def add_milestone(customer, criterion: str, achieved_on: date, lost_on: date | None = None) -> None:
    MilestoneRecord.objects.create(
        customer=customer, criterion=criterion, achieved_on=achieved_on, lost_on=lost_on
    )


def days_before(day: date, n: int) -> date:
    return day - timedelta(days=n)


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def segments(db):
    """One customer in each segment the scorecards name (a scorecard's segments must exist, issue 17)."""
    return {segment: make_customer(f"SEG-{segment}", segment=segment) for segment in ("ENT", "SMB", "MID")}


@pytest.fixture
def scorecard_file(tmp_path):
    def write(text: str, name: str = "scorecard.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def world(db):
    """Three ENT customers and one SMB customer with usage around DAY (see each test for the sums)."""
    ent_a = make_customer("ENT-A", segment="ENT")
    ent_b = make_customer("ENT-B", segment="ENT")
    ent_c = make_customer("ENT-C", segment="ENT")  # no usage at all
    smb = make_customer("SMB-A", segment="SMB")
    # ENT-A, window DAY-2..DAY: seats 10 each day; active 5, 12 (capped to 10), 8.
    for ago, active in ((2, 5), (1, 12), (0, 8)):
        add_usage(ent_a, days_before(DAY, ago), active_users=active, licensed_seats=10)
    add_usage(ent_a, days_before(DAY, 3), active_users=10, licensed_seats=10)  # outside the window
    add_milestone(ent_a, "sso_integrated", date(2026, 5, 1))
    # ENT-B: seats 20 on one day in the window, 4 active; SSO lost on DAY (not met on DAY).
    add_usage(ent_b, days_before(DAY, 1), active_users=4, licensed_seats=20, logins=9)
    add_milestone(ent_b, "sso_integrated", date(2026, 5, 1), lost_on=DAY)
    # SMB-A: active 3 and MAU 10 on DAY-1; 4 and 10 on DAY.
    add_usage(smb, days_before(DAY, 1), active_users=3, monthly_active_users=10)
    add_usage(smb, DAY, active_users=4, monthly_active_users=10)
    return {"ent_a": ent_a, "ent_b": ent_b, "ent_c": ent_c, "smb": smb}
