"""Adoption attainment A of DESIGN §4.3: per-customer r, who counts, and the weighted mean per CSM."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from .money import Converter, exact
from .tables import arr_at, clean, credit_dates, none_for_nan
from .types import ONE, ZERO, EngineWarning, PlanSpec

# Why a customer counts or not; shown on statements.
COUNTED = "counted"
NO_SCORE = "no score (r = 0)"
HELD_HARMLESS = "held harmless (new or newly expanded, r < 1)"
IMPROVED = "no target; score improved (r = 1)"
NOT_IMPROVED = "no target; score did not improve"
NOT_IN_SNAPSHOT = "not in the target snapshot"
EXCEPTION = "exception applied"
EXTRA_CREDIT = "extra credit applied"


def progress_r(*, baseline: Decimal, target: Decimal, score: Decimal, formula: str, cap: Decimal) -> Decimal:
    """r for a customer with a target, clamped to [0, customer_cap] (DESIGN §4.3)."""
    with exact():
        if formula == "ratio":
            r = score / target if target > 0 else (ONE if score >= target else ZERO)
        elif target > baseline:
            r = (score - baseline) / (target - baseline)
        else:
            r = ONE if score >= target else ZERO
    return min(max(r, ZERO), cap)


def customer_r(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    score: Decimal | None,
    protected: bool,
    exception: Decimal | None,
    extra: Decimal | None,
    plan: PlanSpec,
) -> tuple[Decimal | None, bool, str]:
    """(r, counted, reason) for one customer of a CSM's book.

    ``protected``: new or newly expanded within the plan's window (held harmless when r < 1).
    An applied exception sets r; extra credit then adds its points; neither is clamped.
    """
    r: Decimal | None
    if baseline is None:
        r, counted, reason = None, False, NOT_IN_SNAPSHOT
    elif target is not None:
        if score is None:
            r, counted, reason = ZERO, True, NO_SCORE
        else:
            r = progress_r(
                baseline=baseline, target=target, score=score, formula=plan.formula, cap=plan.customer_cap
            )
            counted, reason = True, COUNTED
        if protected and r < ONE:
            counted, reason = False, HELD_HARMLESS
    elif score is not None and score > baseline:
        r, counted, reason = ONE, True, IMPROVED
    else:
        r, counted, reason = None, False, NOT_IMPROVED
    if exception is not None:
        r, counted, reason = exception, True, EXCEPTION
    if extra is not None:
        with exact():
            r = (r if r is not None else ZERO) + extra
        counted = True
        reason = f"{reason}; {EXTRA_CREDIT}" if reason in (EXCEPTION, COUNTED) else EXTRA_CREDIT
    return r, counted, reason


def protected_customers(
    customers: pd.DataFrame, deals: pd.DataFrame, *, end: date, plan: PlanSpec
) -> set[str]:
    """Customers that are new or newly expanded: start date, or an expansion's own credit date (the plan's
    rule for expansions, issue 20), in (end − window, end]."""
    window_start = end - timedelta(days=plan.new_customer_window_days)
    new = customers[(customers["start_date"] > window_start) & (customers["start_date"] <= end)]
    expansions = deals[deals["type"] == "expansion"]
    # A deal dated in two fiscal years carries the date the earlier year's plan named (DESIGN §3).
    when = expansions["credit_date"] if "credit_date" in expansions else credit_dates(expansions, plan)
    expanded = expansions[(when > window_start) & (when <= end)]
    return set(new["customer_id"]) | set(expanded["customer_id"])


def adjustments_by_customer(adjustments: pd.DataFrame) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Applied exceptions (the last one wins) and extra credit (points add up) per customer."""
    exceptions: dict[str, Decimal] = {}
    extra: dict[str, Decimal] = {}
    for customer_id, kind, value in zip(
        adjustments["customer_id"], adjustments["kind"], adjustments["value"], strict=True
    ):
        if kind == "exception":
            exceptions[customer_id] = value
        elif kind == "extra_credit":
            extra[customer_id] = extra.get(customer_id, ZERO) + value
    return exceptions, extra


def customer_rows(
    book: pd.DataFrame,
    inputs,
    converter: Converter,
    warnings: list[EngineWarning],
    deals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per book customer: baseline, target, score, r, counted, reason and weight w. ``deals``:
    the book's deals with their credit dates (``dated_deals``); None: ``inputs.deals`` by the plan's rule."""
    plan = inputs.plan
    rows = book.merge(inputs.targets, on="customer_id", how="left").merge(
        inputs.scores, on="customer_id", how="left"
    )
    deals = inputs.deals if deals is None else deals
    protected = protected_customers(inputs.customers, deals, end=inputs.end, plan=plan)
    exceptions, extra = adjustments_by_customer(inputs.adjustments)
    baselines, targets, scores = (none_for_nan(rows[c]) for c in ("baseline", "target", "score"))
    results = [
        customer_r(
            baseline=b,
            target=t,
            score=a,
            protected=cid in protected,
            exception=exceptions.get(cid),
            extra=extra.get(cid),
            plan=plan,
        )
        for cid, b, t, a in zip(rows["customer_id"], baselines, targets, scores, strict=True)
    ]
    rows["baseline"], rows["target"], rows["score"] = baselines, targets, scores
    rows["r"] = [r for r, _, _ in results]
    rows["counted"] = [counted for _, counted, _ in results]
    rows["reason"] = [reason for _, _, reason in results]
    for cid, eid, b, t, a in zip(
        rows["customer_id"], rows["employee_id"], baselines, targets, scores, strict=True
    ):
        if b is None:
            warnings.append(
                EngineWarning(
                    "not_in_snapshot",
                    f"Customer {cid} has no baseline in the target "
                    f"snapshot for {inputs.period}; left out of adoption.",
                    eid,
                    cid,
                )
            )
        elif a is None and (t is not None or cid in exceptions or cid in extra):
            warnings.append(
                EngineWarning(
                    "missing_score",
                    f"Customer {cid} has no score pulled for {inputs.period}; r = 0.",
                    eid,
                    cid,
                )
            )
    rows["weight"] = customer_weights(rows, inputs, converter, warnings)
    return rows


def customer_weights(rows: pd.DataFrame, inputs, converter: Converter, warnings: list[EngineWarning]) -> list:
    """w per counted customer: ARR at the quarter's last day in the plan currency, or 1 (``equal``)."""
    if inputs.plan.weighting == "equal":
        return [ONE if counted else None for counted in rows["counted"]]
    arr = rows[["customer_id"]].merge(arr_at(inputs.arr, inputs.end), on="customer_id", how="left")
    converter.require(arr.loc[rows["counted"].to_numpy(), "currency"].dropna())
    weights: list = []
    for cid, eid, counted, amount, currency in zip(
        rows["customer_id"], rows["employee_id"], rows["counted"], arr["arr"], arr["currency"], strict=True
    ):
        if not counted:
            weights.append(None)
        elif clean(amount) is not None:
            weights.append(converter.convert(amount, currency))
        else:
            warnings.append(
                EngineWarning(
                    "missing_arr",
                    f"Customer {cid} counts for adoption but has no ARR on {inputs.end}; it weighs 0.",
                    eid,
                    cid,
                )
            )
            weights.append(ZERO)
    return weights


def attainment_by_csm(rows: pd.DataFrame) -> dict[str, Decimal]:
    """A = Σ w·r / Σ w over counted customers, per CSM; absent where nothing counts or Σ w = 0."""
    counted = rows.loc[rows["counted"], ["employee_id", "weight", "r"]].copy()
    with exact():
        counted["wr"] = [w * r for w, r in zip(counted["weight"], counted["r"], strict=True)]
        sums = counted.groupby("employee_id")[["wr", "weight"]].sum()
        return {
            eid: wr / ws
            for eid, wr, ws in zip(sums.index, sums["wr"], sums["weight"], strict=True)
            if ws != 0
        }
