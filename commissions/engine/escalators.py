"""Escalators (docs/design.md §11.2): a plan's multipliers of a component's factor, or of every
component's, for the people whose gating person metric reaches a bar over the quarter or in each month.

A person qualifies when the metric's mean over the quarter's rows (``over: quarter``), or every month's
mean of its rows (``over: months``), is at least the bar — the exact value, never a rounded one. No row in
the quarter, or in one of its months, is no qualification, with a warning naming the person. A qualified
escalator multiplies the factor after the threshold, accelerator and cap (§4.6), so a capped component
can still be escalated; several escalators of a line multiply, in the plan's order. The amount each adds
is the difference of the line's payouts rounded half-up to cents with and without it (and those before
it), so the amounts of a line add up to the cent to what its escalators added in all.

A metric is an imported person metric or a built-in one (§11.1, ``builtin_metrics``): the daily ones
(``kpi.<code>``, ``scorecard_average``) come in the same input table as the imported rows; the quarter's
``attainment`` (``attainment.<component>``) is taken from the lines of the calculation itself, before any
escalator applies (``attainment_values``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from .builtin_metrics import ATTAINMENT, ATTAINMENT_PREFIX, is_attainment
from .money import exact, to_cents
from .types import ZERO, EngineWarning, EscalatorSpec

TOTAL = "total"


@dataclass(frozen=True)
class Standing:
    """Where one person stands against one escalator: the metric's value(s) it was judged on — one
    ``(period code, mean)`` for ``over: quarter``, a ``("YYYY-MM", mean)`` per month for ``months``, the
    mean None where there was no row — and whether they qualified."""

    escalator: EscalatorSpec
    values: tuple[tuple[str, Decimal | None], ...]
    qualified: bool


def months_of(start: date, end: date) -> list[tuple[date, date, str]]:
    """The calendar months of a quarter (a fiscal quarter is three whole months, DESIGN §2) as
    (first day, last day, "YYYY-MM")."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        months.append((first, min(end, following - timedelta(days=1)), first.strftime("%Y-%m")))
        first = following
    return months


def metric_rows(table: pd.DataFrame) -> dict[tuple[str, str], list[tuple[date, Decimal]]]:
    """The ``person_metrics`` input table by (employee_id, metric): its (date, value) rows."""
    rows: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
    for eid, metric, day, value in table[["employee_id", "metric", "date", "value"]].itertuples(index=False):
        rows[(eid, metric)].append((day, value))
    return rows


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    with exact():
        return sum(values, ZERO) / len(values)


def attainment_values(lines: list[dict]) -> dict[str, Decimal | None]:
    """A person's attainments of the quarter from their component lines, before escalators (docs/design.md
    §11.1 "Built-in metrics"): ``attainment.<code>`` is the line's attainment (a ratio, 1 = the goal
    reached, DESIGN §4.3–§4.5), None when the component does not apply (§4.7); ``attainment`` is the
    weighted mean of the applying lines' attainments, Σ weight × attainment ÷ Σ weight — exact, never
    rounded —, None when no line applies. It is attainment, not payout: no threshold, accelerator or cap
    (§4.6) enters it."""
    values: dict[str, Decimal | None] = {
        ATTAINMENT_PREFIX + line["component"]: line["attainment"] if line["applies"] else None
        for line in lines
    }
    applying = [line for line in lines if line["applies"] and line["attainment"] is not None]
    weight = sum((line["weight"] for line in applying), ZERO)
    with exact():
        total = sum((line["weight"] * line["attainment"] for line in applying), ZERO)
        values[ATTAINMENT] = total / weight if applying and weight > 0 else None
    return values


def standings(
    eid: str,
    escalators: tuple[EscalatorSpec, ...],
    rows: dict[tuple[str, str], list[tuple[date, Decimal]]],
    *,
    period: str,
    start: date,
    end: date,
    warnings: list[EngineWarning],
    lines: list[dict] | None = None,
) -> list[Standing]:
    """Where ``eid`` stands against each escalator in ``period`` (``start``–``end``), in the plan's order;
    a warning ``escalator_no_value`` for each escalator judged without a value (a month's, or the
    quarter's). ``lines`` are the person's component lines before escalators: an escalator on the
    quarter's ``attainment`` (``over: quarter`` only, as ``load_plan`` holds) is judged on them
    (``attainment_values``)."""
    result = []
    attainments = attainment_values(lines or [])
    for escalator in escalators:
        own = [(day, value) for day, value in rows.get((eid, escalator.metric), ()) if start <= day <= end]
        if is_attainment(escalator.metric):  # never a row of the table: the calculation's own figure
            values: tuple[tuple[str, Decimal | None], ...] = ((period, attainments.get(escalator.metric)),)
        elif escalator.over == "months":
            values = tuple(
                (label, _mean([value for day, value in own if first <= day <= last]))
                for first, last, label in months_of(start, end)
            )
        else:
            values = ((period, _mean([value for _day, value in own])),)
        missing = [label for label, value in values if value is None]
        if missing:
            where = period if escalator.over != "months" else ", ".join(missing)
            warnings.append(
                EngineWarning(
                    "escalator_no_value",
                    f"{eid} has no {escalator.metric} value in {where}: escalator {escalator.code} does not "
                    f"apply in {period}.",
                    eid,
                )
            )
        qualified = not missing and all(value >= escalator.at_least for _label, value in values)
        result.append(Standing(escalator, values, qualified))
    return result


def escalate(lines: list[dict], person: list[Standing]) -> None:
    """Multiply each applying line's factor by the multipliers of the qualified escalators that apply to
    it (``applies_to`` its component or ``total``), in the plan's order; record on every line an escalator
    applies to its standing (``detail["escalators"]``) and the factor before (``factor_before_escalators``).
    Before ``payout.payout_lines``, which pays the escalated factor."""
    for line in lines:
        mine = [s for s in person if s.escalator.applies_to in (TOTAL, line["component"])]
        if not mine:
            continue
        line["detail"] = {**line["detail"], "factor_before_escalators": line["factor"]}
        factors = [line["factor"]]
        for standing in mine:
            if line["applies"] and standing.qualified:
                with exact():
                    factors.append(factors[-1] * standing.escalator.multiplier)
        line["factor"] = factors[-1]
        line["detail"]["escalators"] = [_entry(s) for s in mine]


def escalation_amounts(oti: Decimal, lines: list[dict]) -> None:
    """Fill each escalator entry's ``added``: the line's payout with the multipliers up to and including
    it, less the payout with those before it, each rounded half-up to cents as the payout is (DESIGN
    §4.7), so a line's entries add up to its payout less its payout without escalators. After
    ``payout.payout_lines``."""
    total_weight = sum((line["weight"] for line in lines if line["applies"]), ZERO)
    for line in lines:
        entries = line["detail"].get("escalators")
        if not entries:
            continue
        if not line["applies"] or total_weight <= 0:
            for entry in entries:
                entry["added"] = to_cents(ZERO)
            continue
        factor = line["detail"]["factor_before_escalators"]
        with exact():
            before = to_cents(oti * line["weight"] / total_weight * factor)
        for entry in entries:
            if entry["qualified"]:
                with exact():
                    factor = factor * entry["multiplier"]
                    after = to_cents(oti * line["weight"] / total_weight * factor)
            else:
                after = before
            entry["added"] = after - before
            before = after


def _entry(standing: Standing) -> dict:
    e = standing.escalator
    return {
        "code": e.code,
        "metric": e.metric,
        "over": e.over,
        "at_least": e.at_least,
        "multiplier": e.multiplier,
        "applies_to": e.applies_to,
        "values": [[label, value] for label, value in standing.values],
        "qualified": standing.qualified,
        "added": None,
    }
