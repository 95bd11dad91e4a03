"""The calculation of a quarter P for a plan L (DESIGN §4), from input tables to results."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .adoption import attainment_by_csm, customer_rows
from .crossing import DATED_COLUMNS, dated_deals
from .escalators import escalate, escalation_amounts, metric_rows, standings
from .kpi import kpi_attainment, kpi_detail, missing_days_warning
from .money import Converter, exact
from .nrr import credited_deals, nrr_by_csm
from .payout import on_target_amounts, payout_factor, payout_lines, unapplied_warnings
from .tables import owners_at
from .types import ZERO, ComponentSpec, EngineWarning, QuarterInputs, QuarterResult

COMPONENT_COLUMNS = [
    "employee_id",
    "component",
    "metric",
    "applies",
    "metric_value",
    "attainment",
    "factor",
    "weight",
    "share",
    "payout",
    "detail",
]


def calculate_quarter(inputs: QuarterInputs) -> QuarterResult:
    """Results of every CSM with an assignment to the plan overlapping the quarter.

    Raises ``MissingFxRate`` when a currency the quarter needs has no rate. Exact decimals throughout;
    each component payout is rounded half-up to cents and a CSM's total is the sum of those lines. A
    plan's escalators multiply the factors of the people who qualify (docs/design.md §11.2).
    """
    with exact():
        return _calculate(inputs)


def _calculate(inputs: QuarterInputs) -> QuarterResult:
    plan = inputs.plan
    warnings: list[EngineWarning] = []
    converter = Converter(rates=inputs.fx, to=plan.currency, base=inputs.base_currency, period=inputs.period)
    oti = on_target_amounts(inputs.assignments, inputs.start, inputs.end)
    csms = list(oti["employee_id"])
    book = owners_at(inputs.ownership, inputs.end)
    book = book[book["employee_id"].isin(csms)].reset_index(drop=True)

    metrics = {component.metric for component in plan.components}
    # One credit date per deal, a deal dated in two fiscal years included (DESIGN §3 "Plans"); only the
    # components that read deals (NRR, adoption's newly expanded) warn about it.
    dated = dated_deals(book, inputs, warnings if metrics & {"nrr", "adoption"} else None)
    customers = (
        customer_rows(book, inputs, converter, warnings, dated) if "adoption" in metrics else _no_customers()
    )
    adoption = attainment_by_csm(customers) if "adoption" in metrics else {}
    # Only NRR converts deals: a plan without it needs no rate for their currencies (DESIGN §4.1).
    deals = credited_deals(dated, inputs, converter) if "nrr" in metrics else _no_deals(inputs)
    nrr = nrr_by_csm(book, deals, inputs, converter) if "nrr" in metrics else {}
    kpis = {(e, k): v for e, k, v in inputs.kpis[["employee_id", "kpi", "value"]].itertuples(index=False)}
    kpi_days = {
        (e, k): (days, missing)
        for e, k, days, missing in inputs.kpi_days[["employee_id", "kpi", "days", "missing"]].itertuples(
            index=False
        )
    }
    book_sizes = book["employee_id"].value_counts().to_dict()
    counting = set(customers.loc[customers["counted"].astype(bool), "employee_id"])
    gating = metric_rows(inputs.person_metrics) if plan.escalators else {}

    lines: list[dict] = []
    payouts = []
    for eid, amount, nrr_goal, kpi_goal in oti[["employee_id", "oti", "nrr_goal", "kpi_goal"]].itertuples(
        index=False
    ):
        csm_lines = [
            _component_line(
                c, eid, adoption, nrr, (kpis, kpi_days), nrr_goal, kpi_goal, inputs.period, warnings
            )
            for c in plan.components
        ]
        if plan.escalators:  # docs/design.md §11.2: after caps, before the payout is rounded
            window = {"period": inputs.period, "start": inputs.start, "end": inputs.end}
            judged = standings(eid, plan.escalators, gating, **window, warnings=warnings, lines=csm_lines)
            escalate(csm_lines, judged)
        payout_lines(amount, csm_lines)
        if plan.escalators:
            escalation_amounts(amount, csm_lines)
        reasons = {
            line["component"]: _why_not_applied(line["metric"], eid, book_sizes, counting, inputs)
            for line in csm_lines
            if not line["applies"]
        }
        warnings.extend(unapplied_warnings(eid, csm_lines, reasons, inputs.period))
        lines.extend(csm_lines)
        payouts.append(
            {"employee_id": eid, "oti": amount, "total": sum((x["payout"] for x in csm_lines), ZERO)}
        )

    return QuarterResult(
        period=inputs.period,
        plan_code=plan.code,
        currency=plan.currency,
        customers=customers,
        components=pd.DataFrame(lines, columns=COMPONENT_COLUMNS, dtype=object),
        payouts=pd.DataFrame(payouts, columns=["employee_id", "oti", "total"], dtype=object),
        deals=deals,
        warnings=warnings,
    )


def _component_line(
    component: ComponentSpec,
    eid: str,
    adoption: dict,
    nrr: dict,
    kpis: tuple[dict, dict],
    nrr_goal,
    kpi_goal,
    period: str,
    warnings: list[EngineWarning],
) -> dict:
    """One CSM's line for one component: whether it applies, its metric value, attainment and factor."""
    line = {
        "employee_id": eid,
        "component": component.code,
        "metric": component.metric,
        "weight": component.weight,
        "applies": True,
        "metric_value": None,
        "attainment": None,
        "factor": None,
        "detail": {},
    }
    if component.metric == "adoption":
        value = adoption.get(eid)
        attainment = value
    elif component.metric == "nrr":
        figures = nrr.get(eid, {"start_arr": ZERO, "delta": ZERO, "nrr": None})
        value = figures["nrr"]
        goal = nrr_goal if nrr_goal is not None else component.goal
        floor = component.floor if component.floor is not None else Decimal(1)
        line["detail"] = {
            "start_arr": figures["start_arr"],
            "delta": figures["delta"],
            "goal": goal,
            "floor": floor,
        }
        attainment = _nrr_attainment(value, goal, floor, eid, component, period, warnings)
    else:
        values, days = kpis
        value, stored = values.get((eid, component.kpi)), days.get((eid, component.kpi))
        goal = kpi_goal if kpi_goal is not None else component.goal
        line["detail"] = kpi_detail(component, goal, stored)
        attainment = kpi_attainment(value, goal, eid, component, period, warnings)
        if (warning := missing_days_warning(eid, component, period, stored)) is not None:
            warnings.append(warning)
    if attainment is None:
        line["applies"] = False
        return line
    line["metric_value"], line["attainment"] = value, attainment
    line["factor"] = payout_factor(attainment, component)
    return line


def _why_not_applied(metric: str, eid: str, book_sizes: dict, counting: set, inputs: QuarterInputs) -> str:
    """Why a component does not apply to a CSM (DESIGN §4.3, §4.4), in words for the warning."""
    if not book_sizes.get(eid):
        return f"their book is empty on {inputs.end}"
    if metric == "adoption":
        if eid in counting:
            return "the customers that count weigh 0 (no ARR)"
        return "no customer of their book counts for adoption"
    return f"their book had no ARR on {inputs.start}"


def _nrr_attainment(nrr, goal, floor, eid, component, period, warnings) -> Decimal | None:
    """max(0, (NRR − floor)/(goal − floor)); absent when the book had no ARR at the quarter's start."""
    if nrr is None:
        return None
    if goal is None or goal <= floor:
        warnings.append(
            EngineWarning(
                "missing_goal",
                f"{eid} has no NRR goal above the floor for {component.code} in {period}; attainment 0.",
                eid,
            )
        )
        return ZERO
    return max(ZERO, (nrr - floor) / (goal - floor))


def _no_customers() -> pd.DataFrame:
    columns = [
        "customer_id",
        "employee_id",
        "baseline",
        "target",
        "score",
        "r",
        "counted",
        "reason",
        "weight",
    ]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _no_deals(inputs: QuarterInputs) -> pd.DataFrame:
    columns = [*inputs.deals.columns, *DATED_COLUMNS, "rate", "converted"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
