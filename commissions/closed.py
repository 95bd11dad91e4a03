"""What a closed quarter read cannot change (DESIGN §3 "Frozen and closed data"; docs/imports.md).

One rule for every dated input, asked by every path that writes them — each import kind, the admin
and (through the import service) the API: a change of a row is refused when the row, as stored or as
it would be, lies in what a closed quarter read; a row left exactly as it is stored is no change.

Where a row lies, per kind:

- deals: on their booking and effective dates — a deal dated in a closed quarter by either date is frozen,
  whichever quarter its plan's rule for its type credits it in (docs/design.md §3 "Plans"): the way
  through is a deal correction of that quarter (§7), whose applying writes the corrected row;
- KPI values and FX rates: in their period;
- assignments: from start_date to end_date (open: on and on) — overlapping a closed quarter;
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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models

from core.calendar import CalendarError, FiscalQuarter
from core.fiscal import calendar

from .models import Period

Span = tuple[str, date, date | None]  # (field, first day, last day or None: on and on)


@dataclass(frozen=True)
class ClosedQuarter:
    code: str
    start: date
    end: date


def closed_quarters() -> list[ClosedQuarter]:
    """The closed quarters, oldest first."""
    rows = Period.objects.filter(status=Period.Status.CLOSED).order_by("start")
    return [ClosedQuarter(*row) for row in rows.values_list("code", "start", "end")]


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
    spans: Callable[[Mapping[str, Any]], list[Span]]
    fields: tuple[str, ...] | None = None  # None: every field
    new_rows_read: bool = True  # False: a new row is read by no closed quarter
    # The whole sentence, when "{quarter} is closed: {what} cannot change" would say more than the rule
    # ({quarter}: the closed quarter's code), and the way out ("ops may re-open it" by default).
    sentence: str = ""
    way_out: str = "ops may re-open it, with a reason"


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


def reads_of(model: type[models.Model]) -> Reads | None:
    """How closed quarters read rows of ``model``; None when they read none of them."""
    from adoption.models import Activity, ArrRecord, Customer, Ownership, ScoreObservation

    from .models import Assignment, Deal, FxRate, KpiActual, PersonMetric

    return {
        # Frozen by either date, not only by the quarter that credits it (docs/design.md §3 "Plans").
        Deal: Reads(
            "deals dated in it",
            _on("booked_on", "effective_on"),
            sentence="a deal dated in a closed quarter (booked or effective) cannot change: "
            "{quarter} is closed",
            way_out="record a deal correction of {quarter}, or ops may re-open it, with a reason",
        ),
        KpiActual: Reads("KPI values credited to it", _in_period("period")),
        FxRate: Reads("FX rates credited to it", _in_period("period")),
        Assignment: Reads("assignments that overlap it", _between("start_date", "end_date")),
        Ownership: Reads("ownership rows dated on or before its end", _from("start_date")),
        ArrRecord: Reads("ARR rows dated on or before its end", _from("as_of")),
        ScoreObservation: Reads("scores dated in it", _on("as_of")),
        Activity: Reads("activities dated in it", _on("date")),
        PersonMetric: Reads("person metrics dated in it", _on("date")),
        Customer: Reads(
            "start dates of its customers", _from("start_date"), fields=("start_date",), new_rows_read=False
        ),
    }.get(model)


def closed_quarter_read(
    reads: Reads,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    closed: Iterable[ClosedQuarter],
) -> tuple[ClosedQuarter, str] | None:
    """The closed quarter that read a row changing from ``old`` to ``new`` (None: no such row, i.e. a
    new row or a delete), and the field that places the row in it; None when the change is allowed.

    The rows are mappings of field names to values; ``new``'s fields (``reads.fields`` where set) are
    compared with ``old``'s: equal, the change is no change.
    """
    if old is not None and new is not None:
        names = reads.fields or tuple(new)
        if all(old.get(name) == new.get(name) for name in names):
            return None
    if old is None and not reads.new_rows_read:
        return None
    closed = list(closed)
    for row in (new, old):
        if row is None:
            continue
        for name, first, last in reads.spans(row):
            if first is None:
                continue
            for quarter in closed:
                if first <= quarter.end and (last is None or last >= quarter.start):
                    return quarter, name
    return None


def closed_message(
    reads: Reads,
    quarter: ClosedQuarter,
    *,
    field: str = "",
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
) -> str:
    """Why a change is refused: the closed quarter, what of it cannot change, and — when a stored row is
    changed — the field's stored value that places the row in the quarter and the value asked for (so a
    start date moved from 2025-05-26 to 2027-05-26 names both, though neither lies in the quarter)."""
    detail = ""
    if field and old is not None and new is not None and old.get(field) != new.get(field):
        stored, asked = old.get(field), new.get(field)
        detail = f"; {field} is stored as {stored}, read by {quarter.code}, and cannot become {asked}"
    sentence = (reads.sentence or "{quarter} is closed: " + reads.what + " cannot change").format(
        quarter=quarter.code
    )
    return f"{sentence}{detail} ({reads.way_out.format(quarter=quarter.code)})"


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
    closed = closed_quarters() if reads is not None else []
    if not closed:
        return None
    stored = model._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    old = row_of(stored) if stored is not None else None
    new = None if delete else row_of(instance)
    hit = closed_quarter_read(reads, old, new, closed)
    return None if hit is None else closed_message(reads, hit[0], field=hit[1], old=old, new=new)


def refusal_for_rows(model: type[models.Model], queryset: models.QuerySet) -> str | None:
    """Why deleting the rows of ``queryset`` would change a closed quarter (the first one); None if not."""
    reads = reads_of(model)
    closed = closed_quarters() if reads is not None else []
    if not closed:
        return None
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    for row in queryset.values(*names).iterator(chunk_size=2000):
        hit = closed_quarter_read(reads, row, None, closed)
        if hit is not None:
            return closed_message(reads, hit[0])
    return None
