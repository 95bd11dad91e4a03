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

from commissions.loaders import load_quarter
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


def refusal(plan: Plan, before: dict[tuple[str, str], list[tuple]], readers: list[Reader]) -> str | None:
    """Why the change of ``plan`` just written (in the transaction) is refused: the closed quarters of
    other plans whose CSMs' deals it would date otherwise (``before``: ``rules_read`` before the write);
    None when it changes none."""
    after = rules_read(readers)
    altered = [key for key in before if before[key] != after[key]]
    if not altered:
        return None
    named = ", ".join(f"{quarter} of {code}" for code, quarter in altered)
    return (
        f"{plan.code} cannot change its credit dates: closed quarters of other plans dated their CSMs' deals "
        f"by them ({named}; the plan a CSM was on at a deal's earlier date decides its credit date). Re-open "
        "those quarters, each with a reason, and load the plan again; or load the changed plan under a new "
        "code."
    )


def refusal_of(plan: Plan, write: Callable[[], None]) -> str | None:
    """``refusal`` of the change ``write`` makes to ``plan``'s rows, tried in a savepoint rolled back
    afterwards: for a path that checks before it saves (the admin's plan form)."""
    readers = readers_of(plan)
    if not readers:
        return None
    before = rules_read(readers)
    with transaction.atomic():
        write()
        message = refusal(plan, before, readers)
        transaction.set_rollback(True)
    return message
