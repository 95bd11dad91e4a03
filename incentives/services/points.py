"""Points: the rules that earn them, the monthly earning run, the ledger's lots and their expiry
(docs/design.md §11.4; RULES "Points").

A lot is one ``earned`` entry: a rule's points for a person's month. What is left of a lot is its points
less what approved redemptions took of it and what expired of it; what is reserved of it is what pending
redemptions hold (``RedemptionLot``). Points earned in month M under an expiry of N months expire at the
end of the last day of month M + N (``expires_after``): on that day they are still there, the next day
they are gone — except what a pending redemption reserves, which waits for its decision.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import access
from accounts.models import User
from commissions.services.person_metrics import (
    MetricSource,
    MetricUnavailable,
    check_metric_code,
    stored_metric_values,
)

from ..errors import PointsInvalid
from ..models import PointsEntry, PointsRule, Redemption, RedemptionLot

logger = logging.getLogger(__name__)

MEAN_PLACES = Decimal("1E-10")  # the stored month value; the comparison itself is exact

# The largest whole numbers a points rule or reward takes (docs/incentives.md "Points"): far above any
# real rule, price or expiry, and far below what the database's integer columns hold, so a huge number
# is refused with its name rather than overflowing a column.
MAX_POINTS = 1_000_000  # a rule's points per month, a reward's price
MAX_EXPIRY_MONTHS = 1_200  # a hundred years


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``first`` (a month's first day)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date) -> date:
    return add_months(first_of_month(day), 1) - timedelta(days=1)


def expiry_months(rule: PointsRule) -> int:
    """The rule's own expiry, else ``POINTS_EXPIRY_MONTHS`` (default 12)."""
    return rule.expiry_months or int(settings.POINTS_EXPIRY_MONTHS)


def expires_after(month: date, months: int) -> date:
    """The last day points earned in ``month`` still count: the last day of month M + ``months``.
    E.g. January 2026 with 12 months: 2027-01-31 (gone on 2027-02-01)."""
    return last_of_month(add_months(first_of_month(month), months))


# --- rules -------------------------------------------------------------------------------------------------


def create_points_rule(
    *,
    user: User | None,
    code: str,
    name: str,
    metric: str,
    threshold,
    points,
    start: date,
    end: date | None = None,
    expiry_months: int | None = None,
) -> PointsRule:
    """A points rule (ops, or the system). Raises ``NotAllowed``, or ``PointsInvalid`` listing every
    problem: an empty code or metric, a metric the one reader cannot serve (``check_metric_code``:
    ``attainment``, an unknown ``kpi.<code>``, no code at all; as ``metric: …``), a threshold that is no
    decimal (floats refused), points that are not a whole number above 0, an end before the start, an
    expiry not a whole number of months ≥ 1, a code taken. Writes nothing when refused."""
    access.require(access.may_manage_points(user))
    problems: list[str] = []
    if not (code or "").strip():
        problems.append("A rule has a code.")
    elif PointsRule.objects.filter(code=code).exists():
        problems.append(f"The code {code} is taken.")
    if not (metric or "").strip():
        problems.append("A rule names the metric it reads.")
    else:
        try:  # refused now rather than by every nightly earn-points run (docs/design.md §11.1)
            check_metric_code(metric.strip())
        except MetricUnavailable as exc:
            problems.append(f"metric: {exc.message}")
    value = _decimal(threshold, "The threshold", problems)
    count = _whole(points, "The points", problems, most=MAX_POINTS)
    if end is not None and first_of_month(end) < first_of_month(start):
        problems.append(f"The end ({end:%Y-%m}) is before the start ({start:%Y-%m}).")
    if expiry_months is not None:
        _whole(expiry_months, "The expiry (months)", problems, most=MAX_EXPIRY_MONTHS)
    if problems:
        raise PointsInvalid(f"The points rule {code} is invalid:\n" + "\n".join(f"  - {p}" for p in problems))
    return PointsRule.objects.create(
        code=code,
        name=name or code,
        metric=metric.strip(),
        threshold=value,
        points=count,
        start=first_of_month(start),
        end=last_of_month(end) if end else None,
        expiry_months=expiry_months,
        created_by=user,
    )


def _decimal(raw, what: str, problems: list[str]) -> Decimal | None:
    if isinstance(raw, float):
        problems.append(f"{what} must be a decimal, not a float ({raw!r}).")
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        problems.append(f"{what} must be a number, not {raw!r}.")
        return None
    if not value.is_finite():
        problems.append(f"{what} must be a finite number, not {raw!r}.")
        return None
    return value


def _whole(raw, what: str, problems: list[str], *, most: int) -> int | None:
    """``raw`` as a whole number from 1 to ``most``, else None with the problem named in ``problems``."""
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit():
        problems.append(f"{what} must be a whole number above 0, not {raw!r}.")
        return None
    value = int(str(raw).strip())
    if value < 1:
        problems.append(f"{what} must be a whole number above 0, not {raw!r}.")
        return None
    if value > most:
        problems.append(f"{what} must be a whole number no more than {most:,}, not {value}.")
        return None
    return value


# --- earning -----------------------------------------------------------------------------------------------


@dataclass
class EarnRun:
    """What one ``earn_points`` wrote: the new lots, how many lots existed already (not written twice),
    and the rules skipped because the reader refuses their metric (``refused``: code -> its sentence)."""

    month: date
    lots: list[PointsEntry] = field(default_factory=list)
    already: int = 0
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return sum(lot.points for lot in self.lots)


def earn_points(
    month: date, *, metrics: MetricSource | None = None, user: User | None = None, today: date | None = None
) -> EarnRun:
    """Earn each active rule's points for ``month`` (any day of it): a person whose month value of the
    rule's metric is **≥** the threshold earns the rule's points once, a lot dated the month's last day,
    expiring after ``expires_after``. The month value is the mean of the person's rows dated in the month
    (a month's own row sits on its first day, so it is that row's value); compared exactly (sum ≥
    threshold × rows), never rounded. A person with no row earns nothing.

    Idempotent: one lot per rule, person and month (a database constraint), so a rerun earns nothing twice
    and a late row of a person who had none earns then. A rule whose metric ``check_metric_code`` or the
    reader refuses (``MetricUnavailable``: a rule written before ``create_points_rule`` checked it, or a
    KPI no longer computed) earns nothing and is named in ``EarnRun.refused`` and the log; the other rules
    earn.
    Raises ``NotAllowed`` unless ops or the system,
    ``PointsInvalid`` for a month not over yet (its last day not before ``today``), ``AttainError`` when
    no metrics are stored.
    """
    access.require(access.may_manage_points(user))
    first, last = first_of_month(month), last_of_month(month)
    today = today or timezone.localdate()
    if last >= today:
        raise PointsInvalid(f"{first:%Y-%m} is not over yet (it ends on {last}): points are earned after it.")
    source = metrics or stored_metric_values
    run = EarnRun(month=first)
    rules = PointsRule.objects.filter(start__lte=first).exclude(end__lt=first).order_by("code")
    people = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for rule in rules:
            try:  # a rule's metric no longer read (or never readable) must not stop the others
                check_metric_code(rule.metric)
                values = list(source(metric=rule.metric, employees=people, first=first, last=last))
            except MetricUnavailable as exc:
                run.refused[rule.code] = exc.message
                logger.warning("Points rule %s earned nothing for %s: %s", rule.code, f"{first:%Y-%m}", exc)
                continue
            done = set(
                PointsEntry.objects.filter(rule=rule, month=first, kind=PointsEntry.Kind.EARNED).values_list(
                    "employee_id", flat=True
                )
            )
            for pk, mean in _qualifying(rule, values):
                if pk in done:
                    run.already += 1
                    continue
                run.lots.append(
                    PointsEntry(
                        employee_id=pk,
                        kind=PointsEntry.Kind.EARNED,
                        points=rule.points,
                        on=last,
                        rule=rule,
                        month=first,
                        metric_value=mean.quantize(MEAN_PLACES),
                        expires_after=expires_after(first, expiry_months(rule)),
                    )
                )
        PointsEntry.objects.bulk_create(run.lots)
    return run


def _qualifying(rule: PointsRule, values: Iterable) -> list[tuple[int, Decimal]]:
    """(person pk, month mean) of each person whose mean of the month's rows is ≥ the threshold."""
    rows: dict[int, list[Decimal]] = defaultdict(list)
    for v in values:
        if isinstance(v.value, float):
            who = User.objects.filter(pk=v.employee).values_list("email", flat=True).first() or "a person"
            raise PointsInvalid(f"{rule.metric} of {who} on {v.day} is a float: values are decimals.")
        rows[v.employee].append(v.value)
    out = []
    for pk in sorted(rows):
        total, n = sum(rows[pk], Decimal(0)), len(rows[pk])
        if total >= rule.threshold * n:
            out.append((pk, total / n))
    return out


# --- lots and expiry ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotState:
    """A lot's ``left`` (points less redeemed and expired) and ``reserved`` (held by pending redemptions)."""

    lot: PointsEntry
    left: int
    reserved: int

    @property
    def free(self) -> int:
        return self.left - self.reserved


def lot_states(lots: list[PointsEntry]) -> list[LotState]:
    """Each lot's state, in the order given: two queries whatever the number of lots."""
    ids = [lot.pk for lot in lots]
    used = dict(
        PointsEntry.objects.filter(lot_id__in=ids)
        .values("lot_id")
        .annotate(s=Sum("points"))
        .values_list("lot_id", "s")
    )
    held = dict(
        RedemptionLot.objects.filter(lot_id__in=ids, redemption__status=Redemption.Status.PENDING)
        .values("lot_id")
        .annotate(s=Sum("points"))
        .values_list("lot_id", "s")
    )
    return [LotState(lot, lot.points + (used.get(lot.pk) or 0), held.get(lot.pk) or 0) for lot in lots]


def expire_points(as_of: date, *, user: User | None = None, today: date | None = None) -> list[PointsEntry]:
    """Expire what is left of every lot whose last day (``expires_after``) is before ``as_of``, less what
    pending redemptions reserve of it: one ``expired`` entry per lot, dated the day after its last day.

    Idempotent: what expired already is not left any more, so a rerun writes nothing; a lot's reserved
    part expires later if its redemption is rejected (``redemptions.reject_redemption``). Locks the lots
    it reads. Raises ``NotAllowed`` unless ops or the system, ``PointsInvalid`` for an ``as_of`` after
    ``today`` (default the local date): points still valid today are never written off ahead of time,
    which would leave an expired entry the balance of today does not count (docs/design.md §11.4).
    """
    access.require(access.may_manage_points(user))
    today = today or timezone.localdate()
    if as_of > today:
        raise PointsInvalid(
            f"{as_of} is after today ({today}): points expire once their last day is over, "
            "never ahead of time."
        )
    with transaction.atomic():
        ids = list(
            PointsEntry.objects.select_for_update()
            .filter(kind=PointsEntry.Kind.EARNED, expires_after__lt=as_of)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        lots = list(PointsEntry.objects.filter(pk__in=ids).order_by("pk"))
        return _expire(lot_states(lots), on=None)


def _expire(states: list[LotState], *, on: date | None) -> list[PointsEntry]:
    """Write an ``expired`` entry for each free part > 0 (``on``, or the day after the lot's last day)."""
    entries = [
        PointsEntry(
            employee_id=s.lot.employee_id,
            kind=PointsEntry.Kind.EXPIRED,
            points=-s.free,
            on=on or s.lot.expires_after + timedelta(days=1),
            lot=s.lot,
        )
        for s in states
        if s.free > 0
    ]
    PointsEntry.objects.bulk_create(entries)
    return entries


@dataclass(frozen=True)
class PointsBalance:
    """A person's points as of a day: ``balance`` the sum of the ledger's entries, ``reserved`` held by
    pending redemptions, ``expiring`` left of lots past their last day that the expiry run has not written
    yet, ``available`` = balance − reserved − expiring (what a redemption may ask)."""

    balance: int
    reserved: int
    expiring: int

    @property
    def available(self) -> int:
        return self.balance - self.reserved - self.expiring


def usable_lots(employee: User | int, as_of: date, *, lock: bool = False) -> list[LotState]:
    """The person's lots still valid on ``as_of`` (last day ≥ it), oldest first: by earning month, then the
    one expiring first, then the order earned (RULES "Points": first in, first out)."""
    lots = PointsEntry.objects.filter(
        employee=employee, kind=PointsEntry.Kind.EARNED, expires_after__gte=as_of
    )
    if lock:
        lots = lots.select_for_update()
    return lot_states(list(lots.order_by("month", "expires_after", "pk")))


def balance_of(employee: User | int, as_of: date | None = None) -> PointsBalance:
    """The person's balance, reserved and available points on ``as_of`` (default today)."""
    as_of = as_of or timezone.localdate()
    balance = (
        PointsEntry.objects.filter(employee=employee, on__lte=as_of).aggregate(s=Sum("points"))["s"] or 0
    )
    lots = list(PointsEntry.objects.filter(employee=employee, kind=PointsEntry.Kind.EARNED, on__lte=as_of))
    states = lot_states(lots)
    reserved = sum(s.reserved for s in states)
    expiring = sum(s.free for s in states if s.lot.expires_after < as_of and s.free > 0)
    return PointsBalance(balance=balance, reserved=reserved, expiring=expiring)
