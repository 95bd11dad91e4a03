"""Quarter close and re-open (DESIGN §5 "Quarter close")."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.errors import AttainError, PeriodClosed
from core.text import checked_reason
from webhooks import events as webhook_events

from .. import hooks
from ..frozen import reopening
from ..models import Correction, PayoutLine, Period, PeriodEvent, Plan, Run
from .ledger import write_lines
from .periods import period_lock
from .runs import plan_state
from .signoff import revoke_sign_off


def plans_of(period: Period):
    """The plans of the period's fiscal year."""
    return Plan.objects.filter(fiscal_year=period.fiscal_year).order_by("code")


def require_ended(period: Period) -> None:
    """Refuse a quarter whose last day has not passed (``timezone.localdate()``): closing it would
    publish statements of a quarter still under way and freeze its data (DESIGN §2, §5)."""
    if period.end >= timezone.localdate():
        opens = period.end + timedelta(days=1)
        raise AttainError(
            f"{period.code} ends {period.end:%Y-%m-%d}: it can be closed from {opens:%Y-%m-%d}."
        )


def close_period(*, period: Period, user: User) -> list[Run]:
    """Close ``period`` as ``user`` (ops): mark each plan's latest successful run final; freeze the quarter.

    Refuses when the period is closed, before its last day has passed (``require_ended``), while
    anything a registered close blocker names is pending (``hooks.close_blockers``: requests of the
    quarter; SPIFF grants, proposed SPIFFs, rule SPIFF events not yet awarded and undecided cash rewards
    of it — docs/incentives.md "Operations"), and when a plan of its fiscal year has no current run
    (``runs.PlanState``: none yet, still running, or its inputs changed since). Loads each plan's inputs
    to fingerprint them. Takes the period lock; one transaction. Returns the final runs.
    """
    access.require(access.may_close(user, period))
    with period_lock(period), transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.is_closed:
            raise PeriodClosed(f"{period.code} is already closed.")
        require_ended(period)
        blockers = hooks.close_blockers(period)
        if blockers:
            raise AttainError(" ".join(blockers))
        plans = list(plans_of(period))
        if not plans:
            raise AttainError(f"No plan covers {period.code}: nothing to close.")
        # The final run of each plan is its current run: the one whose inputs are the quarter's inputs
        # now, as ``calculate`` decides (services.runs.PlanState) — never a run made before a change.
        states = [plan_state(period=period, plan=plan) for plan in plans]
        missing = [s.plan.code for s in states if s.current is None and s.latest is None]
        if missing:
            raise AttainError(
                f"Cannot close {period.code}: no successful run of {', '.join(missing)}. Run calculate first."
            )
        running = [f"{s.plan.code} v{s.current.version}" for s in states if s.current and not s.up_to_date]
        if running:
            raise AttainError(
                f"Cannot close {period.code}: {', '.join(running)} is still running. "
                "Close when it has finished."
            )
        stale = [f"{s.plan.code} v{s.latest.version}" for s in states if s.current is None]
        if stale:
            raise AttainError(
                f"Cannot close {period.code}: the inputs of {', '.join(stale)} changed since (applied "
                "requests, imports or a new pull). Run calculate again so the final run includes them."
            )
        finals = [s.current for s in states]
        Run.objects.filter(period=period, is_final=True).update(is_final=False)
        Run.objects.filter(pk__in=[r.pk for r in finals]).update(is_final=True)
        write_lines(period, finals)  # what the quarter pays, line by line (issue 14)
        Period.objects.filter(pk=period.pk).update(
            status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=user
        )
        close = PeriodEvent.objects.create(
            period=period,
            action=PeriodEvent.Action.CLOSED,
            user=user,
            final_runs=[{"plan": r.plan.code, "run": r.pk, "version": r.version} for r in finals],
        )
        webhook_events.quarter_closed(close, finals)  # sent once the close commits
        for listener in hooks.close_listeners():  # statements are published once the close commits (§5)
            transaction.on_commit(lambda listener=listener, code=period.code: listener(code), robust=True)
    from .clawbacks import look_again  # clawbacks records corrections, which read the close

    look_again(after=f"the close of {period.code}")
    return finals


def reopen_period(*, period: Period, user: User, reason: str) -> Period:
    """Re-open a closed period as ``user`` (ops) with a reason; the closed runs stay as they were.

    Revokes finance's sign-off of its payouts in the same transaction (kept, marked revoked): the quarter
    is signed off again after its next close before its payroll is exported (DESIGN §5).
    """
    access.require(access.may_reopen(user, period))
    reason = checked_reason(reason, what="Re-opening a quarter")  # 10–2,000 characters, no control character
    with period_lock(period), transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_closed:
            raise AttainError(f"{period.code} is not closed.")
        _refuse_reopen_when_paid_onward(period)
        with reopening():  # the one UPDATE the closed-period trigger lets through (commissions/frozen.py)
            Period.objects.filter(pk=period.pk).update(
                status=Period.Status.OPEN, closed_at=None, closed_by=None
            )
        PayoutLine.objects.filter(period=period).delete()  # the re-close writes them again
        revoke_sign_off(period=period, user=user, reason=reason)
        PeriodEvent.objects.create(
            period=period, action=PeriodEvent.Action.REOPENED, user=user, reason=reason
        )
    period.refresh_from_db()
    return period


def _refuse_reopen_when_paid_onward(period: Period) -> None:
    """Refuse to re-open a quarter whose payouts reached other quarters (``reopen_refusal``)."""
    refusal = reopen_refusal(period)
    if refusal is not None:
        why, instead = refusal
        raise AttainError(f"{period.code} cannot be re-opened: {why}. {instead}")


def reopen_refusal(period: Period) -> tuple[str, str] | None:
    """Why the closed ``period`` cannot be re-opened and what to do instead —
    ``("corrections of it were applied and paid as true-ups", "Record another correction instead.")`` —
    or ``None`` when it can. A quarter whose payouts reached other quarters stays closed (issue 14): its
    applied corrections were paid as true-ups elsewhere, and a negative balance it deferred was recovered
    in a later quarter. The one rule ``reopen_period`` and ``load_plan``'s refusal of a locked plan read.
    Two queries at most."""
    if Correction.objects.filter(period=period, status=Correction.Status.APPLIED).exists():
        return "corrections of it were applied and paid as true-ups", "Record another correction instead."
    carried = PayoutLine.objects.filter(period=period, carried_into__isnull=False).select_related(
        "carried_into__period"
    )
    into = sorted({line.carried_into.period.code for line in carried})
    if into:
        return f"its negative balance was carried into {', '.join(into)}", "Record a correction instead."
    return None
