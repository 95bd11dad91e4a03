"""The in-memory lower bound of the quarter-close benchmark: DESIGN §4 for every plan of the synthetic
company, in plain vectorised float64 pandas, straight from the CSV files that company.py wrote.

No Django, no database, no Decimal until the last step: it is what the arithmetic costs when nothing
else does. Each payout line is rounded half-up to cents in float (with an epsilon that absorbs float
noise below a thousandth of a cent), and the rounded totals are handed back as ``Decimal`` so the
comparison with the engine and the ORM loop is exact.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from company import PERIOD, PLANS, Q_END, Q_START

DATES = {
    "customers": ["start_date"],
    "ownership": ["start_date"],
    "arr": ["as_of"],
    "scores": ["as_of"],
    "deals": ["booked_on", "effective_on"],
    "assignments": ["start_date", "end_date"],
}
TABLES = ("customers", "ownership", "arr", "targets", "scores", "deals", "kpis", "fx", "assignments")

Payouts = dict[tuple[str, str], Decimal]  # (employee_id, plan code) → total payout in the plan currency


def read_company(directory: Path) -> dict[str, pd.DataFrame]:
    """The company's CSV files as DataFrames (dates parsed; money and scores as float64)."""
    return {kind: pd.read_csv(directory / f"{kind}.csv", parse_dates=DATES.get(kind)) for kind in TABLES}


def _latest(table: pd.DataFrame, column: str, day: pd.Timestamp) -> pd.DataFrame:
    """Per customer, the row with the latest ``column`` ≤ ``day`` (DESIGN §3 "as of" rule)."""
    known = table[table[column] <= day]
    return known.sort_values(["customer_id", column]).drop_duplicates("customer_id", keep="last")


def _cents(amount: pd.Series) -> pd.Series:
    return np.floor(amount * 100 + 0.5 + 1e-7) / 100  # half-up; the epsilon absorbs float noise


def _number(component: dict, key: str, default: float | None = None) -> float | None:
    return float(component[key]) if key in component else default


class _Rates:
    """Units of the base currency per unit, for the quarter; converts into one plan's currency."""

    def __init__(self, fx: pd.DataFrame, to: str):
        rates = fx[fx["period"] == PERIOD].set_index("currency")["rate"].astype(float)
        self.rates = rates if "USD" in rates.index else pd.concat([rates, pd.Series({"USD": 1.0})])
        self.to = to

    def convert(self, amount: pd.Series, currency: pd.Series) -> pd.Series:
        factor = currency.map(self.rates) / self.rates[self.to]
        return pd.Series(
            np.where(currency == self.to, amount, amount * factor), index=amount.index, dtype=float
        )


def plan_payouts(t: dict[str, pd.DataFrame], code: str) -> pd.Series:
    """Total payout per CSM of plan ``code`` (float, each line already rounded to cents)."""
    plan = PLANS[code]
    start, end = pd.Timestamp(Q_START), pd.Timestamp(Q_END)
    rates = _Rates(t["fx"], plan["currency"])

    # §4.1 OTI: amount × days inside the quarter / days of the quarter; goals of the last assignment.
    a = t["assignments"][t["assignments"]["plan"] == code]
    first, last = a["start_date"].clip(lower=start), a["end_date"].fillna(end).clip(upper=end)
    days = ((last - first).dt.days + 1).clip(lower=0)
    a = a.assign(oti=a["on_target_amount"] * days / ((end - start).days + 1))[days > 0]
    a = a.sort_values(["employee_id", "start_date"], kind="stable")
    csm = a.drop_duplicates("employee_id", keep="last").set_index("employee_id")[["nrr_goal", "kpi_goal"]]
    csm["oti"] = a.groupby("employee_id")["oti"].sum()

    # §4.2 book: the owner at the quarter's last day, among the plan's CSMs.
    book = _latest(t["ownership"], "start_date", end)[["customer_id", "employee_id"]]
    book = book[book["employee_id"].isin(csm.index)]

    factors: dict[str, pd.Series] = {}
    weights: dict[str, float] = {}
    for component in plan["components"]:
        metric = component["metric"]
        if metric == "adoption":
            attainment = _adoption(t, code, book, rates, start, end)
        elif metric == "nrr":
            attainment = _nrr(t, code, component, book, csm, rates, start, end)
        else:
            kpis = t["kpis"][(t["kpis"]["period"] == PERIOD) & (t["kpis"]["kpi"] == component["kpi"])]
            value = kpis.set_index("employee_id")["value"].reindex(csm.index).fillna(0.0)
            attainment = value / csm["kpi_goal"].fillna(_number(component, "goal"))  # §4.5
        factors[component["code"]] = _factor(attainment.reindex(csm.index), component)
        weights[component["code"]] = float(component["weight"])

    # §4.7: over the components that apply, OTI × weight / Σ their weights × f, each line to cents.
    f = pd.DataFrame(factors)
    applies = f.notna()
    total_weight = applies.mul(pd.Series(weights)).sum(axis=1)
    lines = pd.DataFrame(
        {c: csm["oti"] * weights[c] / total_weight * f[c] for c in f.columns}, index=csm.index
    )
    return _cents(lines.where(applies)).sum(axis=1)


def _factor(attainment: pd.Series, component: dict) -> pd.Series:
    """§4.6: 0 below the threshold, the attainment up to 1, accelerated above, then capped. NaN stays."""
    threshold = _number(component, "threshold", 0.0)
    accelerator = _number(component, "accelerator", 1.0)
    f = np.where(
        attainment < threshold,
        0.0,
        np.where(attainment <= 1.0, attainment, 1.0 + accelerator * (attainment - 1.0)),
    )
    f = pd.Series(f, index=attainment.index).where(attainment.notna())
    cap = _number(component, "cap")
    return f.clip(upper=cap) if cap is not None else f


def _adoption(t, code, book, rates, start, end) -> pd.Series:
    """§4.3: A = Σ w·r / Σ w over the counted customers, per CSM; absent where Σ w = 0."""
    plan = PLANS[code]
    options = plan.get("adoption", {})
    formula, weighting = options.get("formula", "progress"), options.get("weighting", "arr")
    customer_cap = float(options.get("customer_cap", "1.5"))
    window = end - pd.Timedelta(days=plan.get("new_customer_window_days", 90))

    targets = t["targets"][t["targets"]["period"] == PERIOD][
        ["customer_id", "baseline_score", "target_score"]
    ]
    scores = _latest(t["scores"], "as_of", end)[["customer_id", "score"]]
    c = book.merge(targets, on="customer_id", how="left").merge(scores, on="customer_id", how="left")
    b, tg, s = c["baseline_score"], c["target_score"], c["score"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if formula == "ratio":
            r = np.where(tg > 0, s / tg, np.where(s >= tg, 1.0, 0.0))
        else:
            r = np.where(tg > b, (s - b) / (tg - b), np.where(s >= tg, 1.0, 0.0))
    r_target = np.where(s.isna(), 0.0, np.clip(r, 0.0, customer_cap))
    customers, deals = t["customers"], t["deals"]
    new = customers["customer_id"][(customers["start_date"] > window) & (customers["start_date"] <= end)]
    expansions = deals[deals["type"] == "expansion"].merge(book, on="customer_id")
    credit = _credit_dates(t, code, expansions)
    expansions = expansions[(credit > window) & (credit <= end)]
    protected = c["customer_id"].isin(new) | c["customer_id"].isin(expansions["customer_id"])
    has_target = tg.notna()
    improved = ~has_target & b.notna() & (s > b)
    counted = (has_target & ~(protected & (r_target < 1))) | improved
    c["r"] = np.where(has_target, r_target, 1.0)
    if weighting == "equal":
        c["w"] = 1.0
    else:
        arr = _latest(t["arr"], "as_of", end)
        converted = pd.Series(rates.convert(arr["arr"], arr["currency"]).values, index=arr["customer_id"])
        c["w"] = c["customer_id"].map(converted).fillna(0.0)
    c["wr"] = c["w"] * c["r"]
    sums = c[counted].groupby("employee_id")[["wr", "w"]].sum()
    return (sums["wr"] / sums["w"])[sums["w"] > 0]


def _nrr(t, code, component, book, csm, rates, start, end) -> pd.Series:
    """§4.4: NRR = (S + Δ)/S per CSM, attainment max(0, (NRR − floor)/(goal − floor)); absent if S = 0."""
    arr = _latest(t["arr"], "as_of", start)
    at_start = pd.Series(rates.convert(arr["arr"], arr["currency"]).values, index=arr["customer_id"])
    s_arr = book["customer_id"].map(at_start).fillna(0.0).groupby(book["employee_id"]).sum()
    deals = t["deals"].merge(book, on="customer_id")
    credit = _credit_dates(t, code, deals)
    booked = deals[(credit >= start) & (credit <= end)]
    delta = rates.convert(booked["arr_delta"], booked["currency"]).groupby(booked["employee_id"]).sum()
    s_arr = s_arr.reindex(csm.index).fillna(0.0)
    nrr = (s_arr + delta.reindex(csm.index).fillna(0.0)) / s_arr.where(s_arr != 0)
    floor = _number(component, "floor", 1.0)
    goal = csm["nrr_goal"].fillna(_number(component, "goal"))
    return ((nrr - floor) / (goal - floor)).clip(lower=0.0)


def _credit_field(plan: dict) -> str:
    return "effective_on" if plan.get("credit_date") == "effective" else "booked_on"


def _credit_dates(t, code: str, deals: pd.DataFrame) -> pd.Series:
    """Per deal row (with its owner's ``employee_id``), the date that credits it to plan ``code``: the
    plan's own date — or, when the owner was not on ``code`` at the deal's earlier date but on another
    plan, that plan's (DESIGN §3 "Plans": the plan a person was on at a deal's earlier date decides). The
    company's plans are all of one year, and a person is on one plan on any day."""
    earlier = deals[["booked_on", "effective_on"]].min(axis=1)
    a = t["assignments"]
    a = a[["employee_id", "plan", "start_date", "end_date"]]
    rows = pd.DataFrame({"employee_id": deals["employee_id"].values, "earlier": earlier.values})
    rows["row"] = np.arange(len(rows))
    on = rows.merge(a, on="employee_id")
    on = on[(on["start_date"] <= on["earlier"]) & (on["end_date"].isna() | (on["earlier"] <= on["end_date"]))]
    here = set(on.loc[on["plan"] == code, "row"])
    elsewhere = on[(on["plan"] != code) & ~on["row"].isin(here)].drop_duplicates("row")
    field = np.full(len(rows), _credit_field(PLANS[code]), dtype=object)
    field[elsewhere["row"].to_numpy()] = [_credit_field(PLANS[p]) for p in elsewhere["plan"]]
    chosen = np.where(field == "effective_on", deals["effective_on"], deals["booked_on"])
    return pd.Series(chosen, index=deals.index, dtype="datetime64[ns]")


def lower_bound_payouts(t: dict[str, pd.DataFrame], seconds: dict[str, float] | None = None) -> Payouts:
    """Every plan's payouts, as exact cents; ``seconds``, if given, receives each plan's compute time."""
    payouts: Payouts = {}
    for code in PLANS:
        started = time.perf_counter()
        totals = plan_payouts(t, code)
        if seconds is not None:
            seconds[code] = time.perf_counter() - started
        for employee_id, amount in totals.items():
            payouts[(employee_id, code)] = Decimal(f"{amount:.2f}")
    return payouts
