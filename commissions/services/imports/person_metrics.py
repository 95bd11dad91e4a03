"""The cells and the writer of the ``person_metrics`` import (docs/design.md §11.1, docs/imports.md).

A row's ``date`` is a day (``YYYY-MM-DD``) or a month (``YYYY-MM``); a month is stored on its first day
with the period "month", so the natural key (employee, date, metric) names a month's row and a row of its
first day alike: a file holding both is refused as a repeated key, a later file replaces one by the other.
A ``metric`` may not be a built-in metric's reserved code (``scorecard_average``, ``attainment``;
docs/design.md §11.1 "Built-in metrics"): Attain computes those itself.
"""

from __future__ import annotations

import re
from datetime import date

from commissions.engine.builtin_metrics import RESERVED_CODES
from commissions.models import PersonMetric
from commissions.models.person_metrics import METRIC_CODE_RE

from .base import Counts, ParsedFile
from .parsers import Invalid
from .writers import upsert

MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
METRIC_RE = re.compile(METRIC_CODE_RE)
METRIC_LENGTH = PersonMetric._meta.get_field("metric").max_length


class MonthStart(date):
    """The first day of a month given as ``YYYY-MM``: a ``date`` that says it stands for its month."""

    period = PersonMetric.Period.MONTH

    def __str__(self) -> str:
        return self.strftime("%Y-%m")


def day_or_month(raw: str) -> date:
    """``YYYY-MM-DD`` as that day, ``YYYY-MM`` as ``MonthStart`` of the month; else ``Invalid``."""
    try:
        if DAY_RE.match(raw):
            return date.fromisoformat(raw)
        if MONTH_RE.match(raw):
            year, month = int(raw[:4]), int(raw[5:])
            return MonthStart(year, month, 1)
    except ValueError as exc:
        raise Invalid(f"not a valid date ({exc})") from exc
    raise Invalid("not a date: write a day as YYYY-MM-DD or a month as YYYY-MM")


def period_of(day: date) -> str:
    """The stored period of a parsed ``date`` cell: "month" for ``YYYY-MM``, else "day"."""
    return getattr(day, "period", PersonMetric.Period.DAY)


def metric_code(raw: str) -> str:
    """A metric code: a lower-case letter, then lower-case letters, digits and _ (``data_quality``), not
    one of the built-in metrics' reserved codes (``RESERVED_CODES``)."""
    if len(raw) > METRIC_LENGTH:
        raise Invalid(f"must be at most {METRIC_LENGTH} characters")
    if not METRIC_RE.match(raw):
        raise Invalid("a metric is a code of lower-case letters, digits and _, starting with a letter")
    if raw in RESERVED_CODES:
        raise Invalid(
            f"{raw} is a metric Attain computes itself (design.md §11.1, built-in metrics): "
            "import it under another code"
        )
    return raw


def write_person_metrics(parsed: ParsedFile, apply: bool) -> Counts:
    """Upsert the rows on (employee, date, metric), each with the period its ``date`` cell was written
    in; one statement (``writers.upsert``), in the import's transaction."""
    employees = parsed.refs["employee_id"]
    at = [parsed.index(name) for name in ("employee_id", "date", "metric", "value")]
    rows = [
        (employees[row[at[0]]], date(day.year, day.month, day.day), row[at[2]], period_of(day), row[at[3]])
        for row in parsed.rows
        for day in (row[at[1]],)
    ]
    return upsert(PersonMetric, ["employee", "date", "metric"], ["period", "value"], rows, apply=apply)
