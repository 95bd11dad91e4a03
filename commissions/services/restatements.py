"""Restatements of closed quarters and the true-ups they pay (issue 14, docs/design.md §7).

A restatement of a closed quarter for a plan reads the quarter's inputs exactly as its final run read
them (same pull, same FX, the plan as locked at close), lays the applied corrections over them
(``engine.corrections``) and calculates. The true-up of a CSM's component line is the restated line
minus what was paid for it (the final run's line plus earlier true-ups of that line): a difference of
rounded lines, so paid + true-ups = restated, to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.errors import AttainError
from core.fiscal import calendar
from core.sums import exact_sums
from webhooks import events as webhook_events

from ..engine import QuarterResult, calculate_quarter
from ..engine.corrections import with_corrections
from ..loaders import fingerprint, fingerprints, load, plan_members
from ..models import ComponentResult, Correction, Period, Plan, Run, TrueUp
from .periods import open_period_for_writing
from .runs import same_inputs, start_run, warning_row, write_results

ZERO = Decimal(0)
# Corrections of these kinds can move customers or CSMs into a plan's books: their restatement reads
# every book, not only the plan members' at close.
WIDENING = (Correction.Kind.OWNERSHIP, Correction.Kind.ASSIGNMENT)

Key = tuple[str, str]  # (employee_id, component)


@dataclass
class Restated:
    """A plan's quarter recalculated with corrections, before anything is written."""

    plan: Plan
    final: Run
    result: QuarterResult
    digest: str
    customer_keys: dict[str, int]

    @property
    def changed(self) -> bool:
        """False when the corrected inputs are exactly those of the final run."""
        return self.digest != self.final.fingerprint

    def lines(self) -> dict[Key, Decimal]:
        rows = self.result.components
        return {
            (eid, component): payout
            for eid, component, payout in zip(
                rows["employee_id"], rows["component"], rows["payout"], strict=True
            )
        }


def final_run(period: Period, plan: Plan) -> Run:
    """The run a closed quarter paid for ``plan``; ``AttainError`` when it has none."""
    run = Run.objects.filter(period=period, plan=plan, is_final=True).select_related("pull").first()
    if run is None:
        raise AttainError(f"{period.code} has no final run of {plan.code}: there is nothing paid to restate.")
    return run


def restated_plans(period: Period) -> list[Plan]:
    """The plans a closed quarter paid (those with a final run), by code."""
    return list(Plan.objects.filter(runs__period=period, runs__is_final=True).order_by("code").distinct())


def restate(*, period: Period, plan: Plan, corrections: list[Correction]) -> Restated:
    """Recalculate ``plan`` for the closed ``period`` with ``corrections`` laid over its final run's inputs.

    Raises ``AttainError`` when the quarter has no final run of the plan, when the inputs the quarter
    reads now are not those its final run read (they would be paid without a correction), and
    ``MissingFxRate`` (naming currency and quarter) when a correction needs a rate the quarter lacks.
    """
    from .corrections import parsed_rows  # corrections applies restatements; the rows' parser is theirs

    final = final_run(period, plan)
    loaded = load(plan=plan, period=period, pull=final.pull, employees=plan_members(plan, period))
    applied = [c for c in corrections if c.status == Correction.Status.APPLIED]
    if not _read_as_paid(loaded, period=period, plan=plan, final=final, applied=applied):
        raise AttainError(
            f"The inputs of {plan.code} in {period.code} are no longer those its final run "
            f"v{final.version} read: a restatement would pay for changes no correction records. "
            "Ask an engineer to compare the quarter's data with the run before correcting it."
        )
    if any(c.kind in WIDENING for c in corrections):
        loaded = load(plan=plan, period=period, pull=final.pull, employees=None)
    inputs = with_corrections(loaded.inputs, [(c.kind, parsed_rows(c.kind, c.rows)) for c in corrections])
    return Restated(
        plan=plan,
        final=final,
        result=calculate_quarter(inputs),
        digest=fingerprint(inputs),
        customer_keys=loaded.customer_keys,
    )


def _read_as_paid(loaded, *, period: Period, plan: Plan, final: Run, applied: list[Correction]) -> bool:
    """Whether the quarter's inputs as read now are those it was paid and restated on: its final run's,
    or — once corrections were applied, since an applied deal correction writes its rows (docs/design.md
    §7) — with the applied corrections laid over them, the inputs of its final run or of a restatement."""
    from .corrections import parsed_rows

    if final.fingerprint in fingerprints(loaded.inputs):
        return True
    if not applied:
        return False
    if any(c.kind in WIDENING for c in applied):
        loaded = load(plan=plan, period=period, pull=final.pull, employees=None)
    inputs = with_corrections(loaded.inputs, [(c.kind, parsed_rows(c.kind, c.rows)) for c in applied])
    runs = Run.objects.filter(plan=plan, period=period, status=Run.Status.SUCCEEDED)
    return runs.filter(
        Q(is_final=True) | Q(is_restatement=True), fingerprint__in=fingerprints(inputs)
    ).exists()


def paid_lines(period: Period, plan: Plan, final: Run) -> dict[Key, Decimal]:
    """What was paid for each CSM's component line of the quarter: the final run's line plus true-ups."""
    paid: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for eid, component, payout in ComponentResult.objects.filter(run=final).values_list(
        "employee__employee_id", "component", "payout"
    ):
        paid[(eid, component)] += payout
    earlier = exact_sums(
        TrueUp.objects.filter(restates=period, plan=plan), ("employee__employee_id", "component")
    )
    for (eid, component), total in earlier.items():
        paid[(eid, component)] += total
    return dict(paid)


def differences(restated: Restated, period: Period) -> dict[Key, Decimal]:
    """restated line − paid line for every line of either, where they differ (never 0.00)."""
    now = restated.lines()
    paid = paid_lines(period, restated.plan, restated.final)
    keys = sorted(now.keys() | paid.keys())
    diffs = {key: now.get(key, ZERO) - paid.get(key, ZERO) for key in keys}
    return {key: amount for key, amount in diffs.items() if amount != 0}


def payable_quarter(restated: Period, *, today: date | None = None, create: bool = True) -> Period | None:
    """The quarter a true-up of ``restated`` is paid in: the earliest open quarter after it (the next
    payroll to run), else the quarter of ``today`` if a plan covers it (its row created).

    ``create=False`` (a page that only reads): None instead of creating a row. Raises ``AttainError``
    naming what to do when no open quarter follows.
    """
    later = Period.objects.filter(status=Period.Status.OPEN, start__gt=restated.end).order_by("start").first()
    if later is not None or not create:
        return later
    current = calendar().period_of(today or timezone.localdate())
    bounds = calendar().bounds(current)
    if bounds[0] > restated.end:
        try:
            return open_period_for_writing(current.code)
        except AttainError as exc:
            raise AttainError(
                f"No open quarter after {restated.code} to pay its true-ups in: {exc.message} "
                "Load the plan of the current fiscal year first."
            ) from None
    raise AttainError(f"No open quarter after {restated.code} to pay its true-ups in.")


def write_restatement(restated: Restated, *, user: User | None) -> Run:
    """The restatement run of ``restated``: the final run when nothing changed, an existing run with the
    same inputs, or a new run (``is_restatement``) with its results. Runs in the caller's transaction."""
    if not restated.changed:
        return restated.final
    plan, period = restated.plan, restated.final.period
    existing = same_inputs(plan, period, restated.digest)
    if existing is not None:
        return existing
    run = start_run(
        plan=plan,
        period=period,
        user=user,
        trigger="restatement",
        digest=restated.digest,
        restates=restated.final,
    )
    if run is None:
        raise AttainError(f"A restatement of {plan.code} in {period.code} is being written: try again.")
    write_results(run, restated.result, customer_keys=restated.customer_keys, progress=False)
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        warnings=[warning_row(w) for w in restated.result.warnings],
    )
    webhook_events.run_finished(run)  # in the caller's transaction: sent once it commits
    run.refresh_from_db()
    return run


@transaction.atomic
def write_trueups(
    restated: Restated, *, correction: Correction, run: Run, paid_in: Period, diffs: dict[Key, Decimal]
) -> list[TrueUp]:
    """One true-up per differing line, caused by ``correction``, paid in ``paid_in``."""
    employees = dict(
        User.objects.filter(employee_id__in={eid for eid, _ in diffs}).values_list("employee_id", "pk")
    )
    return TrueUp.objects.bulk_create(
        TrueUp(
            correction=correction,
            restatement=run,
            restates=restated.final.period,
            paid_in=paid_in,
            plan=restated.plan,
            employee_id=employees[eid],
            component=component,
            amount=amount,
            currency=restated.result.currency,
        )
        for (eid, component), amount in diffs.items()
    )


def effect_of(period: Period, corrections: list[Correction]) -> dict[str, dict[str, str]]:
    """What applying the last of ``corrections`` (after the others) would pay: {plan: {employee_id:
    amount}} per CSM, amounts as text; plans and CSMs without a difference are left out."""
    effect: dict[str, dict[str, str]] = {}
    for plan in restated_plans(period):
        diffs = differences(restate(period=period, plan=plan, corrections=corrections), period)
        per_csm: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for (eid, _component), amount in diffs.items():
            per_csm[eid] += amount
        shown = {eid: str(amount) for eid, amount in sorted(per_csm.items()) if amount != 0}
        if shown:
            effect[plan.code] = shown
    return effect
