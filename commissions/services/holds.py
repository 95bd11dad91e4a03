"""Holds on payout lines (issue 14, RULES "Holds"): a CSM's line of a plan in a quarter kept out of the
payroll export, with a reason, until released.

A hold is keyed by quarter, CSM and plan, not by run: it survives recalculation. It covers that line
and the true-ups of that quarter wherever they are paid. Released after its quarter closed, what it held
in closed quarters is paid in the quarter open at the release as a ``hold release`` line.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError
from core.text import checked_reason

from ..loaders import plan_assignments
from ..models import Hold, PayoutLine, PayrollExport, Period, Plan
from .ledger import Line, first_export, holding
from .periods import period_lock, require_quarter_of
from .restatements import payable_quarter


def hold_line(*, period: Period, employee: User, plan: Plan, reason: str, user: User) -> Hold:
    """Hold ``employee``'s line of ``plan`` in ``period`` (ops or finance), with a reason (dispute,
    leaver). Raises ``NotAllowed``, and ``AttainError`` for a short reason, a plan of another fiscal
    year, or a line already held."""
    access.require(access.may_hold(user, period))
    reason = checked_reason(reason, what="A hold")
    require_quarter_of(period, plan)
    if not plan_assignments(plan, period).filter(employee=employee).exists():
        raise AttainError(
            f"{employee.employee_id} has no {plan.code} line in {period.code}: no assignment to the plan "
            "overlaps the quarter."
        )
    export = PayrollExport.objects.filter(period=period).select_related("exported_by").first()
    if export is not None:
        who = export.exported_by.email if export.exported_by else "a command"
        when = timezone.localtime(export.exported_at)
        raise AttainError(
            f"{period.code}'s payroll was exported on {when:%Y-%m-%d %H:%M} "
            f"by {who}: its lines may have been paid, and holding them now would pay them twice at the "
            "release. Record a correction to recover an amount, or hold the line of the open quarter."
        )
    try:
        with transaction.atomic():
            return Hold.objects.create(
                period=period, employee=employee, plan=plan, reason=reason, held_by=user
            )
    except IntegrityError:
        raise AttainError(
            f"{employee.employee_id}'s {plan.code} line of {period.code} is already held."
        ) from None


def held_amount(hold: Hold) -> Decimal:
    """What ``hold`` keeps from payroll in closed quarters now: the covered lines of closed quarters not
    already paid by an earlier hold's release."""
    lines = PayoutLine.objects.filter(
        employee=hold.employee, plan=hold.plan, period__status=Period.Status.CLOSED
    )
    covered = lines.filter(period=hold.period) | lines.filter(restates=hold.period, correction__isnull=False)
    earlier = list(
        Hold.objects.filter(
            period=hold.period, employee=hold.employee, plan=hold.plan, released_at__isnull=False
        ).exclude(pk=hold.pk)
    )
    total = Decimal(0)
    for row in covered.select_related("period"):
        line = Line.of(row)
        if not holding(hold, line, row.period.closed_at, first_export(row.period)):
            continue  # its quarter's payroll left before the hold: paid there, not at the release
        if any(holding(other, line, row.period.closed_at, first_export(row.period)) for other in earlier):
            continue  # already paid by that hold's release
        total += row.amount
    return total


def release_hold(*, hold: Hold, user: User, reason: str = "") -> Hold:
    """Release ``hold`` (ops or finance). What it held in closed quarters is paid in the quarter open now
    (``payable_quarter``) as a ``hold release`` line at that quarter's close; nothing when its quarter is
    still open. Raises ``AttainError`` when already released or when no quarter is open to pay in."""
    access.require(access.may_hold(user, hold.period))
    with transaction.atomic():
        hold = Hold.objects.select_for_update().select_related("period").get(pk=hold.pk)
        if hold.released_at is not None:
            raise AttainError(f"The hold of {hold.period.code} was already released.")
        amount = held_amount(hold)
        paid_in = None
        if amount != 0:
            paid_in = payable_quarter(hold.period)
            with period_lock(paid_in):
                paid_in = Period.objects.select_for_update().get(pk=paid_in.pk)
        Hold.objects.filter(pk=hold.pk).update(
            released_at=timezone.now(),
            released_by=user,
            release_reason=checked_reason(reason, what="A release", minimum=0),
            released_in=paid_in,
            released_amount=amount,
        )
    hold.refresh_from_db()
    return hold


def active_holds(period: Period | None = None):
    """Holds not yet released (of ``period``, or every quarter)."""
    holds = Hold.objects.filter(released_at__isnull=True).select_related(
        "period", "employee", "plan", "held_by"
    )
    return holds.filter(period=period) if period is not None else holds
