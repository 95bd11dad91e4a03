"""Warnings for what-if inputs that are possible but implausible, so a typo is not read as a forecast
(a deal of 10,000,000 on a book of 150,000 ARR "projects" 6,000% NRR). The projection still runs: a
warning asks the CSM to check the input; it refuses nothing.

Thresholds: a deal whose ARR change is more than ``DEAL_TIMES_BOOK`` × the book's ARR at the quarter's
start (the NRR component's S, in the plan's currency; compared only when the deal is in that currency), a
negative KPI value, and a KPI value over ``KPI_TIMES_GOAL`` × its goal.
"""

from __future__ import annotations

from decimal import Decimal

from commissions.services.plans import line_unit, unit_value_text
from core import formatting as fmt
from dashboards.projection import WhatIf

from .selectors import PlanProjection

DEAL_TIMES_BOOK = Decimal(10)
KPI_TIMES_GOAL = Decimal(100)


def implausible(change: WhatIf, before: list[PlanProjection]) -> list[str]:
    """The warnings for ``change`` against the CSM's projection ``before`` it (one per input and plan)."""
    warnings: list[str] = []
    for kpi, value in change.kpis.items():
        # Written in the KPI's unit, as the lines are (commissions.services.plans.line_value_text).
        lines = [(plan, line) for plan, line in _lines(before, "kpi") if line["detail"].get("kpi") == kpi]
        unit = line_unit("kpi", lines[0][1]["detail"]) if lines else ""
        if value < 0:
            shown = unit_value_text(value, unit)
            warnings.append(f"The {kpi} value {shown} is negative: a KPI counts things. Check the value.")
        for plan, line in lines:
            goal = _decimal(line["detail"].get("goal"))
            if goal and value > KPI_TIMES_GOAL * goal:
                warnings.append(
                    f"The {kpi} value {unit_value_text(value, unit)} is more than {KPI_TIMES_GOAL}× its "
                    f"goal of {unit_value_text(goal, unit)} in {plan.plan_code}: check the value."
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


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
