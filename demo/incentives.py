"""The demo's incentives (docs/incentives.md, docs/design.md §11): six months of person metrics, SPIFFs,
points, contests and a month of nudges, so ``make run`` shows every incentives page with data.

Everything goes through the services a person would use: the metrics through the ``person_metrics``
import, the SPIFFs drafted and proposed by ops or a Geo VP and approved by the CCO, the points rules and
rewards made by ops, redemptions asked by the CSMs themselves, contests run by ops, the nudge config
written by the CCO. The values are planned with a seeded random generator (same ``seed`` → same data).

``seed_demo`` calls it before the demo's quarters are calculated and closed (demo/quarters.py), so the
months' metrics and events are written while their quarters are open, and nothing it leaves pending
holds a close the demo makes or offers: the rule SPIFF is awarded through yesterday, and the pending
grant, the cash reward asked and the SPIFF proposed lie in today's quarter or after it, which cannot
close before it ends (docs/incentives.md "What a quarter's close waits for").
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from accounts.models import Role, User
from adoption.models import Ownership
from commissions.models import Plan
from commissions.services.imports import import_file
from core import formatting as fmt
from core.fiscal import calendar
from incentives.models import Redemption, Reward, Spiff
from incentives.services.awards import approve_grant, award_spiff, grant_spiff
from incentives.services.points import (
    add_months,
    balance_of,
    create_points_rule,
    earn_points,
    expire_points,
    first_of_month,
    last_of_month,
)
from incentives.services.redemptions import (
    approve_redemption,
    create_reward,
    fulfil_redemption,
    request_redemption,
)
from incentives.services.spiffs import approve_spiff, budget_use, create_spiff, propose_spiff
from recognition.services.contests import (
    add_event,
    create_contest,
    events_from_metric,
    finish_contest,
    start_contest,
)
from recognition.services.nudges import save_config, send_nudges

MONTHS = 6  # full months of monthly metrics before today's month
CONTACT_DAYS = 21  # days of daily contacts_added before today
# Each CSM's usual login rate and data quality (percent), in employee-id order (demo/company.py PEOPLE):
# some well above the bars (login_rate 90, data_quality 95), some around them, a few well below.
LOGIN_LEVELS = (95, 88, 92, 76, 94, 90, 84, 97, 89, 93, 81, 91)
QUALITY_LEVELS = (97, 93, 96, 85, 95, 92, 98, 94, 90, 96, 88, 93)
# Data-quality slips in the finished contest, fewest to the best data quality: the top two tie at 100.
SLIPS = (0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5)
SLIP_REASONS = (
    "Data-quality slip: duplicate contact",
    "Data-quality slip: renewal date missing",
    "Data-quality slip: health note older than 30 days",
)

RULE_SPIFF, MANUAL_SPIFF, PROPOSED_SPIFF = "login-sprint", "renewal-saves", "quality-kickoff"
RULE_AMOUNT, RULE_BUDGET = Decimal("150.00"), Decimal("1500.00")
GRANTED, PENDING_GRANT = Decimal("500.00"), Decimal("300.00")
FINISHED_CONTEST, RUNNING_CONTEST = "clean-data", "contacts-sprint"
CONTEST_PRIZE = Decimal("250.00")
NUDGE = "login-bottom-5"


@dataclass(frozen=True)
class Cast:
    """The demo people who act: ops, the CCO, the Geo VPs by geo, and the CSMs in employee-id order."""

    ops: User
    cco: User
    csvps: dict[str, User]
    csms: list[User]


def seed_demo_incentives(*, today: date, seed: int = 7) -> str | None:
    """Seed the demo's incentives as of ``today``; returns a line saying what, or None when they exist
    already (the rule SPIFF's code is taken) or the demo's people are missing."""
    if Spiff.objects.filter(code=RULE_SPIFF).exists():
        return None
    cast = _cast()
    if cast is None:
        return None
    rng = random.Random(seed)  # noqa: S311 - demo data, deterministic on purpose
    this_month = first_of_month(today)
    months = [add_months(this_month, -back) for back in range(MONTHS, 0, -1)]  # oldest first
    imported = _import_metrics(rng, cast.csms, months, today)
    spiffs = _spiffs(cast, today, months[-1])
    points = _points(cast, today, months)
    contests = _contests(rng, cast, today, months[-2])
    nudged = _nudges(cast, months[-1])
    return (
        f"Incentives: imported {imported} person-metric rows over {MONTHS} months; {spiffs}; {points}; "
        f"{contests}; {nudged} nudge(s) for {months[-1]:%Y-%m}."
    )


def _cast() -> Cast | None:
    def first(role: str, **filters) -> User | None:
        return User.objects.filter(roles__role=role, **filters).order_by("employee_id", "pk").first()

    ops, cco = first(Role.OPS), first(Role.CCO)
    csms = list(User.objects.filter(roles__role=Role.CSM, is_active=True).order_by("employee_id", "pk"))
    # Highest pk first, so each geo keeps its first Geo VP (the demo has one per geo).
    csvps = {csvp.geo: csvp for csvp in User.objects.filter(roles__role=Role.CSVP).order_by("-pk")}
    if ops is None or cco is None or len(csms) < len(LOGIN_LEVELS):
        return None
    return Cast(ops, cco, csvps, csms[: len(LOGIN_LEVELS)])


# --- person metrics (docs/design.md §11.1) -------------------------------------------------------------


def _import_metrics(rng: random.Random, csms: list[User], months: list[date], today: date) -> int:
    """Monthly ``login_rate`` and ``data_quality`` (percent, 1 decimal) of each CSM for ``months``, and
    daily ``contacts_added`` (a count) on the weekdays of the ``CONTACT_DAYS`` days before ``today``,
    imported as one ``person_metrics`` file; returns the rows."""
    rows: list[tuple[str, str, str, Decimal]] = []
    for csm, login, quality in zip(csms, LOGIN_LEVELS, QUALITY_LEVELS, strict=True):
        for month in months:
            for metric, level in (("login_rate", login), ("data_quality", quality)):
                value = min(Decimal(100), Decimal(level * 10 + rng.randint(-20, 20)) / 10)
                rows.append((csm.employee_id, f"{month:%Y-%m}", metric, value))
    for back in range(CONTACT_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() < 5:
            for csm in csms:
                rows.append((csm.employee_id, day.isoformat(), "contacts_added", Decimal(rng.randint(0, 6))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_id", "date", "metric", "value"])
    writer.writerows(rows)
    import_file(
        kind="person_metrics", file=io.BytesIO(out.getvalue().encode()), file_name="person-metrics.csv"
    )
    return len(rows)


# --- SPIFFs (docs/design.md §11.3) ---------------------------------------------------------------------


def _paid_by_a_plan(day: date) -> bool:
    """Whether a plan covers the quarter of ``day``: only such a quarter takes SPIFF awards."""
    return Plan.objects.filter(fiscal_year=calendar().fiscal_year_of(day).code).exists()


def _spiffs(cast: Cast, today: date, last_month: date) -> str:
    """The rule SPIFF of the last full month, awarded; the SPIFF granted by hand with one grant approved
    and one waiting for the CCO; a Geo VP's SPIFF of next month, proposed. Returns a clause saying so."""
    base = settings.BASE_CURRENCY
    month = last_month if _paid_by_a_plan(last_month) else first_of_month(today)
    rule = create_spiff(
        user=cast.ops,
        code=RULE_SPIFF,
        name=f"Login sprint, {month:%B %Y}",
        description="Every CSM whose login rate of the month is at least 90 % earns a bonus, once.",
        start=month,
        end=last_of_month(month),
        currency=base,
        kind=Spiff.Kind.RULE,
        budget=RULE_BUDGET,
        metric="login_rate",
        threshold=Decimal(90),
        amount=RULE_AMOUNT,
        per=Spiff.Per.PERSON,
    )
    propose_spiff(spiff=rule, user=cast.ops, comment="Push logins before the renewals season.")
    rule = approve_spiff(spiff=rule, user=cast.cco, comment="Approved: within the quarter's budget.")
    awards = award_spiff(rule, today - timedelta(days=1), user=cast.ops).awards

    fy_start = calendar().year_bounds(calendar().fiscal_year_of(today))[0]
    start = max(last_month, fy_start)
    manual = create_spiff(
        user=cast.ops,
        code=MANUAL_SPIFF,
        name="Renewal saves",
        description="A bonus granted by hand to a CSM who saved a renewal at risk.",
        start=start,
        end=calendar().bounds(calendar().period_of(today))[1],
        currency=base,
        kind=Spiff.Kind.MANUAL,
        budget=Decimal("2000.00"),
    )
    propose_spiff(spiff=manual, user=cast.ops)
    manual = approve_spiff(spiff=manual, user=cast.cco, comment="Approved.")
    saver = cast.csms[0]
    customer = Ownership.objects.filter(employee=saver).select_related("customer").order_by("pk").first()
    granted = grant_spiff(
        spiff=manual,
        employee=saver,
        amount=GRANTED,
        day=max(today - timedelta(days=12), start),
        reason=f"Saved the {customer.customer.name if customer else 'largest'} renewal after the outage.",
        user=cast.csvps.get(saver.geo, cast.ops),
    )
    approve_grant(award=granted, user=cast.cco, comment="Well earned.")
    helper = next((c for c in cast.csms if c.geo != saver.geo), cast.csms[-1])
    grant_spiff(
        spiff=manual,
        employee=helper,
        amount=PENDING_GRANT,
        day=today,
        reason="Ran the onboarding webinar that kept three new customers on track.",
        user=cast.ops,
    )

    geo = helper.geo
    next_month = add_months(first_of_month(today), 1)
    proposed = create_spiff(
        user=cast.csvps.get(geo, cast.ops),
        code=PROPOSED_SPIFF,
        name=f"Clean data kick-off, {next_month:%B %Y}",
        description="Each CSM of the geo whose data quality of the month is at least 95 % earns a bonus.",
        start=next_month,
        end=last_of_month(next_month),
        currency=base,
        kind=Spiff.Kind.RULE,
        budget=Decimal("800.00"),
        metric="data_quality",
        threshold=Decimal(95),
        amount=Decimal("200.00"),
        per=Spiff.Per.PERSON,
        eligibility=Spiff.Eligibility.GEO,
        geo=geo,
    )
    propose_spiff(spiff=proposed, user=cast.csvps.get(geo, cast.ops), comment="For the new quarter.")
    used = budget_use(rule)
    return (
        f"SPIFF {RULE_SPIFF} awarded {len(awards)} × {fmt.money(RULE_AMOUNT, base)} "
        f"({fmt.money(used.awarded, base)} of {fmt.money(used.budget, base)}), "
        f"{MANUAL_SPIFF} a grant approved and one waiting for the CCO, {PROPOSED_SPIFF} proposed"
    )


# --- points (docs/design.md §11.4) ---------------------------------------------------------------------


def _richest(csms: list[User], day: date) -> tuple[User, int]:
    """The CSM with the most points available on ``day`` (ties: the first in employee-id order)."""
    available = [(balance_of(csm, day).available, -n, csm) for n, csm in enumerate(csms)]
    points, _, csm = max(available, key=lambda row: row[:2])
    return csm, points


def _points(cast: Cast, today: date, months: list[date]) -> str:
    """Two points rules earned month by month, the catalogue, a training asked, approved and handed out
    two months ago, a cash reward asked today (waiting for ops or finance), then the lots past their last
    day expired. Returns a clause saying so."""
    base = settings.BASE_CURRENCY
    create_points_rule(
        user=cast.ops,
        code="logins-90",
        name="Login habit",
        metric="login_rate",
        threshold=Decimal(90),
        points=10,
        start=months[0],
        expiry_months=4,
    )
    create_points_rule(
        user=cast.ops,
        code="quality-95",
        name="Clean data",
        metric="data_quality",
        threshold=Decimal(95),
        points=15,
        start=months[0],
    )
    gift = create_reward(
        user=cast.ops,
        code="gift-card",
        name="Gift card",
        kind=Reward.Kind.CASH,
        price=40,
        cash_amount=Decimal("50.00"),
        currency=base,
    )
    create_reward(user=cast.ops, code="day-off", name="A day off", kind=Reward.Kind.DAY_OFF, price=60)
    training = create_reward(
        user=cast.ops,
        code="certification",
        name="Product certification course",
        kind=Reward.Kind.TRAINING,
        price=45,
    )
    create_reward(
        user=cast.ops,
        code="summit-pass",
        name="Customer Success Summit pass",
        kind=Reward.Kind.EVENT_PASS,
        price=80,
    )
    lots = 0
    for month in months:
        lots += len(earn_points(month, user=cast.ops, today=today).lots)
        if month == months[-3]:  # asked early in the month before last, from the points earned so far
            asked_on = months[-2] + timedelta(days=2)
            csm, available = _richest(cast.csms, asked_on)
            if available >= training.price:
                asked = request_redemption(reward=training, user=csm, today=asked_on)
                approve_redemption(
                    redemption=asked, user=cast.ops, comment="Enrolled.", today=asked_on + timedelta(days=1)
                )
                fulfil_redemption(redemption=asked, user=cast.ops, today=asked_on + timedelta(days=7))
    csm, available = _richest(cast.csms, today)
    if available >= gift.price:
        request_redemption(reward=gift, user=csm, today=today)
    expired = expire_points(today, user=cast.ops)
    pending = Redemption.objects.filter(status=Redemption.Status.PENDING).count()
    return (
        f"points: {lots} lots earned, {len(expired)} lots expired, 4 rewards, "
        f"{Redemption.objects.filter(status=Redemption.Status.FULFILLED).count()} redemption fulfilled "
        f"and {pending} waiting"
    )


# --- contests and nudges (docs/design.md §11.5) --------------------------------------------------------


def _weekdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


def _contests(rng: random.Random, cast: Cast, today: date, month: date) -> str:
    """A contest of ``month`` finished with two winners tied at 100 sharing the prize, and a contest of
    four weeks around today running, its events from ``contacts_added`` and one entered by hand."""
    base = settings.BASE_CURRENCY
    finished = create_contest(
        user=cast.ops,
        code=FINISHED_CONTEST,
        name=f"Clean data, {month:%B %Y}",
        description="Everyone starts at 100 and loses 5 points for each data-quality slip.",
        start=month,
        end=last_of_month(month),
        starting_score=Decimal(100),
        prize=CONTEST_PRIZE,
        currency=base,
    )
    start_contest(contest=finished, user=cast.ops)
    by_quality = sorted(zip(QUALITY_LEVELS, range(len(cast.csms)), cast.csms, strict=True), reverse=True)
    days = _weekdays(month, last_of_month(month))
    for (_, _, csm), count in zip(by_quality, SLIPS, strict=True):
        for day in sorted(rng.sample(days, count)):
            add_event(
                contest=finished,
                user=cast.ops,
                employee=csm,
                day=day,
                points=Decimal(-5),
                reason=rng.choice(SLIP_REASONS),
            )
    winners = finish_contest(contest=finished, user=cast.ops, on=today)

    running = create_contest(
        user=cast.ops,
        code=RUNNING_CONTEST,
        name="Contacts sprint",
        description="Two points for each contact added to a customer's account; slips cost 5.",
        start=today - timedelta(days=14),
        end=today + timedelta(days=13),
        starting_score=Decimal(100),
        prize=Decimal("150.00"),
        currency=base,
    )
    start_contest(contest=running, user=cast.ops)
    events = events_from_metric(
        contest=running,
        user=cast.ops,
        metric="contacts_added",
        points_per_unit=Decimal(2),
        as_of=today - timedelta(days=1),
    )
    add_event(
        contest=running,
        user=cast.ops,
        employee=cast.csms[3],
        day=today - timedelta(days=3),
        points=Decimal(-5),
        reason="Data-quality slip: contact added without an e-mail address",
    )
    shares = " + ".join(fmt.money(w.prize_share, base) for w in winners)
    return (
        f"contest {FINISHED_CONTEST} finished ({len(winners)} tied winners: {shares}), "
        f"{RUNNING_CONTEST} running ({len(events) + 1} events)"
    )


def _nudges(cast: Cast, month: date) -> int:
    """The CCO's nudge of the bottom 5% of login rates, on, and its nudges of ``month`` sent by ops."""
    save_config(
        user=cast.cco,
        code=NUDGE,
        metric="login_rate",
        geo="",
        subject="Your login rate in $month",
        message=(
            "Hello $name,\n\nYour $metric in $month was $value %, among the lowest of the team. Logging in "
            "every day keeps your customers' health current.\n\nYour task: $task.\n"
        ),
        task_title="Show the team a feature you rarely use, in five minutes at the next team meeting",
        enabled=True,
    )
    return send_nudges(month, user=cast.ops).sent
