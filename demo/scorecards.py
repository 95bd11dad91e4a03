"""The demo's scorecard: a small tracking scorecard, a few weeks of product usage and milestones for the demo
customers, and its daily scores, so ``make run`` shows scores one can click and explain (docs/scorecards.md).

The usage follows each customer's imported adoption score (active users ÷ seats near the score ÷ 100), so
the scorecard's score and the imported one tell the same story. The scorecard tracks only: the year's
score source stays ``import`` and the demo's pulls and runs are unchanged.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from adoption.models import Customer, MilestoneRecord, Scorecard, ScoreObservation, UsageRecord
from adoption.scorecards.computing import compute_days
from adoption.scorecards.loading import load_scorecard

CODE = "core"
SCORED_DAYS = 35  # a trend against 30 days ago, and a few days more
SEATS = {"enterprise": 400, "mid": 120, "smb": 30}


def _yaml(effective_from: date) -> str:
    return f"""\
code: {CODE}
name: Core adoption
version: 1
effective_from: {effective_from.isoformat()}
description: How much of the product a customer uses, week by week, and whether SSO is in place.
criteria:
  - code: sso
    name: SSO integrated
    kind: milestone
    milestone: sso_integrated
    weight: 1
  - code: util
    name: License utilisation
    kind: measure
    measure: license_utilisation
    window_days: 14
    weight: 3
    points: {{linear: [[0, 0], [1, 100]]}}
    missing: zero
  - code: dau
    name: DAU/MAU
    kind: measure
    measure: dau_mau
    window_days: 14
    weight: 2
    points:
      bands:
        - {{lower: 0, upper: 0.2, points: 20, label: low, colour: "#b3261e"}}
        - {{upper: 0.4, points: 60, label: fair, colour: "#b26a00"}}
        - {{upper: 1, points: 100, label: good, colour: "#1e7b3c"}}
    missing: exclude
  - code: weeks
    name: Weeks active
    kind: measure
    measure: weeks_active
    window_weeks: 4
    weight: 1
    points: {{linear: [[0, 0], [1, 100]]}}
    missing: {{rule: last_known, days: 7}}
"""


def seed_demo_scorecards(*, today: date, seed: int = 7) -> str | None:
    """Load the demo scorecard, write usage and milestones for the demo customers and compute the
    ``SCORED_DAYS`` days to yesterday; returns a line saying so, or None when the scorecard exists."""
    if Scorecard.objects.filter(code=CODE).exists():
        return None
    last = today - timedelta(days=1)
    first = last - timedelta(days=SCORED_DAYS - 1)
    usage_from = first - timedelta(days=28)  # the longest window (4 weeks) before the first scored day
    load_scorecard(_yaml(first), user=None)
    rng = random.Random(seed)  # noqa: S311 - demo data, deterministic on purpose
    customers = list(Customer.objects.order_by("pk").values_list("pk", "segment", "start_date"))
    levels = _score_levels([pk for pk, _, _ in customers], usage_from, last)
    usage, milestones = [], []
    for pk, segment, start in customers:
        seats = SEATS.get(segment, 50)
        quiet = rng.random() < 0.05  # a few customers stop reporting usage: missing data on the page
        day = max(usage_from, start)
        while day <= last and not (quiet and day > last - timedelta(days=10)):
            level = levels.get((pk, day))
            if level is not None:
                active = min(seats, int(seats * level * rng.randint(85, 112) / 10000))
                mau = max(active, seats * rng.randint(90, 100) // 100)
                usage += [
                    UsageRecord(customer_id=pk, date=day, metric="licensed_seats", value=seats),
                    UsageRecord(customer_id=pk, date=day, metric="active_users", value=active),
                    UsageRecord(customer_id=pk, date=day, metric="monthly_active_users", value=mau),
                ]
            day += timedelta(days=1)
        if rng.random() < 0.6:
            achieved = max(start, usage_from) + timedelta(days=rng.randint(0, SCORED_DAYS + 20))
            if achieved <= last:
                milestones.append(
                    MilestoneRecord(customer_id=pk, criterion="sso_integrated", achieved_on=achieved)
                )
    UsageRecord.objects.bulk_create(usage, batch_size=5000)
    MilestoneRecord.objects.bulk_create(milestones)
    computed = compute_days(first, last, scorecards=[CODE])
    return (
        f"Loaded scorecard {CODE} v1 (tracking), {len(usage):,} usage rows and {len(milestones)} milestones; "
        f"scored {computed.rows[CODE]:,} customer-days from {first.isoformat()} to {last.isoformat()}."
    )


def _score_levels(customer_ids: list[int], first: date, last: date) -> dict[tuple[int, date], Decimal]:
    """Each customer's imported score carried forward to every day ``first``–``last`` (the latest score
    on or before the day, 0–100)."""
    rows = ScoreObservation.objects.filter(customer_id__in=customer_ids, as_of__lte=last).order_by(
        "customer_id", "as_of"
    )
    levels: dict[tuple[int, date], Decimal] = {}
    by_customer: dict[int, list[tuple[date, Decimal]]] = {}
    for customer_id, as_of, score in rows.values_list("customer_id", "as_of", "score"):
        by_customer.setdefault(customer_id, []).append((as_of, score))
    for customer_id, scores in by_customer.items():
        index, current = 0, None
        day = first
        while day <= last:
            while index < len(scores) and scores[index][0] <= day:
                current = scores[index][1]
                index += 1
            if current is not None:
                levels[(customer_id, day)] = current
            day += timedelta(days=1)
    return levels
