"""Read paths of the console's prior-period part (docs/design.md §7): per quarter, the pending corrections
of closed quarters whose true-ups it would pay, the true-ups already paid in it, and its active holds.

Which quarter a correction's true-ups are paid in is ``restatements.payable_quarter``'s to say; it is
asked once per corrected quarter, never per correction, and only for quarters that ended before the one
shown (for those it finds a stored open quarter, so reading the page never creates one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from accounts.models import User
from commissions.models import Correction, Hold, Period, Plan, TrueUp
from commissions.services.corrections import (
    FILE_KINDS,
    applied_corrections,
    effect_is_stale,
    pending_corrections,
)
from commissions.services.holds import active_holds
from commissions.services.ledger import first_export
from commissions.services.restatements import payable_quarter
from core import formatting as fmt
from core.sums import exact_sums

# The kinds a correction is recorded from a file of (the import format of each, DESIGN §3).
RECORDABLE_KINDS = [
    (kind, f"{Correction.Kind(kind).label} (in the {spec} import's format)")
    for kind, spec in FILE_KINDS.items()
]


def signed(amount: Decimal, currency: str) -> str:
    """An amount as a true-up reads: sign always shown, 2 decimals, its currency (``+166.67 USD``,
    ``-1,200.00 EUR``; core.formatting)."""
    return fmt.money(amount, currency, signed=True)


@dataclass
class EffectRow:
    """What applying a correction pays one CSM under one plan."""

    plan: str
    employee_id: str
    name: str
    amount: Decimal
    currency: str

    @property
    def shown(self) -> str:
        return signed(self.amount, self.currency)


@dataclass
class PendingCorrection:
    correction: Correction
    effect: list[EffectRow]
    # A correction of the same quarter applied after this effect was computed: the effect may be stale.
    stale_after: Correction | None = None


@dataclass
class AppliedCorrection:
    """An applied correction of a closed quarter: where its true-ups went and how much, per currency."""

    correction: Correction
    paid_in: str
    totals: str


@dataclass
class PaidTrueUp:
    """The true-ups one correction pays one CSM under one plan in the quarter (its components summed)."""

    employee_id: str
    name: str
    plan: str
    restated: str
    amount: Decimal
    currency: str
    cause: str

    @property
    def shown(self) -> str:
        return signed(self.amount, self.currency)


@dataclass
class Adjustments:
    """The console's prior-period part for one quarter."""

    period: Period
    pending: list[PendingCorrection] = field(default_factory=list)
    paid: list[PaidTrueUp] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    # Pending corrections of this (closed) quarter and the quarter each would be paid in.
    own_pending: list[tuple[PendingCorrection, str]] = field(default_factory=list)
    # Applied corrections of this (closed) quarter.
    applied: list[AppliedCorrection] = field(default_factory=list)
    # Holds released into this (open) quarter with an amount: paid here as hold release lines.
    releases: list[Hold] = field(default_factory=list)
    # When the quarter's payroll was first exported: no new hold then (its lines may have been paid, §7).
    exported_at: datetime | None = None
    # Pending corrections of this quarter recorded while it was closed, waiting while it is re-opened.
    waiting: list[Correction] = field(default_factory=list)


def adjustments(period: Period) -> Adjustments:
    """What the console shows of corrections, true-ups and holds for ``period``."""
    pending = pending_corrections()
    names = _names({eid for c in pending for per_csm in (c.effect or {}).values() for eid in per_csm})
    currencies = dict(
        Plan.objects.filter(code__in={plan for c in pending for plan in c.effect or {}}).values_list(
            "code", "currency"
        )
    )
    data = Adjustments(period=period, holds=list(active_holds(period).order_by("employee__employee_id")))
    data.exported_at = first_export(period)
    if period.is_closed:
        own = [c for c in pending if c.period_id == period.pk]
        paid_in = _payable_code(period) if own else ""
        data.own_pending = [(_pending(c, names, currencies), paid_in) for c in own]
        data.applied = applied_of(period)
        return data
    data.waiting = [c for c in pending if c.period_id == period.pk]
    by_quarter: dict[int, list[Correction]] = defaultdict(list)
    for correction in pending:
        if correction.period.is_closed and correction.period.end < period.start:
            by_quarter[correction.period_id].append(correction)
    for corrections in by_quarter.values():
        paid_in = payable_stored(corrections[0].period)
        if paid_in is not None and paid_in.pk == period.pk:
            data.pending += [_pending(c, names, currencies) for c in corrections]
    data.pending.sort(key=lambda p: (p.correction.period.start, p.correction.pk))
    data.paid = paid_trueups(period)
    data.releases = list(
        Hold.objects.filter(released_in=period)
        .exclude(released_amount=0)
        .select_related("employee", "plan", "period", "released_by")
        .order_by("employee__employee_id", "plan__code")
    )
    return data


def applied_of(period: Period) -> list[AppliedCorrection]:
    """The corrections applied to ``period``, with the quarters their true-ups were paid in and the totals."""
    rows = []
    for correction in applied_corrections(period):
        trueups = list(correction.trueups.select_related("paid_in"))
        totals: dict[str, Decimal] = {}
        for t in trueups:
            totals[t.currency] = totals.get(t.currency, Decimal(0)) + t.amount
        rows.append(
            AppliedCorrection(
                correction=correction,
                paid_in=", ".join(sorted({t.paid_in.code for t in trueups})) or "—",
                totals=", ".join(signed(v, c) for c, v in sorted(totals.items())) or "no payout change",
            )
        )
    return rows


def _payable_code(restated: Period) -> str:
    paid_in = payable_stored(restated)
    return paid_in.code if paid_in is not None else "the next open quarter"


def payable_stored(restated: Period) -> Period | None:
    """``payable_quarter(restated)`` when it is a stored quarter, else None: reading a page creates none."""
    return payable_quarter(restated, create=False)


def _names(employee_ids: set[str]) -> dict[str, str]:
    if not employee_ids:
        return {}
    return dict(User.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "name"))


def _pending(correction: Correction, names: dict[str, str], currencies: dict[str, str]) -> PendingCorrection:
    rows = [
        EffectRow(
            plan=plan,
            employee_id=eid,
            name=names.get(eid, ""),
            amount=Decimal(amount),
            currency=currencies.get(plan, ""),
        )
        for plan, per_csm in sorted((correction.effect or {}).items())
        for eid, amount in sorted(per_csm.items())
    ]
    return PendingCorrection(correction=correction, effect=rows, stale_after=effect_is_stale(correction))


def paid_trueups(period: Period) -> list[PaidTrueUp]:
    """The true-ups applied into ``period``: per CSM, plan, restated quarter and correction."""
    keys = (
        "employee__employee_id",
        "employee__name",
        "plan__code",
        "restates__code",
        "currency",
        "correction_id",
        "correction__cause",
    )
    ordered = TrueUp.objects.filter(paid_in=period).order_by(
        "employee__employee_id", "plan__code", "restates__start", "correction_id"
    )
    rows = [
        dict(zip(keys, key, strict=True), total=total) for key, total in exact_sums(ordered, keys).items()
    ]
    return [
        PaidTrueUp(
            employee_id=row["employee__employee_id"] or "",
            name=row["employee__name"],
            plan=row["plan__code"],
            restated=row["restates__code"],
            amount=row["total"],
            currency=row["currency"],
            cause=row["correction__cause"],
        )
        for row in rows
        if row["total"] != 0
    ]


def closed_quarters() -> list[Period]:
    """The quarters a correction may be recorded against, newest first."""
    return list(Period.objects.filter(status=Period.Status.CLOSED).order_by("-start"))
