"""As-of lookups on history tables: ownership and ARR (DESIGN §3)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .types import PlanSpec, empty


def frame(kind: str, rows) -> pd.DataFrame:
    """An engine input table of ``kind`` from an iterable of tuples in the kind's column order."""
    columns = list(empty(kind).columns)
    rows = list(rows)
    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else empty(kind)


def latest_as_of(table: pd.DataFrame, *, key: str, date_column: str, day: date) -> pd.DataFrame:
    """Per ``key``, the row with the latest ``date_column`` ≤ ``day`` (rows after ``day`` are ignored)."""
    if table.empty:
        return table.iloc[0:0]
    known = table[table[date_column] <= day]
    return known.sort_values([key, date_column], kind="stable").drop_duplicates(key, keep="last")


def owners_at(ownership: pd.DataFrame, day: date) -> pd.DataFrame:
    """customer_id → employee_id owning it on ``day``: the row with the latest start_date ≤ day."""
    rows = latest_as_of(ownership, key="customer_id", date_column="start_date", day=day)
    return rows[["customer_id", "employee_id"]].reset_index(drop=True)


def arr_at(arr: pd.DataFrame, day: date) -> pd.DataFrame:
    """customer_id → (arr, currency) on ``day``: the row with the latest as_of ≤ day."""
    rows = latest_as_of(arr, key="customer_id", date_column="as_of", day=day)
    return rows[["customer_id", "arr", "currency"]].reset_index(drop=True)


def credit_field(plan: PlanSpec, deal_type: str) -> str:
    """``"booked_on"`` or ``"effective_on"``: the column that credits a deal of ``deal_type`` under
    ``plan`` (its rule for the type, else its ``credit_date``; issue 20)."""
    return f"{plan.credit_date_of(deal_type)}_on"


def credited_by(deals: pd.DataFrame, plan: PlanSpec) -> pd.Series:
    """Per deal row, ``"booked"`` or ``"effective"``: which of its dates credits it (by its type)."""
    return deals["type"].map(plan.credit_date_of) if not deals.empty else pd.Series([], dtype=object)


def credit_dates(deals: pd.DataFrame, plan: PlanSpec) -> pd.Series:
    """Per deal row, the date that credits it to a quarter: its booked_on or effective_on, as the plan's
    rule for its type says (issue 20; one date per deal, so a deal is credited in exactly one quarter)."""
    if deals.empty:
        return pd.Series([], dtype=object)
    effective = credited_by(deals, plan) == "effective"
    return deals["effective_on"].where(effective, deals["booked_on"])


def clean(value):
    """``value``, or None where pandas marks it missing (NaN, NA, NaT)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value


def none_for_nan(series: pd.Series) -> list:
    """Values of ``series`` as a list, with pandas' missing markers turned into None."""
    return [clean(v) for v in series]
