"""Warnings for what-if inputs that are possible but implausible, so a typo is not read as a forecast
(a deal of 10,000,000 on a book of 150,000 ARR "projects" 6,000% NRR). The projection still runs: a
warning asks the CSM to check the input; it refuses nothing.

Thresholds: a deal whose ARR change is more than ``DEAL_TIMES_BOOK`` × the book's ARR at the quarter's
start (the NRR component's S, in the plan's currency; compared only when the deal is in that currency), a
negative KPI value, and a KPI value over ``KPI_TIMES_GOAL`` × its goal.
"""

from __future__ import annotations

from decimal import Decimal

from core import formatting as fmt
from dashboards.projection import WhatIf

from .selectors import PlanProjection

DEAL_TIMES_BOOK = Decimal(10)
KPI_TIMES_GOAL = Decimal(100)


def implausible(change: WhatIf, before: list[PlanProjection]) -> list[str]:
    """The warnings for ``change`` against the CSM's projection ``before`` it (one per input and plan)."""
    warnings: list[str] = []
    for kpi, value in change.kpis.items():
        if value < 0:
            shown = _plain(value)
            warnings.append(f"The {kpi} value {shown} is negative: a KPI counts things. Check the value.")
        for plan, line in _lines(before, "kpi"):
            goal = _decimal(line["detail"].get("goal"))
            if line["detail"].get("kpi") == kpi and goal and value > KPI_TIMES_GOAL * goal:
                warnings.append(
                    f"The {kpi} value {_plain(value)} is more than {KPI_TIMES_GOAL}× its goal of "
                    f"{_plain(goal)} in {plan.plan_code}: check the value."
                )
    for deal in change.deals:
        amount = abs(deal["arr_delta"])
        for plan, line in _lines(before, "nrr"):
            start = _decimal(line["detail"].get("start_arr"))
            if deal["currency"] == plan.currency and start and amount > DEAL_TIMES_BOOK * start:
                change_shown = fmt.money(amount, plan.currency)
                warnings.append(
                    f"The deal's ARR change of {change_shown} is more than {DEAL_TIMES_BOOK}× "
                    f"the book's ARR at the quarter's start ({fmt.money(start, plan.currency)}, "
                    f"{plan.plan_code}): check the amount."
                )
    return warnings


def _lines(before: list[PlanProjection], metric: str):
    for plan in before:
        for line in plan.components:
            if line.get("metric") == metric and isinstance(line.get("detail"), dict):
                yield plan, line


def _plain(value: Decimal) -> str:
    """A number as typed, with thousands separators and no trailing zeros (10.000000 -> 10)."""
    return fmt.number(value)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
