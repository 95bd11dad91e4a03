"""Finance signs off a closed quarter's payouts; the payroll export waits for it (DESIGN §1, §5).

A sign-off records who, when, a comment, the final runs and the totals finance saw. A re-open revokes it
(``revoke_sign_off``, called by ``close.reopen_period`` in its transaction): the row stays for the audit and
the quarter is signed off again after its next close.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError, Conflict, NotAllowed
from core.text import checked_reason
from webhooks import events as webhook_events

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

    Records the final runs (``[{"plan", "run", "version"}]``) and the totals of the payable lines the
    payroll export pays (``{plan: {currency: "0.00"}}``, held lines left out). Raises ``NotAllowed`` unless
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
                    totals=_totals(period),
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
    if paid or PayoutLine.objects.filter(period=period, employee=user).exists():
        raise NotAllowed(
            f"{user.email} is paid by the final runs of {period.code} and may not sign off payouts that "
            "include their own: another person from finance signs off."
        )


def _totals(period: Period) -> dict[str, dict[str, str]]:
    """``{plan code: {currency: "amount"}}`` of the payable lines the export pays (held left out)."""
    codes = dict(Plan.objects.values_list("pk", "code"))
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines_of(period):
        if not line.held:
            sums[codes[line.plan_id]][line.currency] += line.amount
    return {
        plan: {cur: str(amount) for cur, amount in sorted(by.items())} for plan, by in sorted(sums.items())
    }
