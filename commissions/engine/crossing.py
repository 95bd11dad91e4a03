"""One credit date per deal and person, across a change of plan too (DESIGN §3 "Plans", credit dates per
type).

A plan credits each deal type by its own date. A deal dated on both sides of a person's change of plan —
booked in one fiscal year and effective in the next, or around a move from one plan to another within a
year — would be credited twice (the earlier plan by booking, the later one by effective date) or never
(the other way round). So the plan the person was on at the deal's **earlier** date decides, for every
plan of theirs: the date it names is the deal's credit date for the other plans as well. The plan joined
reads the plan left for a deal dated before the move; the plan left reads the plan joined for a deal
dated after it. On no plan at the earlier date, in a gap between two plans of its year, the plan the
person was on last before it decides. A person is on a plan from its year's first day, or their
assignment's first day when later, to their assignment's last day (``coverage``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .tables import credit_dates, credited_by
from .types import EngineWarning

DATED_COLUMNS = ["credit_date", "credited_by", "employee_id", "rule_of"]


def dated_deals(book: pd.DataFrame, inputs, warnings: list[EngineWarning] | None = None) -> pd.DataFrame:
    """The book's deals (``inputs.deals`` joined to their customer's owner at the quarter's end), each
    with its ``credit_date`` and ``credited_by`` (booked | effective) under the plan's rule for its type
    — or, for a deal whose earlier date its owner was not on this plan at (before its year or their
    assignment, or after their assignment ended: ``coverage``), under the rule of the plan they were on
    that day — or, on none, the plan they were on last before it (``inputs.prior_rules``) — when that plan
    credits its type by the other date (DESIGN §3 "Plans": the plan a person was on at a deal's earlier
    date decides).

    When that decision changes whether this quarter credits the deal, a warning is added to ``warnings``
    naming the deal, the CSM and both plans: ``credit_across_years`` when the earlier date is before the
    plan's year, ``credit_across_plans`` otherwise.
    Columns: those of ``inputs.deals``, then credit_date, credited_by, employee_id and rule_of (the code of
    the plan whose rule named the date: this plan's, or the deciding plan's).
    """
    deals = inputs.deals.merge(book, on="customer_id", how="inner")
    deals["credit_date"] = credit_dates(deals, inputs.plan)
    deals["credited_by"] = credited_by(deals, inputs.plan)
    deals["rule_of"] = inputs.plan.code
    deals = deals[[*inputs.deals.columns, *DATED_COLUMNS]].reset_index(drop=True)
    if inputs.year_start is None or inputs.prior_rules.empty or deals.empty:
        return deals
    spans = coverage(inputs)
    # Only the deals of people with another plan's rule can change: the others keep their own dates.
    others = deals[deals["employee_id"].isin(set(inputs.prior_rules["employee_id"]))]
    for index, row in others.iterrows():
        decision = _deciding_rule(row, spans.get(row["employee_id"], []), inputs)
        if decision is None or decision[0]["credit_date"] == row["credited_by"]:
            continue
        rule, gap = decision
        own_by, own_date = row["credited_by"], row["credit_date"]
        decided = row[f"{rule['credit_date']}_on"]
        deals.at[index, "credited_by"] = rule["credit_date"]
        deals.at[index, "rule_of"] = rule["plan"]
        deals.at[index, "credit_date"] = decided
        inside = [inputs.start <= day <= inputs.end for day in (own_date, decided)]
        if warnings is not None and inside[0] != inside[1]:
            warnings.append(_warning(row, rule, gap, own_by, own_date, decided, inputs))
    return deals


def coverage(inputs) -> dict[str, list[tuple[date, date | None]]]:
    """Each CSM's days on this plan: their assignments of the quarter, none before the plan's year
    (``inputs.year_start``); an end of None is open."""
    spans: dict[str, list[tuple[date, date | None]]] = {}
    for employee, start, end in inputs.assignments[["employee_id", "start_date", "end_date"]].itertuples(
        index=False
    ):
        first = max(inputs.year_start, start) if start is not None else inputs.year_start
        spans.setdefault(employee, []).append((first, end))
    return spans


def covered(day: date, spans: list[tuple[date, date | None]]) -> bool:
    """Whether ``day`` falls within one of ``spans`` (both ends included)."""
    return any(first <= day and (last is None or day <= last) for first, last in spans)


def _deciding_rule(row, spans, inputs) -> tuple[dict, bool] | None:
    """The rule of the plan the deal's owner was on at its earlier date, when they were not on this plan
    that day (``spans``: their days on it) — or, when they were on no plan that day, of the plan they
    were on last before it (the loader's ``last_before`` rows; none when that was this plan) — with
    whether it was such a gap; or None: this plan's own rule. Of several plans on that day, one
    crediting the deal by a date this plan does not cover comes first (by plan code): a deal credited
    there is not again."""
    booked, effective = row["booked_on"], row["effective_on"]
    if booked is None or effective is None or booked == effective:
        return None
    earlier = min(booked, effective)
    if covered(earlier, spans):
        return None  # on this plan at the deal's earlier date: its own rule
    rules = inputs.prior_rules
    theirs = rules[(rules["employee_id"] == row["employee_id"]) & (rules["type"] == row["type"])]
    # A row covers the days the person was on another plan, or a gap after it (``last_before``).
    found = theirs[(theirs["start"] <= earlier) & (theirs["end"] >= earlier)]
    if found.empty:
        return None  # on no plan that day, and none before it in its year: this plan's own rule
    candidates = sorted(
        found.to_dict("records"), key=lambda r: (covered(row[f"{r['credit_date']}_on"], spans), r["plan"])
    )
    return candidates[0], candidates[0].get("last_before") is True


def _warning(row, rule: dict, gap: bool, own_by: str, own_date: date, decided: date, inputs) -> EngineWarning:
    """What each plan would do with the deal and what the rule made of it, in this quarter. ``gap``: the
    owner was on no plan at the deal's earlier date, and ``rule`` is of the plan they were on last."""
    plan, period, employee, kind = inputs.plan.code, inputs.period, row["employee_id"], row["type"]
    earlier = min(row["booked_on"], row["effective_on"])
    across_years = earlier < inputs.year_start
    credited = inputs.start <= decided <= inputs.end
    if across_years:
        prior_quarter = rule["period"] if decided < inputs.year_start else f"{period} (after its year)"
        own_quarter = period if own_date >= inputs.year_start else f"{rule['period']} (before its year)"
        if credited:
            outcome = f"credited once, in {period} under {plan} by its {rule['credit_date']} date"
        else:
            outcome = f"credited once, in {rule['period']} under {rule['plan']}; left out of {period}"
        last_on = (
            f" (on {earlier} {employee} was on no plan; {rule['plan']} is the one they were on last)"
            if gap
            else ""
        )
        return EngineWarning(
            "credit_across_years",
            f"Deal {row['deal_id']} ({kind}, booked {row['booked_on']}, effective {row['effective_on']}) of "
            f"{employee} is dated in two fiscal years{last_on}: {rule['plan']} credits {kind} deals by "
            f"{rule['credit_date']} date, in {prior_quarter}; {plan} by {own_by} date, in {own_quarter}. "
            f"The earlier year's plan decides: {outcome}.",
            employee_id=employee,
            customer_id=row["customer_id"],
        )
    side = "before" if decided < inputs.start else "after"
    shared = rule["period"] == period  # the other plan pays part of this quarter too
    if credited:
        outcome = f"credited in {period} by its {rule['credit_date']} date, {decided}"
        if shared:
            outcome += f", by both plans, each toward its share of {period}"
    else:
        outcome = (
            f"left out of {period}: it counts in the quarter of its {rule['credit_date']} date, {decided} "
            f"({side} {period})"
        )
    on = (
        f"on {earlier}, its earlier date, {employee} was on no plan; the plan they were on last before it "
        f"was {rule['plan']}"
        if gap
        else f"on {earlier}, its earlier date, {employee} was on {rule['plan']}, not on {plan}"
    )
    return EngineWarning(
        "credit_across_plans",
        f"Deal {row['deal_id']} ({kind}, booked {row['booked_on']}, effective {row['effective_on']}) of "
        f"{employee}: {on}. {rule['plan']} credits {kind} deals by {rule['credit_date']} date, {plan} by "
        f"{own_by} date; {rule['plan']} decides which date credits it for every plan of {employee}'s, so "
        f"it counts in one quarter only: {outcome}.",
        employee_id=employee,
        customer_id=row["customer_id"],
    )
