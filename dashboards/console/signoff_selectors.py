"""Read paths of the sign-off page (DESIGN §5 "Quarter close": … → close → finance signs off → export).

The review figures come from ``commissions.services.payout_review``; this adds what the payroll export pays
in all (``signoff.exported_lines``: the plans' lines and the SPIFF and reward lines of ``commissions.hooks``,
docs/design.md §11.3, §11.4) per currency, the quarter's sign-offs (the active one, what changed since it,
and those revoked by a re-open) and who may do what on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts import access
from accounts.models import User
from commissions.models import PayoutSignOff, Period
from commissions.services.payout_review import PayoutReview, payout_review
from commissions.services.signoff import ExportedLines, changes_since, exported_lines, signed_totals

ZERO = Decimal(0)


@dataclass
class PaidRow:
    """What the payroll export pays in one currency: the plans' lines (commission, true-ups, clawbacks,
    carried, releases; held left out), the SPIFF lines, the cash reward lines, and their ``total`` — the
    sum of the export's amounts in that currency, to the cent."""

    currency: str
    plans: Decimal = ZERO
    spiffs: Decimal = ZERO
    rewards: Decimal = ZERO
    spiff_lines: int = 0
    reward_lines: int = 0

    @property
    def total(self) -> Decimal:
        return self.plans + self.spiffs + self.rewards


@dataclass
class OtherRow:
    """The lines of one SPIFF or cash reward (``type`` ``spiff`` | ``reward``, its ``code``) in one
    currency: how many people and the sum."""

    type: str
    code: str
    currency: str
    amount: Decimal = ZERO
    people: set[int] = field(default_factory=set)


def _paid(lines: ExportedLines) -> tuple[list[PaidRow], list[OtherRow]]:
    rows: dict[str, PaidRow] = {}
    others: dict[tuple[str, str, str], OtherRow] = {}
    for line in lines.plan_lines:
        rows.setdefault(line.currency, PaidRow(line.currency)).plans += line.amount
    for other in lines.other_lines:
        row = rows.setdefault(other.currency, PaidRow(other.currency))
        if other.type == "reward":
            row.rewards += other.amount
            row.reward_lines += 1
        else:  # a SPIFF line, or any other app's line: counted with the incentives, never dropped
            row.spiffs += other.amount
            row.spiff_lines += 1
        key = (other.type, other.code, other.currency)
        item = others.setdefault(key, OtherRow(other.type, other.code, other.currency))
        item.amount += other.amount
        item.people.add(other.employee_id)
    return [rows[c] for c in sorted(rows)], [others[k] for k in sorted(others)]


@dataclass
class SignOffPage:
    """What the sign-off page shows for one quarter."""

    period: Period
    review: PayoutReview
    active: PayoutSignOff | None
    revoked: list[PayoutSignOff]
    may_sign_off: bool  # the person's role (finance); the service also applies segregation of duties
    paid: list[PaidRow] = field(default_factory=list)  # per currency: what the payroll export pays
    others: list[OtherRow] = field(default_factory=list)  # the SPIFF and reward lines, per code
    changes: list[str] = field(default_factory=list)  # the export now against the active sign-off

    @property
    def offers_form(self) -> bool:
        return self.may_sign_off and self.period.is_closed and self.active is None


def sign_off_page(period: Period, user: User) -> SignOffPage:
    """The review of ``period``, what its payroll export pays (plans, SPIFFs, rewards), its sign-offs
    (newest first), what changed since the active one, and whether ``user`` is offered the form."""
    sign_offs = list(
        PayoutSignOff.objects.filter(period=period)
        .select_related("signed_by", "revoked_by")
        .order_by("-signed_at", "-id")
    )
    lines = exported_lines(period)  # the hook read once for the whole page
    paid, others = _paid(lines)
    active = next((s for s in sign_offs if s.is_active), None)
    return SignOffPage(
        period=period,
        review=payout_review(period),
        active=active,
        revoked=[s for s in sign_offs if not s.is_active],
        may_sign_off=bool(access.may_sign_off(user, period)),
        paid=paid,
        others=others,
        changes=changes_since(active, signed_totals(period, lines)) if active else [],
    )
