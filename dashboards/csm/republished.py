"""A statement once published to its CSM and no longer (DESIGN §5 "Publishing"): a re-open unpublishes a
quarter, and the next close may make another run final. The link the CSM was e-mailed then leads to the
statement published now, or says the quarter is being revised; never to a bare 404.

"Published to the CSM" reads the quarter's close events (``PeriodEvent.final_runs``: the runs each close
made final) and the CSM's payouts: a run that paid the CSM and that a close of its quarter made final.
Nothing here widens who may open a statement: ``statements.statement_for`` still decides that, and a run
never published to the viewer stays a 404 (another CSM's runs, an open quarter's runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from commissions.access import payouts_visible_to
from commissions.models import Payout, Period, PeriodEvent, Run


def published_runs(csm: User, period: Period) -> QuerySet:
    """The runs of ``period`` a close made final, at any close since, that pay ``csm`` (a payout line).
    Two queries."""
    ids = {
        entry["run"]
        for runs in PeriodEvent.objects.filter(period=period, action=PeriodEvent.Action.CLOSED).values_list(
            "final_runs", flat=True
        )
        for entry in runs or []
        if isinstance(entry, dict) and isinstance(entry.get("run"), int)
    }
    return Run.objects.filter(pk__in=ids, payouts__employee=csm)


@dataclass(frozen=True)
class Unpublished:
    """What became of a statement published to the CSM once and not now.

    ``current``: the CSM's statement of the same plan and quarter published now (a re-close replaced it),
    or None: the quarter is open again (``revising``), or its new final run no longer pays the CSM.
    """

    opened: Run
    current: Run | None

    @property
    def revising(self) -> bool:
        return not self.opened.period.is_closed

    @property
    def message(self) -> str:
        run, period, plan = self.opened, self.opened.period.code, self.opened.plan.code
        if self.current is not None:
            return (
                f"The statement you opened (v{run.version}) was replaced by v{self.current.version} "
                f"when {period} was closed again."
            )
        if self.revising:
            return (
                f"The statement you opened ({plan} v{run.version}) is being revised: {period} was re-opened. "
                f"Your {plan} statement of {period} will be published again when {period} is closed."
            )
        return (
            f"The statement you opened ({plan} v{run.version}) was withdrawn when {period} was closed again: "
            f"no statement of {plan} for {period} pays you now."
        )


def unpublished(viewer: User, csm: User, run_id: int) -> Unpublished | None:
    """When ``viewer`` is ``csm`` and run ``run_id`` was published to them once but is not now: what became
    of it. None otherwise (the caller answers 404 as before: nothing is revealed to anyone else)."""
    if viewer.pk != csm.pk:
        return None
    run = Run.objects.filter(pk=run_id, payouts__employee=csm).select_related("plan", "period").first()
    if run is None or not published_runs(csm, run.period).filter(pk=run.pk).exists():
        return None
    current: Payout | None = (
        payouts_visible_to(viewer)
        .filter(employee=csm, run__plan=run.plan, run__period=run.period)
        .exclude(run=run)
        .select_related("run")
        .first()
    )
    return Unpublished(opened=run, current=current.run if current is not None else None)
