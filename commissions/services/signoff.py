"""Finance signs off a closed quarter's payouts; the payroll export waits for it (DESIGN §1, §5).

A sign-off records who, when, a comment, the final runs and the totals finance saw: every line the payroll
export pays, the plans' and the other apps' (``hooks.payroll_lines``: SPIFF awards and cash rewards,
docs/design.md §11.3, §11.4). What the export would pay now is compared with them (``changes_since``), so a
line added, held or changed after the sign-off is named on the sign-off page. A re-open revokes it
(``revoke_sign_off``, called by ``close.reopen_period`` in its transaction): the row stays for the audit and
the quarter is signed off again after its next close.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError, Conflict, NotAllowed
from core.text import checked_reason
from webhooks import events as webhook_events

from .. import hooks
from ..models import Payout, PayoutLine, PayoutSignOff, Period, Plan, Run
from .ledger import lines_of
from .periods import period_lock


class NotSignedOff(Conflict):
    """A closed quarter's payroll asked for before finance signed off its payouts (API: 409)."""


def active_sign_off(period: Period) -> PayoutSignOff | None:
    """The quarter's unrevoked sign-off, or None."""
    return (
        PayoutSignOff.objects.filter(period=period, revoked_at__isnull=True)
        .select_related("signed_by")
        .first()
    )


def signed(sign_off: PayoutSignOff) -> str:
    """Who signed off and when, in words: ``finance@example.com on 2022-08-03 14:05``."""
    return f"{sign_off.signed_by.email} on {timezone.localtime(sign_off.signed_at):%Y-%m-%d %H:%M}"


def require_signed_off(period: Period) -> PayoutSignOff:
    """The quarter's sign-off, or ``NotSignedOff`` saying what is missing and how to give it (DESIGN §5)."""
    sign_off = active_sign_off(period)
    if sign_off is None:
        raise NotSignedOff(
            f"{period.code} is closed but its payouts are not signed off by finance yet: finance reviews "
            f"them and signs off on the console's sign-off page (/console/sign-off/?period={period.code}) "
            f"or with `manage.py sign_off_payouts {period.code} --user EMAIL --comment TEXT`; the payroll "
            "export opens then."
        )
    return sign_off


def sign_off_payouts(*, period: Period, user: User, comment: str) -> PayoutSignOff:
    """Sign off the payouts of the closed ``period`` as ``user`` (finance), with ``comment``.

    Records the final runs (``[{"plan", "run", "version"}]``) and the totals of every line the payroll
    export pays (``signed_totals``: ``{plan or "type:code": {currency: "0.00"}}``, held lines left out,
    SPIFF and reward lines included). Raises ``NotAllowed`` unless
    ``user`` may sign off (``access.may_sign_off``), or when ``user`` closed the quarter or is paid by its
    final runs or lines (segregation of duties, DESIGN §1); ``AttainError`` for a comment that is not 10–2,000
    characters without control characters, or a quarter that is not closed; ``Conflict`` when it is already
    signed off (naming who and when). Takes the period lock; one transaction.
    """
    access.require(access.may_sign_off(user, period))
    comment = _checked_comment(comment)
    with period_lock(period), transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_closed:
            raise AttainError(
                f"{period.code} is not closed: ops closes it, then finance signs off its payouts."
            )
        existing = active_sign_off(period)
        if existing is not None:
            raise Conflict(f"The payouts of {period.code} were already signed off by {signed(existing)}.")
        _require_independent(period, user)
        runs = list(
            Run.objects.filter(period=period, is_final=True).select_related("plan").order_by("plan__code")
        )
        try:
            with transaction.atomic():  # the constraint decides a race the lock did not (SQLite, admin)
                sign_off = PayoutSignOff.objects.create(
                    period=period,
                    signed_by=user,
                    comment=comment,
                    final_runs=[{"plan": r.plan.code, "run": r.pk, "version": r.version} for r in runs],
                    totals=signed_totals(period),
                )
        except IntegrityError:
            raise Conflict(f"The payouts of {period.code} were signed off meanwhile: reload.") from None
        webhook_events.payouts_signed_off(sign_off)  # sent once the sign-off commits
    return sign_off


def revoke_sign_off(*, period: Period, user: User, reason: str) -> int:
    """Mark the quarter's unrevoked sign-off revoked by ``user`` because of a re-open with ``reason``.

    Call inside the re-open's transaction. Returns how many were revoked (0 or 1); the row is kept.
    """
    return PayoutSignOff.objects.filter(period=period, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user, revoke_reason=f"Re-opened: {reason}"
    )


def _checked_comment(comment: str | None) -> str:
    try:
        return checked_reason(comment, what="A sign-off")
    except AttainError as exc:  # the shared check speaks of a reason; here it is finance's comment
        raise AttainError(
            exc.message.replace("a reason", "a comment").replace("'s reason", "'s comment")
        ) from None


def _require_independent(period: Period, user: User) -> None:
    """Segregation of duties (DESIGN §1): nobody signs off a quarter they closed, nor one that pays them."""
    if period.closed_by_id == user.pk:
        raise NotAllowed(
            f"{user.email} closed {period.code} and may not also sign off its payouts: another person "
            "from finance signs off."
        )
    paid = Payout.objects.filter(run__period=period, run__is_final=True, employee=user).exists()
    paid = paid or PayoutLine.objects.filter(period=period, employee=user).exists()
    if paid or any(line.employee_id == user.pk for line in hooks.payroll_lines(period)):
        raise NotAllowed(
            f"{user.email} is paid by the final runs of {period.code} and may not sign off payouts that "
            "include their own: another person from finance signs off."
        )


@dataclass(frozen=True)
class ExportedLines:
    """What the payroll export of a quarter pays (``export.write_payouts``): ``plan_lines`` the plans'
    payable lines (``ledger.lines_of``, held ones left out) and ``other_lines`` the lines other apps pay
    in it (``hooks.payroll_lines``: ``spiff`` and ``reward`` lines, docs/design.md §11.3, §11.4)."""

    plan_lines: list
    other_lines: list[hooks.PayrollLine]


def exported_lines(period: Period) -> ExportedLines:
    """The lines the payroll export of ``period`` pays, read as the export reads them (an open quarter's:
    a preview from its current runs and the incentives approved so far). A few queries."""
    plan_lines = [line for line in lines_of(period) if not line.held]
    return ExportedLines(plan_lines=plan_lines, other_lines=hooks.payroll_lines(period))


def other_key(line: hooks.PayrollLine) -> str:
    """A non-plan line's key in the signed totals: ``"spiff:Q3-LOGOS"``, ``"reward:GIFT-50"`` — its type
    and code, so it never meets a plan code."""
    return f"{line.type}:{line.code}"


def signed_totals(period: Period, lines: ExportedLines | None = None) -> dict[str, dict[str, str]]:
    """``{plan code or "type:code": {currency: "amount"}}`` of every line the payroll export of ``period``
    pays (``exported_lines``; held plan lines left out), as ``Decimal`` strings, keys sorted."""
    lines = lines if lines is not None else exported_lines(period)
    codes = dict(Plan.objects.values_list("pk", "code"))
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines.plan_lines:
        sums[codes[line.plan_id]][line.currency] += line.amount
    for other in lines.other_lines:
        sums[other_key(other)][other.currency] += Decimal(other.amount)
    return {key: {cur: str(amount) for cur, amount in sorted(by.items())} for key, by in sorted(sums.items())}


def changes_since(sign_off: PayoutSignOff, now: dict[str, dict[str, str]] | None = None) -> list[str]:
    """What the payroll export of the signed-off quarter would pay now that differs from the totals
    finance signed off: one sentence per key and currency (``"spiff:Q3-LOGOS in USD: signed off 0.00,
    now 200.00"``), [] when it pays what was signed. ``now``: ``signed_totals`` already read."""
    now = now if now is not None else signed_totals(sign_off.period)
    signed = sign_off.totals or {}
    changes = []
    for key in sorted(set(signed) | set(now)):
        before, after = signed.get(key, {}), now.get(key, {})
        for currency in sorted(set(before) | set(after)):
            was, is_ = Decimal(before.get(currency, "0")), Decimal(after.get(currency, "0"))
            if was != is_:
                changes.append(f"{key} in {currency}: signed off {was:.2f}, now {is_:.2f}")
    return changes
