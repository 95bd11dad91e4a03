"""Where contests and nudges read people's metric values (docs/design.md §11.5).

One small interface, ``MetricSource``, the same shape as the SPIFFs' (docs/design.md §11.3): the values
of one metric for some people over some days. ``stored_metric_values`` reads the ``person_metrics``
import (``commissions.PersonMetric``, docs/design.md §11.1) once it exists; tests and callers with values
of their own pass any function of the same shape (``values_from``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps

from core.errors import AttainError


@dataclass(frozen=True)
class MetricValue:
    """A person's (``employee``: the user's pk) value of a metric on a day (a month's value: on its first
    day); ``value`` a Decimal in the metric's own unit (a percentage 0–100, a count)."""

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
    """The ``person_metrics`` import's values, one query. Raises ``AttainError`` while that import does
    not exist in this installation."""
    try:
        model = apps.get_model("commissions", "PersonMetric")
    except LookupError:
        raise AttainError(
            "No person metrics are stored in this installation yet (the person_metrics import): "
            "there is nothing to rank."
        ) from None
    rows = model.objects.filter(
        metric=metric, employee_id__in=employees, date__gte=first, date__lte=last
    ).values_list("employee_id", "date", "value")
    return [MetricValue(employee, day, value) for employee, day, value in rows if value is not None]


def month_means(values: Iterable[MetricValue]) -> dict[int, Decimal]:
    """Each person's value of a month: the mean of their values in it (one value — a month's row — is
    itself). {employee pk: Decimal}; a person without a value is absent."""
    sums: dict[int, list[Decimal]] = {}
    for v in values:
        sums.setdefault(v.employee, []).append(v.value)
    return {employee: sum(vs, Decimal(0)) / len(vs) for employee, vs in sums.items()}
