"""The catalogue of rewards and their redemptions (docs/design.md §11.4; RULES "Points").

A request reserves the reward's price from the person's oldest lots (first in, first out); ops or finance
approves it (never the requester), which redeems those points — a cash reward then lies in the quarter of
the approval and is paid with its payroll — or rejects it, which releases them. Each step locks its rows
and compares the status it needs; rights come from ``accounts.access``; pghistory records every row
change on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from commissions.services.periods import open_period_for_writing
from core import formatting as fmt
from core.currencies import is_currency
from core.errors import PeriodClosed
from core.fiscal import calendar

from ..errors import NotEnoughPoints, PointsInvalid, WrongStatus
from ..models import PointsEntry, Redemption, RedemptionLot, Reward
from .points import MAX_POINTS, _expire, _whole, balance_of, lot_states, usable_lots
from .spiffs import _money, unknown_currency


def create_reward(
    *, user: User | None, code: str, name: str, kind: str, price, cash_amount=None, currency: str = ""
) -> Reward:
    """A reward of the catalogue (ops, or the system). A cash reward has an amount (> 0, cents) and a
    currency; the others have neither. Raises ``NotAllowed`` or ``PointsInvalid`` listing every problem."""
    access.require(access.may_manage_points(user))
    problems: list[str] = []
    if not (code or "").strip():
        problems.append("A reward has a code.")
    elif Reward.objects.filter(code=code).exists():
        problems.append(f"The code {code} is taken.")
    if kind not in Reward.Kind.values:
        problems.append(f"The kind must be one of {', '.join(Reward.Kind.values)}, not {kind!r}.")
    points = _whole(price, "The price (points)", problems, most=MAX_POINTS)
    amount = _money(cash_amount, "The cash amount", problems)
    currency = (currency or "").strip().upper()
    if kind == Reward.Kind.CASH:
        if amount is None or amount <= 0:
            problems.append("A cash reward pays an amount above 0.")
        if len(currency) != 3:
            problems.append(f"A cash reward names its currency (3 letters), not {currency!r}.")
        elif not is_currency(currency):
            problems.append(unknown_currency(currency))
    elif amount is not None or currency:
        problems.append("Only a cash reward has an amount and a currency.")
    if problems:
        raise PointsInvalid(f"The reward {code} is invalid:\n" + "\n".join(f"  - {p}" for p in problems))
    return Reward.objects.create(
        code=code,
        name=name or code,
        kind=kind,
        price=points,
        cash_amount=amount if kind == Reward.Kind.CASH else None,
        currency=currency if kind == Reward.Kind.CASH else "",
    )


def request_redemption(*, reward: Reward, user: User, today: date | None = None) -> Redemption:
    """``user`` asks for ``reward``: a pending redemption reserving its price from their lots still valid
    ``today``, oldest first. Locks those lots. Raises ``NotAllowed``, ``PointsInvalid`` for an inactive
    reward, ``NotEnoughPoints`` naming the available points and the price."""
    access.require(access.may_redeem_points(user))
    today = today or timezone.localdate()
    if not reward.active:
        raise PointsInvalid(f"{reward.name} is no longer offered.")
    with transaction.atomic():
        states = usable_lots(user, today, lock=True)
        available = sum(max(s.free, 0) for s in states)
        if available < reward.price:
            raise NotEnoughPoints(
                f"{reward.name} costs {reward.price} points: {user.email} has {available} available "
                f"({balance_of(user, today).reserved} reserved by pending requests)."
            )
        redemption = Redemption.objects.create(
            employee=user,
            reward=reward,
            points=reward.price,
            cash_amount=reward.cash_amount,
            currency=reward.currency,
            requested_on=today,
        )
        wanted, taken = reward.price, []
        for state in states:
            if wanted == 0:
                break
            take = min(max(state.free, 0), wanted)
            if take:
                taken.append(RedemptionLot(redemption=redemption, lot=state.lot, points=take))
                wanted -= take
        RedemptionLot.objects.bulk_create(taken)
    return redemption


def _pending(redemption: Redemption) -> Redemption:
    row = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("reward", "employee")
        .get(pk=redemption.pk)
    )
    if row.status != Redemption.Status.PENDING:
        raise WrongStatus(f"{row} is {row.get_status_display().lower()}: it is not waiting for approval.")
    return row


def approve_redemption(
    *, redemption: Redemption, user: User, comment: str = "", today: date | None = None
) -> Redemption:
    """Ops or finance approves a pending redemption (not their own): its reserved points are redeemed
    (one ``redeemed`` entry per lot, dated ``today``). A cash reward lies in the quarter of ``today``
    (``period``) and is paid as a ``reward`` payroll line of it. Raises ``NotAllowed``, ``WrongStatus``,
    ``PeriodClosed`` when that quarter is closed, ``AttainError`` when no plan covers it."""
    access.require(access.may_decide_redemption(user, redemption))
    today = today or timezone.localdate()
    with transaction.atomic():
        row = _pending(redemption)
        if row.cash_amount:
            row.period = open_period_for_writing(calendar().period_of(today).code)
            if row.period.is_closed:
                raise PeriodClosed(f"{row.period.code} is closed: a reward cannot be paid in it.")
        PointsEntry.objects.bulk_create(
            PointsEntry(
                employee_id=row.employee_id,
                kind=PointsEntry.Kind.REDEEMED,
                points=-part.points,
                on=today,
                lot_id=part.lot_id,
                redemption=row,
            )
            for part in row.lots.all()
        )
        row.status, row.decided_by, row.decided_on, row.comment = (
            Redemption.Status.APPROVED,
            user,
            today,
            comment.strip(),
        )
        row.save(update_fields=["status", "decided_by", "decided_on", "period", "comment"])
    return row


def reject_redemption(
    *, redemption: Redemption, user: User, comment: str, today: date | None = None
) -> Redemption:
    """Ops or finance rejects a pending redemption (not their own) with a comment: its points are released.
    Released points of a lot whose last day is before ``today`` expire at once, dated ``today`` (they
    waited for this decision). Raises ``NotAllowed``, ``PointsInvalid`` without a comment, ``WrongStatus``."""
    access.require(access.may_decide_redemption(user, redemption))
    if not (comment or "").strip():
        raise PointsInvalid("A rejection says why (a comment).")
    today = today or timezone.localdate()
    with transaction.atomic():
        row = _pending(redemption)
        lot_ids = list(row.lots.values_list("lot_id", flat=True))
        row.status, row.decided_by, row.decided_on, row.comment = (
            Redemption.Status.REJECTED,
            user,
            today,
            comment.strip(),
        )
        row.save(update_fields=["status", "decided_by", "decided_on", "comment"])
        past = list(
            PointsEntry.objects.select_for_update()
            .filter(pk__in=lot_ids, expires_after__lt=today)
            .order_by("pk")
        )
        _expire(lot_states(past), on=today)
    return row


def fulfil_redemption(*, redemption: Redemption, user: User, today: date | None = None) -> Redemption:
    """Ops marks an approved reward that is not cash as handed out (not their own). Raises ``NotAllowed``,
    ``WrongStatus`` (not approved, or cash: payroll pays it)."""
    access.require(access.may_fulfil_redemption(user, redemption))
    today = today or timezone.localdate()
    with transaction.atomic():
        row = (
            Redemption.objects.select_for_update(of=("self",)).select_related("reward").get(pk=redemption.pk)
        )
        if row.status != Redemption.Status.APPROVED or row.cash_amount:
            what = "paid with the payroll" if row.cash_amount else row.get_status_display().lower()
            raise WrongStatus(f"{row} is {what}: only an approved reward that is not cash is fulfilled.")
        row.status, row.fulfilled_by, row.fulfilled_on = Redemption.Status.FULFILLED, user, today
        row.save(update_fields=["status", "fulfilled_by", "fulfilled_on"])
    return row


def describe_price(reward: Reward) -> str:
    """``"500 points"``, with the cash it pays for a cash reward (``"500 points → 50.00 USD"``)."""
    if reward.is_cash:
        return f"{reward.price} points → {fmt.money(reward.cash_amount, reward.currency)}"
    return f"{reward.price} points"
