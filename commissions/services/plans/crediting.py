"""A plan's credit dates as closed quarters of other plans read them (DESIGN §3 "Plans").

The plan a person was on at a deal's earlier date decides its credit date for every plan of theirs, so a
closed quarter of another plan — of the same fiscal year or the next — may have dated its CSMs' deals by
this plan's rules (``engine.crossing``; the rows it read are its inputs' ``prior_rules``). A change of
those rules would credit such a deal again, or never, while the closed quarter keeps what it paid: the
change is refused, as a change of a plan locked by its own closed quarters is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from commissions.engine import PlanSpec
from commissions.engine.types import DEAL_TYPES
from commissions.loaders import load_quarter, plan_spec
from commissions.models import Assignment, Period, Plan, Run
from core.calendar import FiscalYear


@dataclass(frozen=True)
class Reader:
    """A closed quarter of another plan, with its final run, and the people on both plans."""

    plan: Plan
    period: Period
    run: Run
    people: tuple[int, ...]  # user ids


def readers_of(plan: Plan) -> list[Reader]:
    """The closed quarters (with a final run) of the other plans of ``plan``'s people, of ``plan``'s
    fiscal year or the next, oldest first. A few queries."""
    people = set(Assignment.objects.filter(plan=plan).values_list("employee_id", flat=True))
    if not people:
        return []
    year = FiscalYear.parse(plan.fiscal_year)
    years = (year.code, FiscalYear(year.year + 1).code)
    finals = (
        Run.objects.filter(
            is_final=True,
            period__status=Period.Status.CLOSED,
            plan__fiscal_year__in=years,
            plan__assignments__employee_id__in=people,
        )
        .exclude(plan=plan)
        .select_related("plan", "period", "pull")
        .distinct()
        .order_by("period__start", "plan__code")
    )
    readers = []
    for run in finals:
        members = Assignment.objects.filter(
            plan=run.plan, employee_id__in=people, start_date__lte=run.period.end
        ).exclude(end_date__lt=run.period.start)
        both = tuple(sorted(set(members.values_list("employee_id", flat=True))))
        if both:
            readers.append(Reader(run.plan, run.period, run, both))
    return readers


def rules_read(readers: list[Reader]) -> dict[tuple[str, str], list[tuple]]:
    """What each reader's closed quarter reads of the people's other plans' credit dates now (the
    engine's ``prior_rules`` rows, sorted), by (plan code, quarter code)."""
    read = {}
    for reader in readers:
        inputs = load_quarter(
            plan=reader.plan, period=reader.period, pull=reader.run.pull, employees=reader.people
        )
        rows = inputs.prior_rules.astype(str).itertuples(index=False, name=None)
        read[(reader.plan.code, reader.period.code)] = sorted(rows)
    return read


def moved_types(old: PlanSpec, new: PlanSpec) -> str:
    """``"expansion deals from booked to effective date"``: the deal types ``new`` credits by another date
    than ``old``, in words ("" when none)."""
    moved = [(t, old.credit_date_of(t), new.credit_date_of(t)) for t in DEAL_TYPES]
    return "; ".join(f"{t} deals from {a} to {b} date" for t, a, b in moved if a != b)


def refusal(
    plan: Plan, before: dict[tuple[str, str], list[tuple]], readers: list[Reader], *, moved: str = ""
) -> str | None:
    """Why the change of ``plan`` just written (in the transaction) is refused: the closed quarters of
    other plans whose CSMs' deals it would date otherwise (``before``: ``rules_read`` before the write),
    and the deal types it moves (``moved``: ``moved_types``); None when it alters no closed quarter."""
    after = rules_read(readers)
    altered = [key for key in before if before[key] != after[key]]
    if not altered:
        return None
    named = ", ".join(f"{quarter} of {code}" for code, quarter in altered)
    change = f" The change moves {moved}." if moved else ""
    return (
        f"{plan.code} cannot change its credit dates: closed quarters of other plans dated their CSMs' deals "
        f"by them ({named}; the plan a CSM was on at a deal's earlier date decides its credit date).{change} "
        "Re-open those quarters, each with a reason, and load the plan again; or load the changed plan under "
        "a new code."
    )


def refusal_of(plan: Plan, write: Callable[[], None]) -> str | None:
    """``refusal`` of the change ``write`` makes to ``plan``'s rows, tried in a savepoint rolled back
    afterwards: for a path that checks before it saves (the admin's plan form)."""
    readers = readers_of(plan)
    if not readers:
        return None
    before, old = rules_read(readers), plan_spec(plan)
    with transaction.atomic():
        write()
        new = plan_spec(Plan.objects.get(pk=plan.pk))
        message = refusal(plan, before, readers, moved=moved_types(old, new))
        transaction.set_rollback(True)
    return message
