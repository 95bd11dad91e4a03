"""Rules of DESIGN §3 that look across a row's columns, across rows, or at stored rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import timezone

from adoption.models import Snapshot, TargetLine
from commissions.models import Assignment
from core.calendar import FiscalQuarter
from core.errors import SnapshotFrozen

from .base import ParsedFile, RowError


def deal_sign(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """expansion > 0, contraction < 0, churn < 0, renewal any (DESIGN §3 `deals`)."""
    kind, delta = row["type"], row["arr_delta"]
    if kind == "expansion" and delta <= 0:
        yield "arr_delta", "an expansion must have a positive arr_delta"
    if kind in ("contraction", "churn") and delta >= 0:
        yield "arr_delta", f"a {kind} must have a negative arr_delta"


def period_in_fiscal_year(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if _fiscal_year_of(row["period"]) != row["fiscal_year"]:
        yield "period", f"{row['period']} is not a quarter of {row['fiscal_year']}"


@lru_cache(maxsize=256)
def _fiscal_year_of(period: str) -> str:
    """A targets file names a handful of periods on each of its many rows: each is parsed once."""
    return FiscalQuarter.parse(period).fy.code


def end_after_start(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if row["end_date"] is not None and row["end_date"] < row["start_date"]:
        yield "end_date", f"end_date is before start_date {row['start_date']}"


def lost_after_achieved(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A milestone is lost after the day it was achieved (DESIGN §9.4: met from achieved_on until the day
    before lost_on), as the table's check constraint holds."""
    if row["lost_on"] is not None and row["lost_on"] <= row["achieved_on"]:
        yield "lost_on", f"lost_on must be after achieved_on {row['achieved_on']}"


def _after_today(row: dict[str, Any], *columns: str) -> Iterator[tuple[str, str]]:
    """A milestone, an activity or a person's metric is something that happened: a day after today is a
    typo, refused."""
    today = timezone.localdate()
    for column in columns:
        if row.get(column) is not None and row[column] > today:
            yield column, f"{column} {row[column]} is after today ({today}): import what has happened"


def milestone_row(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A milestone met (and lost) on days that have passed, lost after it was met."""
    yield from _after_today(row, "achieved_on", "lost_on")
    yield from lost_after_achieved(row)


def activity_row(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """An activity on a day that has passed; a value for nps only."""
    yield from _after_today(row, "date")
    yield from value_for_nps_only(row)


def person_metric_row(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A person's metric on a day that has passed, or for a month that has begun (docs/design.md §11.1:
    a month is stored on its first day)."""
    yield from _after_today(row, "date")


def value_for_nps_only(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """An ``nps`` activity has a value, another type none (docs/design.md §10.1), as the table's check
    constraint holds."""
    if row["type"] == "nps" and row["value"] is None:
        yield "value", "an nps activity needs its value, a whole number from -100 to 100"
    if row["type"] != "nps" and row["value"] is not None:
        yield "value", f"only an nps activity has a value: leave it empty for {row['type']}"


def manager_not_self(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if row["manager_employee_id"] == row["employee_id"]:
        yield "manager_employee_id", "an employee cannot be their own manager"


def check_targets(parsed: ParsedFile) -> list[RowError]:
    """An approved snapshot refuses the whole file (DESIGN §3 "Target snapshots"); a customer has one
    baseline per fiscal year, in the file and with the lines already stored."""
    lines, years = parsed.column_of_lines(), parsed.column("fiscal_year")
    customers, baselines = parsed.column("customer_id"), parsed.column("baseline_score")
    errors: list[RowError] = []
    first_line = dict(zip(reversed(years), reversed(lines), strict=True))  # each year's first line
    frozen = Snapshot.objects.filter(fiscal_year__in=list(first_line), status=Snapshot.Status.APPROVED)
    frozen_years = set(frozen.values_list("fiscal_year", flat=True))
    for fiscal_year in sorted(frozen_years):
        errors.append(
            RowError(first_line[fiscal_year], "fiscal_year", fiscal_year, SnapshotFrozen(fiscal_year).message)
        )

    keys = list(zip(years, customers, strict=True))
    # The first baseline of each (year, customer) and its line; a row by row look only if one differs.
    firsts = zip(reversed(baselines), reversed(lines), strict=True)
    baseline = dict(zip(reversed(keys), firsts, strict=True))
    if len(set(zip(keys, baselines, strict=True))) > len(baseline):
        for key, value, line in zip(keys, baselines, lines, strict=True):
            first, first_at = baseline[key]
            if value != first:
                reason = f"baseline_score differs from {first} on line {first_at}: "
                reason += "a customer has one baseline a year"
                errors.append(RowError(line, "baseline_score", str(value), reason))

    in_file = set(zip(years, customers, parsed.column("period"), strict=True))
    stored = TargetLine.objects.filter(snapshot__fiscal_year__in=set(first_line) - frozen_years).values_list(
        "snapshot__fiscal_year", "customer__customer_id", "period", "baseline_score"
    )
    reported: set[tuple[str, str]] = set()
    for fiscal_year, customer_id, period, stored_baseline in stored.iterator(chunk_size=10_000):
        key = (fiscal_year, customer_id)
        if key not in baseline or (fiscal_year, customer_id, period) in in_file or key in reported:
            continue
        value, line = baseline[key]
        if value != stored_baseline:
            reported.add(key)
            reason = (
                f"baseline_score differs from {stored_baseline} stored for {period}: "
                "a customer has one baseline a year"
            )
            errors.append(RowError(line, "baseline_score", str(value), reason))
    return errors


def check_assignments(parsed: ParsedFile) -> list[RowError]:
    """One employee's assignments to one plan never overlap (DESIGN §3), counting the stored ones that
    this file does not replace."""
    employee_at, plan_at = parsed.index("employee_id"), parsed.index("plan")
    start_at, end_at = parsed.index("start_date"), parsed.index("end_date")
    spans: dict[tuple[str, str], list[tuple[date, date | None, int | None]]] = defaultdict(list)
    for row in parsed.rows:
        spans[(row[employee_at], row[plan_at])].append((row[start_at], row[end_at], row[0]))
    stored = Assignment.objects.filter(
        employee__employee_id__in={employee for employee, _ in spans},
        plan__code__in={plan for _, plan in spans},
    ).values_list("employee__employee_id", "plan__code", "start_date", "end_date")
    for employee, plan, start, end in stored:
        group = spans.get((employee, plan))
        if group is not None and all(start != file_start for file_start, _, _ in group):
            group.append((start, end, None))

    errors: list[RowError] = []
    for (employee, plan), group in spans.items():
        group.sort(key=lambda span: span[0])
        latest = group[0]  # the span reaching furthest so far
        for span in group[1:]:
            overlaps = latest[1] is None or span[0] <= latest[1]
            if overlaps and (span[2] is not None or latest[2] is not None):
                line, other = (span[2], latest) if span[2] is not None else (latest[2], span)
                reason = f"overlaps the assignment of {employee} to {plan} {_describe(other)}"
                errors.append(RowError(line, "start_date", str(span[0] if span[2] else latest[0]), reason))
            if latest[1] is not None and (span[1] is None or span[1] > latest[1]):
                latest = span
    return errors


def _describe(span: tuple[date, date | None, int | None]) -> str:
    start, end, line = span
    until = f"to {end}" if end is not None else "with no end"
    return f"from {start} {until} " + (f"on line {line}" if line is not None else "already stored")
