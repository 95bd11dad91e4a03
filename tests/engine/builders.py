"""Builders of engine inputs: the worked example of DESIGN §4 and small variations of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd

from commissions.engine import ComponentSpec, PlanSpec, QuarterInputs, empty


def table(kind: str, rows: list[dict]) -> pd.DataFrame:
    frame = empty(kind)
    if rows:
        frame = pd.DataFrame(rows, columns=list(frame.columns), dtype=object)
    return frame


def thirds_plan(**overrides) -> PlanSpec:
    components = (
        ComponentSpec(code="ADOPTION", metric="adoption", weight=D(1), cap=D("1.0")),
        ComponentSpec(
            code="NRR", metric="nrr", weight=D(1), goal=D("1.10"), floor=D("1.0"), accelerator=D("1.0")
        ),
        ComponentSpec(code="KPI", metric="kpi", kpi="prs", weight=D(1), goal=D(10), cap=D("1.0")),
    )
    fields = {"code": "CS-FY22", "currency": "USD", "components": components}
    fields.update(overrides)
    return PlanSpec(**fields)


def worked_example(**overrides) -> QuarterInputs:
    """FY22-Q2 of DESIGN §4 "Worked example": E1 owns C1, C2, C3; expected total 2333.33."""
    fields = {
        "period": "FY22-Q2",
        "start": date(2021, 5, 1),
        "end": date(2021, 7, 31),
        "plan": thirds_plan(),
        "assignments": table(
            "assignments",
            [
                {
                    "employee_id": "E1",
                    "start_date": date(2021, 2, 1),
                    "end_date": None,
                    "on_target_amount": D("3000.00"),
                    "nrr_goal": D("1.10"),
                    "kpi_goal": D(10),
                },
            ],
        ),
        "ownership": table(
            "ownership",
            [
                {"customer_id": "C1", "employee_id": "E1", "start_date": date(2020, 1, 1)},
                {"customer_id": "C2", "employee_id": "E1", "start_date": date(2020, 1, 1)},
                {"customer_id": "C3", "employee_id": "E1", "start_date": date(2021, 6, 15)},
            ],
        ),
        "customers": table(
            "customers",
            [
                {"customer_id": "C1", "start_date": date(2019, 3, 1)},
                {"customer_id": "C2", "start_date": date(2020, 1, 10)},
                {"customer_id": "C3", "start_date": date(2021, 6, 15)},
            ],
        ),
        "targets": table(
            "targets",
            [
                {"customer_id": "C1", "baseline": D(40), "target": D(60)},
                {"customer_id": "C2", "baseline": D(70), "target": None},
                {"customer_id": "C3", "baseline": D(30), "target": D(50)},
            ],
        ),
        "scores": table(
            "scores",
            [
                {"customer_id": "C1", "score": D(55)},
                {"customer_id": "C2", "score": D(72)},
                {"customer_id": "C3", "score": D(20)},
            ],
        ),
        "arr": table(
            "arr",
            [
                {"customer_id": "C1", "as_of": date(2021, 4, 1), "arr": D(100000), "currency": "USD"},
                {"customer_id": "C2", "as_of": date(2021, 4, 1), "arr": D(50000), "currency": "USD"},
                {"customer_id": "C3", "as_of": date(2021, 6, 15), "arr": D(50000), "currency": "USD"},
            ],
        ),
        "deals": table(
            "deals",
            [
                {
                    "deal_id": "D1",
                    "customer_id": "C2",
                    "type": "expansion",
                    "arr_delta": D(7500),
                    "currency": "USD",
                    "booked_on": date(2021, 6, 1),
                    "effective_on": date(2021, 6, 1),
                },
            ],
        ),
        "kpis": table("kpis", [{"employee_id": "E1", "kpi": "prs", "value": D(12)}]),
    }
    fields.update(overrides)
    return QuarterInputs(**fields)


def payouts(result) -> dict[str, Decimal]:
    return dict(zip(result.components["component"], result.components["payout"], strict=True))


Decimal = D


# --- Small scenarios: each test states only what differs from a plain FY22-Q2 quarter. ---

Q2_START = date(2021, 5, 1)
Q2_END = date(2021, 7, 31)
LONG_AGO = date(2019, 1, 1)
ARR_AS_OF = date(2021, 4, 1)
UNSET = object()


def component(code: str, metric: str, weight=1, **fields) -> ComponentSpec:
    """A plan component; numbers given as int or str become Decimal."""
    numbers = {
        k: D(str(v)) if isinstance(v, int | float | str) and k != "kpi" else v for k, v in fields.items()
    }
    return ComponentSpec(code=code, metric=metric, weight=D(str(weight)), **numbers)


def plan(*components: ComponentSpec, **overrides) -> PlanSpec:
    """A plan of the given components (USD, plan defaults of DESIGN §3 unless overridden)."""
    fields = {"code": "CS-FY22", "currency": "USD", "components": components}
    fields.update(overrides)
    return PlanSpec(**fields)


def adoption_only(**overrides) -> PlanSpec:
    """A plan whose only component is uncapped adoption: the adoption line's payout is OTI × A."""
    return plan(component("ADOPTION", "adoption"), **overrides)


def nrr_only(**fields) -> PlanSpec:
    """A plan whose only component is NRR (goal 1.10, floor 1.0 unless given)."""
    fields = {"goal": "1.10", "floor": "1.0", **fields}
    return plan(component("NRR", "nrr", **fields))


def kpi_only(**fields) -> PlanSpec:
    """A plan whose only component is the `prs` KPI (goal 10 unless given)."""
    fields = {"kpi": "prs", "goal": 10, **fields}
    return plan(component("KPI", "kpi", **fields))


def customer(
    customer_id: str,
    *,
    owner: str = "E1",
    start_date: date = LONG_AGO,
    baseline=40,
    target=60,
    score=50,
    arr=100000,
    currency: str = "USD",
    arr_as_of: date = ARR_AS_OF,
) -> dict:
    """One customer of a book. ``baseline=None``: not in the snapshot; ``target=None``: no target;
    ``score=None``: no score pulled; ``arr=None``: no ARR row."""

    def dec(value):
        return None if value is None else D(str(value))

    return {
        "customer_id": customer_id,
        "owner": owner,
        "start_date": start_date,
        "baseline": dec(baseline),
        "target": dec(target),
        "score": dec(score),
        "arr": dec(arr),
        "currency": currency,
        "arr_as_of": arr_as_of,
    }


def deal(
    deal_id: str,
    customer_id: str,
    kind: str,
    arr_delta,
    booked_on: date,
    effective_on: date | None = None,
    currency: str = "USD",
) -> dict:
    return {
        "deal_id": deal_id,
        "customer_id": customer_id,
        "type": kind,
        "arr_delta": D(str(arr_delta)),
        "currency": currency,
        "booked_on": booked_on,
        "effective_on": effective_on or booked_on,
    }


def assignment(
    employee_id: str = "E1",
    *,
    start_date: date = date(2021, 2, 1),
    end_date: date | None = None,
    amount="3000.00",
    nrr_goal=None,
    kpi_goal=None,
) -> dict:
    return {
        "employee_id": employee_id,
        "start_date": start_date,
        "end_date": end_date,
        "on_target_amount": D(str(amount)),
        "nrr_goal": None if nrr_goal is None else D(str(nrr_goal)),
        "kpi_goal": None if kpi_goal is None else D(str(kpi_goal)),
    }


def adjustment(customer_id: str, kind: str, value) -> dict:
    """An applied exception (``kind="exception"``, granted r) or extra credit (``"extra_credit"``, points)."""
    return {"customer_id": customer_id, "kind": kind, "value": D(str(value))}


def quarter(
    *,
    customers: list[dict] = (),
    plan_spec: PlanSpec | None = None,
    assignments: list[dict] | None = None,
    deals: list[dict] = (),
    kpis: dict | None = None,
    fx: dict | None = None,
    adjustments: list[dict] = (),
    ownership: list[dict] = (),
    arr: list[dict] = (),
    **overrides,
) -> QuarterInputs:
    """FY22-Q2 inputs for the thirds plan (unless ``plan_spec``), E1 assigned for the whole quarter at
    3000.00 and 10 PRs (attainment 1 against the goal of 10) unless told otherwise.

    ``kpis`` maps employee_id → value of `prs` (or (employee_id, kpi) → value); ``ownership`` and ``arr``
    add rows to those made from ``customers``.
    """
    kpis = {"E1": D(10)} if kpis is None else kpis
    kpi_rows = [
        {"employee_id": key[0], "kpi": key[1], "value": D(str(v))}
        if isinstance(key, tuple)
        else {"employee_id": key, "kpi": "prs", "value": D(str(v))}
        for key, v in kpis.items()
    ]
    fields = {
        "period": "FY22-Q2",
        "start": Q2_START,
        "end": Q2_END,
        "plan": plan_spec or thirds_plan(),
        "assignments": table("assignments", assignments if assignments is not None else [assignment()]),
        "ownership": table(
            "ownership",
            [
                {"customer_id": c["customer_id"], "employee_id": c["owner"], "start_date": LONG_AGO}
                for c in customers
            ]
            + list(ownership),
        ),
        "customers": table(
            "customers", [{"customer_id": c["customer_id"], "start_date": c["start_date"]} for c in customers]
        ),
        "targets": table(
            "targets",
            [
                {"customer_id": c["customer_id"], "baseline": c["baseline"], "target": c["target"]}
                for c in customers
                if c["baseline"] is not None
            ],
        ),
        "scores": table(
            "scores",
            [
                {"customer_id": c["customer_id"], "score": c["score"]}
                for c in customers
                if c["score"] is not None
            ],
        ),
        "arr": table(
            "arr",
            [
                {
                    "customer_id": c["customer_id"],
                    "as_of": c["arr_as_of"],
                    "arr": c["arr"],
                    "currency": c["currency"],
                }
                for c in customers
                if c["arr"] is not None
            ]
            + list(arr),
        ),
        "deals": table("deals", list(deals)),
        "kpis": table("kpis", kpi_rows),
        "fx": {k: D(str(v)) for k, v in (fx or {}).items()},
        "adjustments": table("adjustments", list(adjustments)),
    }
    fields.update(overrides)
    return QuarterInputs(**fields)


def line(result, code: str, employee_id: str = "E1") -> dict:
    """The component line of one CSM as a dict."""
    rows = result.components[
        (result.components["component"] == code) & (result.components["employee_id"] == employee_id)
    ]
    assert len(rows) == 1, f"expected one {code} line for {employee_id}, got {len(rows)}"
    return rows.iloc[0].to_dict()


def customer_line(result, customer_id: str) -> dict:
    """The per-customer result row as a dict."""
    rows = result.customers[result.customers["customer_id"] == customer_id]
    assert len(rows) == 1, f"expected one row for {customer_id}, got {len(rows)}"
    return rows.iloc[0].to_dict()


def total(result, employee_id: str = "E1") -> Decimal:
    rows = result.payouts[result.payouts["employee_id"] == employee_id]
    assert len(rows) == 1, f"expected one payout row for {employee_id}, got {len(rows)}"
    return rows.iloc[0]["total"]


def oti(result, employee_id: str = "E1") -> Decimal:
    return result.payouts.set_index("employee_id").at[employee_id, "oti"]


def warnings_of(result, code: str) -> list:
    return [w for w in result.warnings if w.code == code]


def at_target(**overrides) -> QuarterInputs:
    """Thirds-plan inputs where every component of E1 has f = 1: C1 scores its target (r = 1), a renewal
    of +10,000 on 100,000 makes NRR 1.10 (the goal) and 10 PRs meet the KPI goal."""
    fields = {
        "customers": [customer("C1", score=60)],
        "deals": [deal("D1", "C1", "renewal", 10000, date(2021, 6, 1))],
    }
    fields.update(overrides)
    return quarter(**fields)
