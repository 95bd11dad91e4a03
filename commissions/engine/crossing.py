"""One credit date per deal, across a fiscal-year boundary too (DESIGN §3 "Plans", credit dates per type).

A plan belongs to one fiscal year and credits each deal type by its own date. A deal booked in one year
and effective in the next would be credited twice (the earlier year's plan by booking, the later one's
by effective date) or never (the other way round). So the person's plan of the **earlier** year decides:
the date it names is the deal's credit date for that person's later-year plans as well. The earlier
year's quarter is calculated (and closed) first and never depends on a plan loaded after it.
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
    — or, for a deal dated in two fiscal years, under the rule of the owner's plan of the earlier year
    (``inputs.prior_rules``) when that plan credits its type by the other date (DESIGN §3 "Plans").

    Such a deal whose later date falls in this quarter adds a ``credit_across_years`` warning to
    ``warnings`` naming the deal, the CSM, both plans and the quarter each would credit it in.
    Columns: those of ``inputs.deals``, then credit_date, credited_by, employee_id.
    """
    deals = inputs.deals.merge(book, on="customer_id", how="inner")
    deals["credit_date"] = credit_dates(deals, inputs.plan)
    deals["credited_by"] = credited_by(deals, inputs.plan)
    deals = deals[[*inputs.deals.columns, *DATED_COLUMNS]]
    if inputs.year_start is None or inputs.prior_rules.empty or deals.empty:
        return deals.reset_index(drop=True)
    deals = deals.reset_index(drop=True)
    for index, row in deals.iterrows():
        rule = _earlier_rule(row, inputs.year_start, inputs.prior_rules)
        if rule is None or rule["credit_date"] == row["credited_by"]:
            continue
        own_by, own_date = row["credited_by"], row["credit_date"]
        deals.at[index, "credited_by"] = rule["credit_date"]
        deals.at[index, "credit_date"] = row[f"{rule['credit_date']}_on"]
        later = max(row["booked_on"], row["effective_on"])
        if warnings is not None and inputs.start <= later <= inputs.end:
            warnings.append(_warning(row, rule, own_by, own_date, inputs))
    return deals


def _earlier_rule(row, year_start: date, rules: pd.DataFrame) -> dict | None:
    """The owner's earlier-year plan rule for a deal dated in two fiscal years (its earlier date before
    ``year_start``, its later one on or after it), or None. Of several plans in that quarter, one that
    credits the deal in its own year comes first (by plan code): a deal credited there is not again."""
    booked, effective = row["booked_on"], row["effective_on"]
    if booked is None or effective is None:
        return None
    earlier, later = min(booked, effective), max(booked, effective)
    if not earlier < year_start <= later:
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
        found.to_dict("records"), key=lambda r: (row[f"{r['credit_date']}_on"] >= year_start, r["plan"])
    )
    return candidates[0]


def _warning(row, rule: dict, own_by: str, own_date: date, inputs) -> EngineWarning:
    """``credit_across_years``: what each plan would do with the deal and what the rule made of it."""
    plan, period = inputs.plan.code, inputs.period
    prior_date = row[f"{rule['credit_date']}_on"]
    in_prior_year = prior_date < inputs.year_start
    prior_quarter = rule["period"] if in_prior_year else f"{period} (after its year)"
    own_quarter = period if own_date >= inputs.year_start else f"{rule['period']} (before its year)"
    kind = row["type"]
    if in_prior_year:
        outcome = f"credited once, in {rule['period']} under {rule['plan']}; left out of {period}"
    else:
        outcome = f"credited once, in {period} under {plan} by its {rule['credit_date']} date"
    return EngineWarning(
        "credit_across_years",
        f"Deal {row['deal_id']} ({kind}, booked {row['booked_on']}, effective {row['effective_on']}) of "
        f"{row['employee_id']} is dated in two fiscal years: {rule['plan']} credits {kind} deals by "
        f"{rule['credit_date']} date, in {prior_quarter}; {plan} by {own_by} date, in {own_quarter}. "
        f'The earlier year\'s plan decides (DESIGN §3 "Plans"): {outcome}.',
        employee_id=row["employee_id"],
        customer_id=row["customer_id"],
    )
