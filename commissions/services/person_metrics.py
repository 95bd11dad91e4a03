"""Reading the ``person_metrics`` import (docs/design.md §11.1) for the incentives that rank or reward
people by a metric: SPIFF rules and points (§11.3, §11.4), contests and nudges (§11.5).

They ask one small interface, ``MetricSource``: the values of one metric for some people over some days.
``stored_metric_values`` reads ``PersonMetric``; tests and callers with values of their own pass any
function of the same shape (``values_from``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from commissions.models import PersonMetric


@dataclass(frozen=True)
class MetricValue:
    """A person's (``employee``: the user's pk) value of a metric on a day (a month's value: on its first
    day); ``value`` a Decimal in the metric's own unit (a percentage 0–100 for ``login_rate``, a count for
    ``contacts_added``)."""

    employee: int
    day: date
    value: Decimal


MetricSource = Callable[..., Iterable[MetricValue]]
"""``(*, metric: str, employees: list[int], first: date, last: date)`` -> the values of ``metric`` of
``employees`` on the days ``first``–``last`` (both included); a day without a value is left out."""


def values_from(rows: Iterable[tuple[int, date, Decimal]]) -> MetricSource:
    """A ``MetricSource`` over fixed ``(employee pk, day, value)`` rows of one metric."""
    stored = [MetricValue(*row) for row in rows]

    def source(*, metric: str, employees: list[int], first: date, last: date) -> list[MetricValue]:
        wanted = set(employees)
        return [v for v in stored if v.employee in wanted and first <= v.day <= last]

    return source


def stored_metric_values(*, metric: str, employees: list[int], first: date, last: date) -> list[MetricValue]:
    """The ``person_metrics`` import's values of ``metric`` (``PersonMetric``), one query."""
    rows = PersonMetric.objects.filter(
        metric=metric, employee_id__in=employees, date__gte=first, date__lte=last
    ).values_list("employee_id", "date", "value")
    return [MetricValue(employee, day, value) for employee, day, value in rows if value is not None]


def month_means(values: Iterable[MetricValue]) -> dict[int, Decimal]:
    """Each person's value of a month: the mean of their values in it (one value — a month's row — is
    itself). ``{employee pk: Decimal}``; a person without a value is absent."""
    sums: dict[int, list[Decimal]] = {}
    for v in values:
        sums.setdefault(v.employee, []).append(v.value)
    return {employee: sum(vs, Decimal(0)) / len(vs) for employee, vs in sums.items()}
