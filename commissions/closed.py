"""What a closed quarter read cannot change (DESIGN §3 "Frozen and closed data"; docs/imports.md).

One rule for every dated input, asked by every path that writes them — each import kind, the admin
and (through the import service) the API: a change of a row is refused when the row, as stored or as
it would be, lies in what a closed quarter read; a row left exactly as it is stored is no change. The
refusal names every closed quarter the change would alter, not only the first.

Where a row lies, per kind:

- deals: on their booking and effective dates — a deal dated in a closed quarter by either date is frozen,
  whichever quarter its plan's rule for its type credits it in (docs/design.md §3 "Plans"): the way
  through is a deal correction of that quarter (§7), whose applying writes the corrected row;
- KPI values and FX rates: in their period;
- assignments: from start_date to end_date (open: on and on) — overlapping a closed quarter. A quarter
  reads an assignment clipped to itself: its days in the quarter (the on-target amount is prorated by
  them), its start date (the CSM's first day on the plan, which decides credit dates across a move
  between plans, DESIGN §3 "Plans"), its on-target amount and goals — but of its end only whether it
  falls inside the quarter, and where. So a change is refused only by the closed quarters whose reading
  of the row changes: an end moved from 2027-01-31 to 2026-10-31 alters no quarter up to 2026-10-31,
  while a new row overlapping a closed quarter, or a changed amount, alters every closed quarter it
  overlaps (``loaders.fingerprint`` hashes the end the same way, so those quarters keep their inputs).
  An assignment counts within its plan's fiscal year only: a quarter of another year does not read it as
  a quarter of its plan. It does read it to date deals (the plan a CSM was on at a deal's earlier date
  decides, DESIGN §3 "Plans"): an assignment to a plan of the quarter's year or the one before, of a CSM
  on another plan in the quarter that credits some deal type by another date — its plan and days;
- ownership and ARR rows: from their date on, since the owner and the ARR on a day are the latest row
  on or before it — so a row dated on or before a closed quarter's last day is read by it;
- scores: on their as_of date, inside a closed quarter (the quarter's pull captured them);
- activities: on their date, inside a closed quarter (its stored portfolio KPIs, and their explanation
  down to the customers, read them; docs/design.md §10.4);
- person metrics: on their date, inside a closed quarter (its runs' escalators read them, docs/design.md
  §11.2); a month's row is dated on the month's first day, and a quarter is whole months, so the quarter
  of that day holds the whole month;
- customers: their start_date (the held-harmless window, DESIGN §4.3) from that date on; a run reads
  no other column of a customer, and a new customer is in no closed book yet, so only a change of
  start_date, or a delete, of a customer that started by a closed quarter's end is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from core.calendar import CalendarError, FiscalQuarter, FiscalYear
from core.fiscal import calendar

from .engine.types import DEAL_TYPES
from .models import Period

CENT = Decimal("0.01")
Span = tuple[str, date, date | None]  # (field, first day, last day or None: on and on)


@dataclass(frozen=True)
class ClosedQuarter:
    code: str
    start: date
    end: date
    # What a kind's reading needs besides the row (``Reads.context``): read once per check, not per row.
    context: Any = field(default=None, compare=False, repr=False)

    @property
    def fiscal_year(self) -> str:
        return FiscalQuarter.parse(self.code).fy.code


def closed_quarters(model: type[models.Model] | None = None) -> list[ClosedQuarter]:
    """The closed quarters, oldest first; with ``model``, each carrying what reading its rows needs
    (``Reads.context``)."""
    rows = Period.objects.filter(status=Period.Status.CLOSED).order_by("start")
    quarters = [ClosedQuarter(*row) for row in rows.values_list("code", "start", "end")]
    reads = reads_of(model) if model is not None else None
    if quarters and reads is not None and reads.context is not None:
        context = reads.context(quarters)
        quarters = [replace(quarter, context=context) for quarter in quarters]
    return quarters


def closed_days(first: date, last: date) -> dict[date, str]:
    """Each day of ``first``–``last`` inside a closed quarter, with the quarter's code: the days whose
    stored portfolio KPIs never change (docs/design.md §10.4; registered with
    ``adoption.portfolio.kpi_days.register_frozen_days``)."""
    days: dict[date, str] = {}
    for quarter in closed_quarters():
        day = max(first, quarter.start)
        while day <= min(last, quarter.end):
            days[day] = quarter.code
            day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Reads:
    """How closed quarters read one kind of row: where a row lies, and which of its fields they read."""

    what: str  # completes "FY22-Q2 is closed: … cannot change"
    what_of_many: str  # completes "FY22-Q1 and FY22-Q2 are closed: … cannot change"
    spans: Callable[[Mapping[str, Any]], list[Span]]
    fields: tuple[str, ...] | None = None  # None: every field
    new_rows_read: bool = True  # False: a new row is read by no closed quarter
    # What a closed quarter reads of a row lying in it, when that is less than the row (None: the row
    # does not lie in the quarter): a change is refused only by the quarters whose reading changes.
    # Unset: a quarter the row lies in, as stored or as it would be, reads every field of it.
    read_by: Callable[[Mapping[str, Any] | None, ClosedQuarter], Any] | None = None
    # The whole sentence, when "{quarter} is closed: {what} cannot change" would say more than the rule
    # ({quarter}: the closed quarter's code, or the codes "FY22-Q1 and FY22-Q2"), and the way out ("ops
    # may re-open it" by default), for one closed quarter and for several.
    sentence: str = ""
    sentence_of_many: str = ""
    way_out: str = "ops may re-open it, with a reason"
    way_out_of_many: str = "ops may re-open them, with a reason"
    # What ``read_by`` reads besides the row, for the closed quarters (``ClosedQuarter.context``).
    context: Callable[[list[ClosedQuarter]], Any] | None = None


def _on(*names: str) -> Callable[[Mapping[str, Any]], list[Span]]:
    return lambda row: [(name, row[name], row[name]) for name in names]


def _from(name: str) -> Callable[[Mapping[str, Any]], list[Span]]:
    return lambda row: [(name, row[name], None)]


def _between(first: str, last: str) -> Callable[[Mapping[str, Any]], list[Span]]:
    return lambda row: [(first, row[first], row[last])]


def _in_period(name: str) -> Callable[[Mapping[str, Any]], list[Span]]:
    def spans(row: Mapping[str, Any]) -> list[Span]:
        try:
            start, end = calendar().bounds(FiscalQuarter.parse(row[name]))
        except CalendarError:  # not a period code: the form or the file refuses it by itself
            return []
        return [(name, start, end)]

    return spans


def _clipped_assignment(row: Mapping[str, Any] | None, quarter: ClosedQuarter) -> tuple | None:
    """What ``quarter`` reads of an assignment row: None when it reads nothing of it; else, as a pair,

    - what it reads as a quarter of the row's plan — when the plan is of the quarter's fiscal year and the
      row overlaps it: every field, the end as the quarter sees it, None when it is open or falls on or
      after the quarter's last day (the assignment runs to the quarter's end), else the date. The start
      stays as it is: besides the days in the quarter it is the CSM's first day on the plan;
    - what it reads to date the CSM's deals (DESIGN §3 "Plans"; ``engine.crossing``): the plan and the
      days, when the CSM is on another plan of the quarter's fiscal year in it that credits some deal
      type by another date than the row's plan, and the row's plan is of that year or the one before,
      with days in the row's plan's year up to the quarter's end (``_Crediting``).
    """
    if row is None or row.get("start_date") is None:
        return None
    crediting: _Crediting | None = quarter.context
    plan_year = crediting.plans.get(row.get("plan_id"), (None, None))[0] if crediting else None
    own = _as_its_plan_reads(row, quarter) if plan_year in (None, quarter.fiscal_year) else None
    dating = crediting.dating(row, quarter, plan_year) if crediting and plan_year else None
    return None if own is None and dating is None else (own, dating)


def _as_its_plan_reads(row: Mapping[str, Any], quarter: ClosedQuarter) -> tuple | None:
    start, end = row["start_date"], row.get("end_date")
    if start > quarter.end or (end is not None and end < quarter.start):
        return None
    seen = {**row, "end_date": None if end is None or end >= quarter.end else end}
    return tuple(sorted(seen.items()))


@dataclass(frozen=True)
class _Crediting:
    """What the closed quarters read of assignments to date deals: each plan's fiscal year and date per
    deal type, and the plans paying each CSM in each closed quarter (of the quarter's fiscal year)."""

    plans: Mapping[int, tuple[str, tuple[str, ...]]]  # plan pk → (fiscal year, its date of each type)
    payers: Mapping[tuple[int, str], frozenset[int]]  # (employee pk, quarter code) → plan pks

    def dating(self, row: Mapping[str, Any], quarter: ClosedQuarter, plan_year: str) -> tuple | None:
        year = FiscalYear.parse(quarter.fiscal_year).year
        if FiscalYear.parse(plan_year).year not in (year, year - 1):
            return None
        rules = self.plans[row["plan_id"]][1]
        others = self.payers.get((row.get("employee_id"), quarter.code), frozenset()) - {row["plan_id"]}
        if all(self.plans[other][1] == rules for other in others):
            return None  # no plan of theirs in the quarter dates a deal otherwise
        first, year_last = calendar().year_bounds(FiscalYear.parse(plan_year))
        last = min(year_last, quarter.end)  # its days count within its plan's year, up to the quarter's end
        start, end = row["start_date"], row.get("end_date")
        if start > last or (end is not None and end < first):
            return None
        return (row["plan_id"], max(start, first), None if end is None or end >= last else end)


def _crediting(quarters: list[ClosedQuarter]) -> _Crediting:
    """``_Crediting`` of ``quarters``: two queries."""
    from .models import Assignment, Plan

    plans = {
        pk: (year, tuple((by_type or {}).get(t, default) for t in DEAL_TYPES))
        for pk, year, default, by_type in Plan.objects.values_list(
            "pk", "fiscal_year", "credit_date", "credit_date_by_type"
        )
    }
    first, last = min(q.start for q in quarters), max(q.end for q in quarters)
    held = Assignment.objects.filter(start_date__lte=last).filter(
        models.Q(end_date__isnull=True) | models.Q(end_date__gte=first)
    )
    payers: dict[tuple[int, str], set[int]] = {}
    for employee, plan, start, end in held.values_list("employee_id", "plan_id", "start_date", "end_date"):
        for quarter in quarters:
            overlaps = start <= quarter.end and (end is None or end >= quarter.start)
            if overlaps and plans[plan][0] == quarter.fiscal_year:
                payers.setdefault((employee, quarter.code), set()).add(plan)
    return _Crediting(plans, {key: frozenset(value) for key, value in payers.items()})


def reads_of(model: type[models.Model]) -> Reads | None:
    """How closed quarters read rows of ``model``; None when they read none of them."""
    from adoption.models import Activity, ArrRecord, Customer, Ownership, ScoreObservation

    from .models import Assignment, Deal, FxRate, KpiActual, PersonMetric

    return {
        # Frozen by either date, not only by the quarter that credits it (docs/design.md §3 "Plans"). Of
        # two closed quarters, a deal correction of one would change the other (§7): re-open is the way.
        Deal: Reads(
            "deals dated in it",
            "deals dated in them",
            _on("booked_on", "effective_on"),
            sentence="a deal dated in a closed quarter (booked or effective) cannot change: "
            "{quarter} is closed",
            sentence_of_many="a deal dated in a closed quarter (booked or effective) cannot change: "
            "{quarter} are closed",
            way_out="record a deal correction of {quarter}, or ops may re-open it, with a reason",
        ),
        KpiActual: Reads("KPI values credited to it", "KPI values credited to them", _in_period("period")),
        FxRate: Reads("FX rates credited to it", "FX rates credited to them", _in_period("period")),
        Assignment: Reads(
            "assignments that overlap it or date its deals",
            "assignments that overlap them or date their deals",
            _between("start_date", "end_date"),
            read_by=_clipped_assignment,
            context=_crediting,
        ),
        Ownership: Reads(
            "ownership rows dated on or before its end",
            "ownership rows dated on or before their ends",
            _from("start_date"),
        ),
        ArrRecord: Reads(
            "ARR rows dated on or before its end", "ARR rows dated on or before their ends", _from("as_of")
        ),
        ScoreObservation: Reads("scores dated in it", "scores dated in them", _on("as_of")),
        Activity: Reads("activities dated in it", "activities dated in them", _on("date")),
        PersonMetric: Reads("person metrics dated in it", "person metrics dated in them", _on("date")),
        Customer: Reads(
            "start dates of its customers",
            "start dates of their customers",
            _from("start_date"),
            fields=("start_date",),
            new_rows_read=False,
        ),
    }.get(model)


def closed_quarters_altered(
    reads: Reads,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    closed: Iterable[ClosedQuarter],
) -> tuple[list[ClosedQuarter], str] | None:
    """The closed quarters whose reading changes when a row changes from ``old`` to ``new`` (None: no
    such row, i.e. a new row or a delete), oldest first, and the field that places the row in them; None
    when the change is allowed.

    The rows are mappings of field names to values; ``new``'s fields (``reads.fields`` where set) are
    compared with ``old``'s: equal, the change is no change. With ``reads.read_by``, a quarter is altered
    when it reads ``old`` otherwise than ``new``; without, when either lies in it.
    """
    if old is not None and new is not None:
        names = reads.fields or tuple(new)
        if all(old.get(name) == new.get(name) for name in names):
            return None
    if old is None and not reads.new_rows_read:
        return None
    closed = list(closed)
    if reads.read_by is not None:
        altered = [q for q in closed if reads.read_by(old, q) != reads.read_by(new, q)]
        spans = reads.spans(new if new is not None else old)
        if not altered or not spans:
            return None
        # For a changed row, the first changed field whose change alone alters a quarter (in the row's
        # order); else the first changed one; for a new or deleted row, where it lies.
        changed = [n for n in new if n in old and old[n] != new[n]] if old is not None and new else []
        deciding = [
            n
            for n in changed
            if any(reads.read_by(old, q) != reads.read_by({**old, n: new[n]}, q) for q in altered)
        ]
        return altered, (deciding or changed or [spans[0][0]])[0]
    hits: dict[str, str] = {}  # quarter code → the first field that places the row in it
    for row in (new, old):
        for name, first, last in reads.spans(row) if row is not None else ():
            for quarter in closed:
                if _lies_in(first, last, quarter):
                    hits.setdefault(quarter.code, name)
    if not hits:
        return None
    altered = [q for q in closed if q.code in hits]
    return altered, next(iter(hits.values()))


def closed_quarter_read(
    reads: Reads,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    closed: Iterable[ClosedQuarter],
) -> tuple[ClosedQuarter, str] | None:
    """The oldest of ``closed_quarters_altered``, with the field; None when the change is allowed."""
    hit = closed_quarters_altered(reads, old, new, closed)
    return None if hit is None else (hit[0][0], hit[1])


def _lies_in(first: date | None, last: date | None, quarter: ClosedQuarter) -> bool:
    return first is not None and first <= quarter.end and (last is None or last >= quarter.start)


def _read_stored(reads: Reads, old: Mapping[str, Any], quarter: ClosedQuarter) -> bool:
    """Whether ``quarter`` read the stored row ``old``."""
    if reads.read_by is not None:
        return reads.read_by(old, quarter) is not None
    return any(_lies_in(first, last, quarter) for _name, first, last in reads.spans(old))


def named(quarters: Sequence[ClosedQuarter]) -> str:
    """``"FY22-Q2"``, ``"FY22-Q1 and FY22-Q2"``, ``"FY22-Q1, FY22-Q2 and FY22-Q3"``."""
    *rest, last = [quarter.code for quarter in quarters]
    return f"{', '.join(rest)} and {last}" if rest else last


def closed_message(
    reads: Reads,
    quarters: Sequence[ClosedQuarter],
    *,
    field: str = "",
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    model: type[models.Model] | None = None,
) -> str:
    """Why a change is refused: every closed quarter it would alter (``quarters``, at least one, oldest
    first), what of them cannot change, the way out, and — when a stored row is changed — the field's
    stored value that places the row in the quarters that read it and the value asked for (so a start
    date moved from 2025-05-26 to 2027-05-26 names both, though neither lies in the quarter)."""
    many = len(quarters) > 1
    codes = named(quarters)
    detail = ""
    if field and old is not None and new is not None and old.get(field) != new.get(field):
        stored, asked = old.get(field), new.get(field)
        readers = [q for q in quarters if _read_stored(reads, old, q)]
        read = f", read by {named(readers)}," if readers else ""
        label, stored, asked = _named_field(model, field, stored, asked)
        detail = f"; {label} is stored as {_shown(stored)}{read} and cannot become {_shown(asked)}"
    if many:
        sentence = reads.sentence_of_many or "{quarter} are closed: " + reads.what_of_many + " cannot change"
        way_out = reads.way_out_of_many
    else:
        sentence = reads.sentence or "{quarter} is closed: " + reads.what + " cannot change"
        way_out = reads.way_out
    return f"{sentence.format(quarter=codes)}{detail} ({way_out.format(quarter=codes)})"


def _named_field(model: type[models.Model] | None, field: str, *values: Any) -> tuple[str, ...]:
    """A reference field as people read it: ``plan`` and the plans it names, not ``plan_id`` and keys."""
    if model is None or not field.endswith("_id"):
        return (field, *values)
    try:
        related = model._meta.get_field(field[:-3]).related_model
    except FieldDoesNotExist:
        related = None
    if related is None:  # not a relation: the field as it is
        return (field, *values)
    named = {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=[v for v in values if v])}
    return (field[:-3], *(named.get(v, v) for v in values))


def _shown(value: Any) -> str:
    """A stored or asked value as people write it: empty for None, a Decimal without the trailing zeros
    its column pads it with past the cents (``10.000000`` → ``10.00``)."""
    if value is None:
        return "empty"
    if isinstance(value, Decimal) and value == value.quantize(CENT):
        return str(value.quantize(CENT))
    return str(value)


def row_of(instance: models.Model) -> dict[str, Any]:
    """A model instance as the mapping ``closed_quarter_read`` compares (database values by attname)."""
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key
    }


def refusal_for(instance: models.Model, *, delete: bool = False) -> str | None:
    """Why saving (or, with ``delete``, deleting) ``instance`` would change a closed quarter; None if not.

    The stored row is read again by primary key: the form's instance already carries the new values.
    """
    model = type(instance)
    reads = reads_of(model)
    closed = closed_quarters(model) if reads is not None else []
    if not closed:
        return None
    stored = model._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    old = row_of(stored) if stored is not None else None
    new = None if delete else row_of(instance)
    hit = closed_quarters_altered(reads, old, new, closed)
    return None if hit is None else closed_message(reads, hit[0], field=hit[1], old=old, new=new, model=model)


def refusal_for_rows(model: type[models.Model], queryset: models.QuerySet) -> str | None:
    """Why deleting the rows of ``queryset`` would change a closed quarter, naming every closed quarter
    one of them lies in; None if not."""
    reads = reads_of(model)
    closed = closed_quarters(model) if reads is not None else []
    if not closed:
        return None
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    altered: set[str] = set()
    for row in queryset.values(*names).iterator(chunk_size=2000):
        hit = closed_quarters_altered(reads, row, None, closed)
        if hit is not None:
            altered.update(quarter.code for quarter in hit[0])
            if len(altered) == len(closed):
                break
    quarters = [quarter for quarter in closed if quarter.code in altered]
    return closed_message(reads, quarters) if quarters else None
