"""A quarter's inputs with a CSM's tried-out changes: the what-if a CSM runs on their own quarter.

The engine then calculates the changed inputs exactly as a run would (DESIGN §4): the projection's
what-if is the same calculation over different inputs, never a second formula.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd

from .types import QuarterInputs


def with_changes(
    inputs: QuarterInputs,
    *,
    employee_id: str,
    scores: dict[str, Decimal] | None = None,
    deals: list[dict] | None = None,
    kpis: dict[str, Decimal] | None = None,
) -> QuarterInputs:
    """``inputs`` with expected ``scores`` (customer_id -> score, 0–100, replacing the pulled one),
    extra ``deals`` (dicts of customer_id, type, arr_delta, currency and date, credited on that date
    whichever credit date the plan uses) and ``kpis`` (KPI code -> value, replacing ``employee_id``'s).
    Returns new inputs; ``inputs`` is not changed."""
    changed = {}
    if scores:
        kept = inputs.scores[~inputs.scores["customer_id"].isin(scores.keys())]
        extra = pd.DataFrame(list(scores.items()), columns=["customer_id", "score"], dtype=object)
        changed["scores"] = pd.concat([kept, extra], ignore_index=True)
    if deals:
        rows = [
            (f"what-if-{i}", d["customer_id"], d["type"], d["arr_delta"], d["currency"], d["date"], d["date"])
            for i, d in enumerate(deals, start=1)
        ]
        extra = pd.DataFrame(rows, columns=list(inputs.deals.columns), dtype=object)
        changed["deals"] = pd.concat([inputs.deals, extra], ignore_index=True)
    if kpis:
        theirs = (inputs.kpis["employee_id"] == employee_id) & inputs.kpis["kpi"].isin(kpis.keys())
        rows = [(employee_id, kpi, value) for kpi, value in kpis.items()]
        extra = pd.DataFrame(rows, columns=list(inputs.kpis.columns), dtype=object)
        changed["kpis"] = pd.concat([inputs.kpis[~theirs], extra], ignore_index=True)
    return replace(inputs, **changed)
