"""One credit date per deal and person, across a change of plan too (DESIGN §3 "Plans", credit dates per
type).

A plan credits each deal type by its own date. A deal dated before and after a person joined this plan —
booked in one fiscal year and effective in the next, or around a move from one plan to another within a
year — would be credited twice (the earlier plan by booking, the later one by effective date) or never
(the other way round). So the person's **earlier** plan decides: the date it names is the deal's credit
date for this plan as well. The earlier plan's quarter is calculated (and closed) first and never depends
on a plan loaded after it. A person joins this plan on its year's first day, or on their assignment's
first day when that is later (``joined_on``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .tables import credit_dates, credited_by
from .types import EngineWarning

DATED_COLUMNS = ["credit_date", "credited_by", "employee_id"]


def dated_deals(book: pd.DataFrame, inputs, warnings: list[EngineWarning] | None = None) -> pd.DataFrame:
    """The book's deals (``inputs.deals`` joined to their customer's owner at the quarter's end), each
    with its ``credit_date`` and ``credited_by`` (booked | effective) under the plan's rule for its type
    — or, for a deal dated before and after its owner joined this plan (``joined_on``), under the rule of
    the owner's earlier plan (``inputs.prior_rules``) when that plan credits its type by the other date
    (DESIGN §3 "Plans").

    Such a deal whose later date falls in this quarter adds a warning to ``warnings`` naming the deal, the
    CSM, both plans and the quarter each would credit it in: ``credit_across_years`` when the person joined
    on the year's first day, ``credit_across_plans`` when later in the year.
    Columns: those of ``inputs.deals``, then credit_date, credited_by, employee_id.
    """
    deals = inputs.deals.merge(book, on="customer_id", how="inner")
    deals["credit_date"] = credit_dates(deals, inputs.plan)
    deals["credited_by"] = credited_by(deals, inputs.plan)
    deals = deals[[*inputs.deals.columns, *DATED_COLUMNS]]
    if inputs.year_start is None or inputs.prior_rules.empty or deals.empty:
        return deals.reset_index(drop=True)
    deals = deals.reset_index(drop=True)
    joined = joined_on(inputs)
    for index, row in deals.iterrows():
        boundary = joined.get(row["employee_id"], inputs.year_start)
        rule = _earlier_rule(row, boundary, inputs.prior_rules)
        if rule is None or rule["credit_date"] == row["credited_by"]:
            continue
        own_by, own_date = row["credited_by"], row["credit_date"]
        deals.at[index, "credited_by"] = rule["credit_date"]
        deals.at[index, "credit_date"] = row[f"{rule['credit_date']}_on"]
        later = max(row["booked_on"], row["effective_on"])
        if warnings is not None and inputs.start <= later <= inputs.end:
            warnings.append(_warning(row, rule, own_by, own_date, boundary, inputs))
    return deals


def joined_on(inputs) -> dict[str, date]:
    """Each CSM's first day on this plan in its year: the year's first day (``inputs.year_start``), or
    the first day of their earliest assignment of the quarter when that is later. Deals dated before it
    and on or after it are decided by the plan the person was on before (DESIGN §3 "Plans")."""
    joined: dict[str, date] = {}
    for employee, start in inputs.assignments[["employee_id", "start_date"]].itertuples(index=False):
        day = max(inputs.year_start, start) if start is not None else inputs.year_start
        joined[employee] = min(joined.get(employee, day), day)
    return joined


def _earlier_rule(row, boundary: date, rules: pd.DataFrame) -> dict | None:
    """The owner's earlier plan's rule for a deal dated before and after they joined this plan (its earlier
    date before ``boundary``, its later one on or after it), or None. Of several plans in that quarter, one
    that credits the deal before the boundary comes first (by plan code): a deal credited there is not
    again."""
    booked, effective = row["booked_on"], row["effective_on"]
    if booked is None or effective is None:
        return None
    earlier, later = min(booked, effective), max(booked, effective)
    if not earlier < boundary <= later:
        return None
    found = rules[
        (rules["employee_id"] == row["employee_id"])
        & (rules["type"] == row["type"])
        & (rules["start"] <= earlier)
        & (rules["end"] >= earlier)
    ]
    if found.empty:
        return None
    candidates = sorted(
        found.to_dict("records"), key=lambda r: (row[f"{r['credit_date']}_on"] >= boundary, r["plan"])
    )
    return candidates[0]


def _warning(row, rule: dict, own_by: str, own_date: date, boundary: date, inputs) -> EngineWarning:
    """``credit_across_years`` (joined on the year's first day) or ``credit_across_plans`` (later): what
    each plan would do with the deal and what the rule made of it."""
    plan, period, employee = inputs.plan.code, inputs.period, row["employee_id"]
    across_years = boundary == inputs.year_start
    prior_date = row[f"{rule['credit_date']}_on"]
    in_prior = prior_date < boundary
    left, joined = ("its year", "its year")
    if not across_years:
        left, joined = f"{employee} left it", f"{employee} joined it"
    prior_quarter = rule["period"] if in_prior else f"{period} (after {left})"
    own_quarter = period if own_date >= boundary else f"{rule['period']} (before {joined})"
    kind = row["type"]
    if in_prior:
        outcome = f"credited once, in {rule['period']} under {rule['plan']}; left out of {period}"
    else:
        outcome = f"credited once, in {period} under {plan} by its {rule['credit_date']} date"
    dated = (
        "is dated in two fiscal years"
        if across_years
        else f"is dated before and after {employee} joined {plan} on {boundary}"
    )
    decides = "The earlier year's plan decides" if across_years else "The earlier plan decides"
    return EngineWarning(
        "credit_across_years" if across_years else "credit_across_plans",
        f"Deal {row['deal_id']} ({kind}, booked {row['booked_on']}, effective {row['effective_on']}) of "
        f"{employee} {dated}: {rule['plan']} credits {kind} deals by {rule['credit_date']} date, in "
        f"{prior_quarter}; {plan} by {own_by} date, in {own_quarter}. "
        f"{decides}: {outcome}.",  # the rule is DESIGN §3 "Plans"; warnings are read by CSMs too
        employee_id=employee,
        customer_id=row["customer_id"],
    )
