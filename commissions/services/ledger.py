"""What a quarter pays each CSM per plan, line by line (issue 14, docs/design.md §7, DESIGN §6).

The lines of a CSM and plan in a quarter, in order: the ``commission`` (the run's payout), one
``true-up`` or ``clawback`` per correction paid in the quarter, ``hold release`` lines, a negative
balance carried in (``carry-forward``, negative) and, when the sum is negative under ``carry_forward``,
the balance deferred out (``carry-forward``, positive) so that nothing negative is paid. A close writes
its quarter's lines (``PayoutLine``); an open quarter's are computed from its current runs, as a preview.

Held lines (``Hold``) stay in the ledger and are left out of the payroll export until released.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.sums import exact_sums

from ..models import Hold, Payout, PayoutLine, PayrollExport, Period, Plan, Run, TrueUp

ZERO = Decimal(0)
T = PayoutLine.Type


@dataclass
class Line:
    """One payable line (``PayoutLine``'s fields); ``held`` is filled by ``mark_held``."""

    period_id: int
    employee_id: int
    plan_id: int
    currency: str
    type: str
    amount: Decimal
    position: int = 0
    restates_id: int | None = None
    correction_id: int | None = None
    hold_id: int | None = None
    cause: str = ""
    carried_from_id: int | None = None
    held: bool = False
    pk: int | None = None

    @property
    def group(self) -> tuple[int, int]:
        return (self.employee_id, self.plan_id)

    @classmethod
    def of(cls, row: PayoutLine) -> Line:
        """The line a close wrote."""
        return cls(
            period_id=row.period_id,
            employee_id=row.employee_id,
            plan_id=row.plan_id,
            currency=row.currency,
            type=row.type,
            amount=row.amount,
            position=row.position,
            restates_id=row.restates_id,
            correction_id=row.correction_id,
            hold_id=row.hold_id,
            cause=row.cause,
            carried_from_id=row.carried_from_id,
            pk=row.pk,
        )


def _trueup_lines(period: Period, employees) -> list[Line]:
    trueups = TrueUp.objects.filter(paid_in=period)
    if employees is not None:
        trueups = trueups.filter(employee_id__in=employees)
    keys = ("employee_id", "plan_id", "currency", "restates_id", "correction_id", "correction__cause")
    ordered = trueups.order_by("employee_id", "plan_id", "restates__start", "correction_id")
    rows = [
        dict(zip(keys, key, strict=True), total=total) for key, total in exact_sums(ordered, keys).items()
    ]
    return [
        Line(
            period_id=period.pk,
            employee_id=row["employee_id"],
            plan_id=row["plan_id"],
            currency=row["currency"],
            type=T.TRUE_UP if row["total"] > 0 else T.CLAWBACK,
            amount=row["total"],
            restates_id=row["restates_id"],
            correction_id=row["correction_id"],
            cause=row["correction__cause"],
        )
        for row in rows
        if row["total"] != 0
    ]


def _release_lines(period: Period, employees) -> list[Line]:
    releases = (
        Hold.objects.filter(released_in=period).exclude(released_amount=0).select_related("plan", "period")
    )
    if employees is not None:
        releases = releases.filter(employee_id__in=employees)
    return [
        Line(
            period_id=period.pk,
            employee_id=hold.employee_id,
            plan_id=hold.plan_id,
            currency=hold.plan.currency,
            type=T.HOLD_RELEASE,
            amount=hold.released_amount,
            restates_id=hold.period_id,
            hold_id=hold.pk,
            cause=f"Hold of {hold.period.code} released: {hold.release_reason or hold.reason}"[:300],
        )
        for hold in releases
    ]


def outstanding_balances(before: Period, employees=None) -> list[PayoutLine]:
    """Negative balances deferred out of quarters before ``before`` and not yet carried into another."""
    deferred = PayoutLine.objects.filter(
        type=T.CARRY_FORWARD, amount__gt=0, carried_into__isnull=True, period__end__lt=before.start
    ).select_related("period", "plan", "employee")
    if employees is not None:
        deferred = deferred.filter(employee_id__in=employees)
    return list(deferred.order_by("employee_id", "period__start", "pk"))


def compute_lines(period: Period, runs: Iterable[Run], *, employees=None) -> list[Line]:
    """The lines of ``period`` paid from ``runs`` (one per plan), true-ups, releases and carried balances.

    ``employees`` (user ids) narrows to those CSMs; None: everyone.
    """
    runs = list(runs)
    plans = {
        plan.pk: plan
        for plan in Plan.objects.filter(pk__in={run.plan_id for run in runs} | _other_plans(period))
    }
    lines: list[Line] = []
    payouts = Payout.objects.filter(run__in=runs)
    if employees is not None:
        payouts = payouts.filter(employee_id__in=employees)
    for employee_id, plan_id, amount, currency in payouts.values_list(
        "employee_id", "run__plan_id", "amount", "currency"
    ).order_by("employee_id", "run__plan__code"):
        lines.append(Line(period.pk, employee_id, plan_id, currency, T.COMMISSION, amount))
    lines += _trueup_lines(period, employees)
    lines += _release_lines(period, employees)
    for plan_id in {line.plan_id for line in lines} - plans.keys():
        plans[plan_id] = Plan.objects.get(pk=plan_id)
    groups: dict[tuple[int, int], list[Line]] = defaultdict(list)
    for line in lines:
        groups[line.group].append(line)
    _carry_in(period, groups, plans, employees)
    for (_, plan_id), group in groups.items():
        net = sum((line.amount for line in group), ZERO)
        if net < 0 and plans[plan_id].negative_balance == Plan.NegativeBalance.CARRY_FORWARD:
            first = group[0]
            group.append(
                Line(
                    period.pk,
                    first.employee_id,
                    plan_id,
                    first.currency,
                    T.CARRY_FORWARD,
                    -net,
                    cause=f"Negative balance of {net} {first.currency} carried forward to later payouts",
                )
            )
    ordered = []
    for key in sorted(groups, key=lambda k: (k[0], plans[k[1]].code)):
        for position, line in enumerate(groups[key]):
            line.position = position
            ordered.append(line)
    return ordered


def _other_plans(period: Period) -> set[int]:
    return set(TrueUp.objects.filter(paid_in=period).values_list("plan_id", flat=True).distinct())


def _carry_in(period: Period, groups: dict, plans: dict, employees) -> None:
    """Each balance deferred out of an earlier quarter enters the CSM's first plan (by code) of the same
    currency that pays them in ``period``; a CSM with none keeps it outstanding (reported, never
    deducted elsewhere; RULES "Negative totals")."""
    for deferred in outstanding_balances(period, employees):
        keys = sorted(
            (
                key
                for key in groups
                if key[0] == deferred.employee_id and plans[key[1]].currency == deferred.currency
            ),
            key=lambda key: plans[key[1]].code,
        )
        if not keys:
            continue
        groups[keys[0]].append(
            Line(
                period.pk,
                deferred.employee_id,
                keys[0][1],
                deferred.currency,
                T.CARRY_FORWARD,
                -deferred.amount,
                restates_id=deferred.period_id,
                carried_from_id=deferred.pk,
                cause=f"Negative balance carried from {deferred.period.code} ({deferred.plan.code})",
            )
        )


def write_lines(period: Period, runs: Iterable[Run]) -> list[PayoutLine]:
    """Write the closing quarter's lines (call inside the close's transaction, before the period row is
    closed)."""
    return PayoutLine.objects.bulk_create(
        PayoutLine(
            period_id=line.period_id,
            employee_id=line.employee_id,
            plan_id=line.plan_id,
            currency=line.currency,
            type=line.type,
            amount=line.amount,
            position=line.position,
            restates_id=line.restates_id,
            correction_id=line.correction_id,
            hold_id=line.hold_id,
            cause=line.cause,
            carried_from_id=line.carried_from_id,
        )
        for line in compute_lines(period, runs)
    )


def current_runs(period: Period) -> list[Run]:
    """The runs a quarter pays from: its final runs once closed, else each plan's latest successful run."""
    if period.is_closed:
        return list(Run.objects.filter(period=period, is_final=True))
    latest = {}
    for run in Run.objects.filter(period=period, status=Run.Status.SUCCEEDED, is_restatement=False).order_by(
        "plan_id", "-version"
    ):
        latest.setdefault(run.plan_id, run)
    return list(latest.values())


def lines_of(period: Period, *, employees=None) -> list[Line]:
    """The quarter's lines, held ones marked: as its close wrote them, or (open, or closed before lines were
    written) computed from ``current_runs``."""
    stored = PayoutLine.objects.filter(period=period)
    if employees is not None:
        stored = stored.filter(employee_id__in=employees)
    if period.is_closed and PayoutLine.objects.filter(period=period).exists():
        lines = [Line.of(row) for row in stored.order_by("employee_id", "plan__code", "position")]
    else:
        lines = compute_lines(period, current_runs(period), employees=employees)
    return mark_held(period, lines)


def holding(hold: Hold, line: Line, closed_at, exported_at=None) -> bool:
    """Whether ``hold`` keeps ``line`` out of payroll. ``closed_at``: when the line's quarter closed (None:
    open); ``exported_at``: when its payroll was first exported (None: not yet).

    The hold covers the line's CSM and plan in its quarter, or a true-up of its quarter; it keeps the line
    out unless it was released before the quarter closed (the line is then paid with it; a release after
    the close pays it as a ``hold release``) or placed after the quarter's payroll was exported (the line
    has left Attain and may be paid: holding it then would pay it twice at the release).
    """
    covers = (
        hold.employee_id == line.employee_id
        and hold.plan_id == line.plan_id
        and (hold.period_id == line.period_id or (hold.period_id == line.restates_id and line.correction_id))
    )
    if not covers or line.type == T.HOLD_RELEASE:
        return False
    if exported_at is not None and hold.held_at > exported_at:
        return False
    return hold.released_at is None or (closed_at is not None and hold.released_at > closed_at)


def first_export(period: Period):
    """When ``period``'s payroll was first exported, or None."""
    first = PayrollExport.objects.filter(period=period).order_by("exported_at").first()
    return first.exported_at if first is not None else None


def mark_held(period: Period, lines: list[Line]) -> list[Line]:
    if not lines:
        return lines
    active = Q(released_at__isnull=True)
    if period.closed_at:
        active |= Q(released_at__gt=period.closed_at)
    holds = list(
        Hold.objects.filter(employee_id__in={line.employee_id for line in lines})
        .filter(Q(period=period) | Q(period_id__in={line.restates_id for line in lines if line.restates_id}))
        .filter(active)
    )
    exported_at = first_export(period)
    for line in lines:
        line.held = any(holding(hold, line, period.closed_at, exported_at) for hold in holds)
    return lines
