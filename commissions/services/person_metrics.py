"""Reading metrics per person (docs/design.md §11.1) for the incentives that rank or reward people by a
metric: plan escalators (§11.2), SPIFF rules and points (§11.3, §11.4), contests and nudges (§11.5).

They ask one small interface, ``MetricSource``: the values of one metric for some people over some days.
``stored_metric_values`` is the one reader: an imported code reads the ``person_metrics`` import
(``PersonMetric``); a built-in name (``commissions.engine.builtin_metrics``) reads what Attain knows per
CSM itself — ``kpi.<code>``, the CSM's book's stored daily portfolio KPI, and ``scorecard_average``, the
mean adoption score of the CSM's book on a day. The quarter's ``attainment`` is no daily value: only an
escalator, inside the calculation of a quarter, can read it. Tests and callers with values of their own
pass any function of the same shape (``values_from``). ``check_metric_code`` is the one check of a name a
SPIFF rule, points rule, contest, nudge config or the wall of fame will read: what the reader serves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from accounts.models import User
from adoption.models import Ownership, PortfolioKpiDay, ScoreObservation
from commissions.engine.builtin_metrics import KPI_PREFIX, SCORECARD_AVERAGE, is_attainment, kpi_code
from commissions.models import PersonMetric
from commissions.models.person_metrics import METRIC_CODE_RE
from core.errors import AttainError

# The scorecard average is kept to the precision of a person metric's value (§11.1): 4 decimals.
AVERAGE_PLACES = 4


METRIC_RE = re.compile(METRIC_CODE_RE)
METRIC_LENGTH = PersonMetric._meta.get_field("metric").max_length


class MetricUnavailable(AttainError):
    """A metric the daily reader has no values of by its nature: the quarter's attainment (only an
    escalator reads it), ``kpi.<code>`` naming a KPI Attain never computed, or (``check_metric_code``)
    text that is no metric's name at all."""


def check_metric_code(code: str) -> None:
    """Refuse a metric name the one reader (``stored_metric_values``) cannot serve day by day, so that a
    SPIFF rule, points rule, contest's events, nudge config or needs-attention list naming it is refused
    when it is written, not each time a scheduled job reads it (docs/design.md §11.1). Allowed:

    - an imported code, as the ``person_metrics`` import accepts it: a lower-case letter, then lower-case
      letters, digits and ``_``, at most 64 characters (``login_rate``); a code no row holds yet is
      allowed — metrics are data;
    - ``kpi.<code>``: a KPI the settings compute, or one a stored history may hold (as the reader);
    - ``scorecard_average``.

    Raises ``MetricUnavailable`` naming ``code`` and what is allowed: for ``attainment`` and
    ``attainment.<component>`` (a plan escalator's only), an unknown ``kpi.<code>``, and any other text
    (empty, upper-case, spaces, too long). Reads the KPI settings only, never a row."""
    if is_attainment(code):
        raise MetricUnavailable(
            f"{code} is a quarter's attainment, known only in the calculation of a plan's quarter: a plan "
            f"escalator can gate on it, a daily or monthly rule cannot. {_allowed()}"
        )
    if code.startswith(KPI_PREFIX):
        _check_kpi(kpi_code(code))
        return
    if code == SCORECARD_AVERAGE:
        return
    if not code or len(code) > METRIC_LENGTH or not METRIC_RE.match(code):
        raise MetricUnavailable(f"{code!r} is no metric. {_allowed()}")


def _allowed() -> str:
    """The metrics a daily or monthly rule may read, in one sentence (``check_metric_code``)."""
    from adoption.kpis import kpi_codes
    from adoption.portfolio.inputs import kpi_rules

    computed = ", ".join(KPI_PREFIX + code for code in kpi_codes(kpi_rules()))
    return (
        "A rule reads a code of the person_metrics import (a lower-case letter, then lower-case letters, "
        f"digits and _, at most {METRIC_LENGTH} characters, such as login_rate) or a daily metric Attain "
        f"knows per CSM: kpi.<KPI code> ({computed}) or {SCORECARD_AVERAGE} (docs/design.md §11.1)."
    )


@dataclass(frozen=True)
class MetricValue:
    """A person's (``employee``: the user's pk) value of a metric on a day (a month's value: on its first
    day); ``value`` a Decimal in the metric's own unit (a percentage 0–100 for ``login_rate``, a count for
    ``contacts_added``, a ratio 0–1 for ``kpi.dau_mau``, points 0–100 for ``scorecard_average``)."""

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
    """The values of ``metric`` of ``employees`` (user pks) on ``first``–``last`` (both included), in no
    particular order; a day without a value is left out, never given as 0 (docs/design.md §11.1):

    - an imported code: the ``person_metrics`` import's rows (``PersonMetric``), one query;
    - ``kpi.<code>``: ``builtin_kpi_values``; ``scorecard_average``: ``scorecard_average_values``.

    Raises ``MetricUnavailable`` for ``attainment`` / ``attainment.<component>`` (a quarter's figure, not
    a day's) and for ``kpi.<code>`` naming no KPI Attain computes or computed."""
    if is_attainment(metric):
        raise MetricUnavailable(
            f"{metric} is a quarter's attainment, known only in the calculation of a plan's quarter: a plan "
            "escalator can gate on it, a daily or monthly rule cannot. Daily built-in metrics are "
            f"kpi.<KPI code> and {SCORECARD_AVERAGE} (docs/design.md §11.1)."
        )
    if kpi := kpi_code(metric):
        return builtin_kpi_values(kpi=kpi, employees=employees, first=first, last=last)
    if metric == SCORECARD_AVERAGE:
        return scorecard_average_values(employees=employees, first=first, last=last)
    rows = PersonMetric.objects.filter(
        metric=metric, employee_id__in=employees, date__gte=first, date__lte=last
    ).values_list("employee_id", "date", "value")
    return [MetricValue(employee, day, value) for employee, day, value in rows if value is not None]


def builtin_kpi_values(*, kpi: str, employees: list[int], first: date, last: date) -> list[MetricValue]:
    """``kpi.<kpi>``: each CSM's book's stored daily value of the computed KPI ``kpi`` (``PortfolioKpiDay``
    of level "csm", keyed by the CSM's employee id; docs/design.md §10.4, docs/kpis.md), as stored — a
    ratio 0–1 with 6 decimals, or a count of customers. A day without a stored row, or stored without a
    value (no customer of the book measured), has no value: left out, never 0. A person without an
    employee id has no book and no value. One query for the people, one for the values.

    Raises ``MetricUnavailable`` for a code neither the KPI settings compute nor a stored history may hold
    (``adoption.portfolio.kpi_selectors.FORMER_CODE``)."""
    _check_kpi(kpi)
    pks = _employee_ids(employees)
    rows = PortfolioKpiDay.objects.filter(
        level=PortfolioKpiDay.Level.CSM, key__in=list(pks), kpi=kpi, day__gte=first, day__lte=last
    ).values_list("key", "day", "value")
    return [MetricValue(pks[key], day, value) for key, day, value in rows if value is not None]


def scorecard_average_values(*, employees: list[int], first: date, last: date) -> list[MetricValue]:
    """``scorecard_average``: per CSM and day, the mean of the adoption scores (``ScoreObservation``, 0–100;
    imported, or fed from the year's commission scorecard, docs/design.md §9.5) observed that day for the
    customers of the CSM's book that day. The book is decided as the portfolio KPIs decide it (§10.4): a
    customer is in the book of whoever owns it by its latest ownership row on or before the day; owned by
    nobody, it is in no book.

    The mean is exact — the scores' sum ÷ their number — then rounded **half-up to 4 decimals** once
    (80.00125 → 80.0013), the precision of a person metric's value (§11.1). A customer without a score
    that day is left out of both; a day on which no customer of the book has one has no value (never 0).
    Three queries, whatever the number of days."""
    wanted = {int(pk) for pk in employees}
    ever = Ownership.objects.filter(employee_id__in=wanted, start_date__lte=last).values("customer_id")
    owners = pd.DataFrame(
        list(
            Ownership.objects.filter(customer_id__in=ever, start_date__lte=last)
            .order_by()
            .values_list("customer_id", "start_date", "employee_id")
        ),
        columns=["customer_id", "start_date", "employee_id"],
    )
    scores = pd.DataFrame(
        list(
            ScoreObservation.objects.filter(customer_id__in=ever, as_of__gte=first, as_of__lte=last)
            .order_by()
            .values_list("customer_id", "as_of", "score")
        ),
        columns=["customer_id", "as_of", "score"],
    )
    if owners.empty or scores.empty:
        return []
    owners["on"] = pd.to_datetime(owners["start_date"])
    scores["on"] = pd.to_datetime(scores["as_of"])
    # Each score's owner that day: the customer's ownership row starting latest on or before it.
    scored = pd.merge_asof(
        scores.sort_values("on"),
        owners.sort_values("on")[["customer_id", "on", "employee_id"]],
        on="on",
        by="customer_id",
        direction="backward",
    )
    scored = scored[scored["employee_id"].isin(wanted)]
    # Scores have 2 decimals: their sum in hundredths is an exact integer.
    scored = scored.assign(hundredths=[int(score.scaleb(2)) for score in scored["score"]])
    sums = scored.groupby(["employee_id", "as_of"])["hundredths"].agg(["sum", "count"])
    return [
        MetricValue(int(employee), day, _mean_half_up(int(total), int(count)))
        for (employee, day), total, count in zip(sums.index, sums["sum"], sums["count"], strict=True)
    ]


def _mean_half_up(hundredths: int, count: int) -> Decimal:
    """(hundredths ÷ 100) ÷ count, half-up to ``AVERAGE_PLACES`` decimals, in integers (never a float)."""
    scale = 10 ** (AVERAGE_PLACES - 2)
    numerator, denominator = hundredths * scale, count
    return Decimal((2 * numerator + denominator) // (2 * denominator)).scaleb(-AVERAGE_PLACES)


def month_means(values: Iterable[MetricValue]) -> dict[int, Decimal]:
    """Each person's value of a month: the mean of their values in it (one value — a month's row — is
    itself). ``{employee pk: Decimal}``; a person without a value is absent."""
    sums: dict[int, list[Decimal]] = {}
    for v in values:
        sums.setdefault(v.employee, []).append(v.value)
    return {employee: sum(vs, Decimal(0)) / len(vs) for employee, vs in sums.items()}


def _employee_ids(employees: Iterable[int]) -> dict[str, int]:
    """``{employee id: user pk}`` of the people of ``employees`` (pks) that have an employee id."""
    return dict(
        User.objects.filter(pk__in=[int(pk) for pk in employees], employee_id__isnull=False)
        .exclude(employee_id="")
        .values_list("employee_id", "pk")
    )


def _check_kpi(kpi: str) -> None:
    """A KPI code the settings compute, or one a stored history may hold from other settings."""
    from adoption.kpis import kpi_codes
    from adoption.portfolio.inputs import kpi_rules
    from adoption.portfolio.kpi_selectors import FORMER_CODE

    codes = kpi_codes(kpi_rules())
    if kpi not in codes and not FORMER_CODE.match(kpi):
        raise MetricUnavailable(
            f"kpi.{kpi} names no computed KPI: the computed KPIs are "
            f"{', '.join('kpi.' + code for code in codes)} (docs/kpis.md)."
        )
