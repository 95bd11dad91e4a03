"""NRR of DESIGN §4.4: start ARR of the book and the deals credited to the quarter."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .money import Converter, exact
from .tables import arr_at


def credited_deals(dated: pd.DataFrame, inputs, converter: Converter) -> pd.DataFrame:
    """The book's deals whose credit date is in the quarter, with their delta in the plan currency and
    which date credited each (``credited_by``: booked | effective, by the plan's rule for its type, or
    by the earlier year's plan for a deal dated in two fiscal years). ``dated``: ``dated_deals``."""
    deals = dated[(dated["credit_date"] >= inputs.start) & (dated["credit_date"] <= inputs.end)].copy()
    converter.require(deals["currency"])
    deals["rate"] = [converter.rate(c) if c != converter.to else None for c in deals["currency"]]
    deals["converted"] = [
        converter.convert(a, c) for a, c in zip(deals["arr_delta"], deals["currency"], strict=True)
    ]
    return deals.sort_values(["employee_id", "credit_date", "deal_id"]).reset_index(drop=True)


def nrr_by_csm(book: pd.DataFrame, deals: pd.DataFrame, inputs, converter: Converter) -> dict[str, dict]:
    """Per CSM: start ARR S, credited Δ and NRR = (S + Δ)/S (absent when S = 0)."""
    start_arr = arr_at(inputs.arr, inputs.start).merge(book, on="customer_id", how="inner")
    converter.require(start_arr["currency"])
    start_arr["converted"] = [
        converter.convert(a, c) for a, c in zip(start_arr["arr"], start_arr["currency"], strict=True)
    ]
    s = start_arr.groupby("employee_id")["converted"].sum()
    delta = deals.groupby("employee_id")["converted"].sum()
    result: dict[str, dict] = {}
    with exact():
        for eid in book["employee_id"].unique():
            start = Decimal(s.get(eid, 0))
            change = Decimal(delta.get(eid, 0))
            nrr = (start + change) / start if start != 0 else None
            result[eid] = {"start_arr": start, "delta": change, "nrr": nrr}
    return result
