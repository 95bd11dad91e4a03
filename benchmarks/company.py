"""A deterministic synthetic company for benchmarks: the CSV files of DESIGN §3 for one fiscal quarter.

``write_company(size=SIZES["M"], seed=1, directory=...)`` writes ``<kind>.csv`` for every import kind, for
fiscal year FY25 and quarter FY25-Q2 (2024-05-01 … 2024-07-31 with the default fiscal year start in
February). The data exercises every rule of DESIGN §4: customers new in the quarter, ownership moved
mid-quarter (and after it), ARR in five currencies (USD, EUR, GBP, JPY, AUD) that changes mid-quarter,
customers with no target, with no score and outside the snapshot, deals of all four types inside and
outside the quarter, CSMs without a KPI value, with goal overrides, with assignments starting or ending
mid-quarter, and CSMs moving from one plan to another mid-quarter.

Three plans (``PLANS``), every size: ``CS-FY25`` (thirds: adoption, NRR, KPI; USD), ``CS-FY25-NRR``
(NRR and KPI 50:50, accelerated and capped; EUR, so every amount is converted) and ``CS-FY25-ADOPT``
(adoption 3 : NRR 1, ``ratio`` formula, ``equal`` weighting, ``effective`` credit date, 60-day window,
threshold and accelerator; USD). CSM n is assigned to plan n mod 3, so csm0 is on ``CS-FY25``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

FISCAL_YEAR = "FY25"
PERIOD = "FY25-Q2"
PLAN_CODE = "CS-FY25"
FY_START, Q_START, Q_END = date(2024, 2, 1), date(2024, 5, 1), date(2024, 7, 31)
WEEKS = 13
GEOS = ("AMER", "EMEA", "APAC")
CCO, OPS = "E0000001", "E0000002"

# The plans, as load_plan's YAML reads them (DESIGN §3 "Plans"); numbers as text so nothing is a float.
# The lower bound (lower_bound.py) reads these same dicts; the ORM loop reads the loaded Plan rows.
PLANS: dict[str, dict] = {
    PLAN_CODE: {
        "name": f"Customer Success {FISCAL_YEAR} thirds (benchmark)",
        "currency": "USD",
        "components": [
            {"code": "ADOPTION", "metric": "adoption", "weight": "1", "cap": "1.0"},
            {
                "code": "NRR",
                "metric": "nrr",
                "weight": "1",
                "goal": "1.10",
                "floor": "1.0",
                "accelerator": "1.0",
            },
            {"code": "KPI", "metric": "kpi", "kpi": "prs", "weight": "1", "goal": "10", "cap": "1.0"},
        ],
    },
    f"{PLAN_CODE}-NRR": {
        "name": f"Customer Success {FISCAL_YEAR} NRR and KPI 50:50 (benchmark)",
        "currency": "EUR",
        "components": [
            {"code": "NRR", "metric": "nrr", "weight": "1", "goal": "1.08", "accelerator": "2", "cap": "2.0"},
            {"code": "KPI", "metric": "kpi", "kpi": "prs", "weight": "1", "goal": "10", "threshold": "0.3"},
        ],
    },
    f"{PLAN_CODE}-ADOPT": {
        "name": f"Customer Success {FISCAL_YEAR} adoption-heavy (benchmark)",
        "currency": "USD",
        "credit_date": "effective",
        "new_customer_window_days": 60,
        "adoption": {"formula": "ratio", "weighting": "equal", "customer_cap": "1.2"},
        "components": [
            {
                "code": "ADOPTION",
                "metric": "adoption",
                "weight": "3",
                "threshold": "0.5",
                "accelerator": "2",
                "cap": "1.5",
            },
            {"code": "NRR", "metric": "nrr", "weight": "1", "goal": "1.05", "floor": "0.95"},
        ],
    },
}
PLAN_CODES = tuple(PLANS)

# Units of USD per unit of each currency: a centre and a seeded jitter (DESIGN §3 `fx`); ARR and deals
# are drawn in USD and divided by the centre, so a JPY customer is as large as a USD one.
CURRENCIES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067, "AUD": 0.66}
CURRENCY_SHARES = (0.5, 0.2, 0.1, 0.1, 0.1)


def plan_yaml(code: str) -> str:
    """``load_plan`` YAML of plan ``code`` of ``PLANS``."""
    plan = PLANS[code]
    lines = [
        f"code: {code}",
        f"name: {plan['name']}",
        f"fiscal_year: {FISCAL_YEAR}",
        f"currency: {plan['currency']}",
    ]
    lines += [f"{key}: {plan[key]}" for key in ("credit_date", "new_customer_window_days") if key in plan]
    if "adoption" in plan:
        lines.append("adoption:")
        lines += [f"  {key}: {value}" for key, value in plan["adoption"].items()]
    lines.append("components:")
    for component in plan["components"]:
        lines.append("  - {" + ", ".join(f"{key}: {value}" for key, value in component.items()) + "}")
    return "\n".join(lines) + "\n"


PLAN_YAML = plan_yaml(PLAN_CODE)  # the thirds plan alone (older callers)

# The import order: references first; the plan is loaded before `assignments`.
KINDS = ("employees", "customers", "ownership", "arr", "targets", "scores", "deals", "kpis", "fx")


@dataclass(frozen=True)
class Size:
    csms: int
    customers: int
    deals: int


SIZES = {
    "S": Size(csms=20, customers=1_000, deals=2_000),
    "M": Size(csms=200, customers=10_000, deals=20_000),
    "L": Size(csms=2_000, customers=100_000, deals=200_000),
}


def _days(rng: np.random.Generator, first: date, last: date, n: int) -> np.ndarray:
    """``n`` uniformly random dates in [first, last] as numpy datetime64[D]."""
    offsets = rng.integers(0, (last - first).days + 1, size=n)
    return np.datetime64(first, "D") + offsets


def _iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days, unit="D")


def _money(values: np.ndarray) -> np.ndarray:
    return np.round(values, 2)


def employees(size: Size) -> tuple[pd.DataFrame, list[str]]:
    vps = [f"E00000{3 + i:02d}" for i in range(len(GEOS))]
    csms = [f"E1{n:06d}" for n in range(size.csms)]
    rows = [
        (CCO, "cco@bench.example", "Bench CCO", "cco", "", ""),
        (OPS, "ops@bench.example", "Bench Ops", "ops", "", ""),
        *[
            (e, f"vp-{g.lower()}@bench.example", f"VP {g}", "csvp", g, CCO)
            for e, g in zip(vps, GEOS, strict=True)
        ],
        *[
            (e, f"csm{n}@bench.example", f"CSM {n}", "csm", GEOS[n % 3], vps[n % 3])
            for n, e in enumerate(csms)
        ],
    ]
    columns = ["employee_id", "email", "name", "roles", "geo", "manager_employee_id"]
    return pd.DataFrame(rows, columns=columns), csms


def write_company(*, size: Size, seed: int, directory: Path) -> dict[str, int]:
    """Write every ``<kind>.csv`` of the company into ``directory``; return the row count per kind."""
    rng = np.random.default_rng(seed)
    frames: dict[str, pd.DataFrame] = {}
    frames["employees"], csms = employees(size)
    csm_ids = np.array(csms)
    n = size.customers
    cids = np.array([f"C{i:07d}" for i in range(n)])

    # Customers: most started years ago; ~3% are new in the quarter (held harmless below target).
    new = rng.random(n) < 0.03
    start = np.where(new, _days(rng, date(2024, 5, 3), Q_END, n), _days(rng, date(2018, 1, 1), FY_START, n))
    frames["customers"] = pd.DataFrame(
        {
            "customer_id": cids,
            "name": [f"Customer {i}" for i in range(n)],
            "geo": np.array(GEOS)[rng.integers(0, 3, n)],
            "start_date": _iso(start),
            "segment": np.array(["SMB", "MM", "ENT"])[rng.integers(0, 3, n)],
        }
    )

    # Ownership: one owner from the start; ~3% moved mid-quarter, ~1% moved after the quarter.
    owner = csm_ids[rng.integers(0, size.csms, n)]
    moved = ~new & (rng.random(n) < 0.03)
    later = ~new & ~moved & (rng.random(n) < 0.01)
    ownership = [pd.DataFrame({"customer_id": cids, "employee_id": owner, "start_date": _iso(start)})]
    for mask, first, last in (
        (moved, date(2024, 5, 10), date(2024, 7, 20)),
        (later, date(2024, 8, 5), date(2024, 9, 30)),
    ):
        k = int(mask.sum())
        ownership.append(
            pd.DataFrame(
                {
                    "customer_id": cids[mask],
                    "employee_id": csm_ids[rng.integers(0, size.csms, k)],
                    "start_date": _iso(_days(rng, first, last, k)),
                }
            )
        )
    frames["ownership"] = pd.concat(ownership, ignore_index=True)

    # ARR in the customer's currency: a row at the start (new customers have none on the quarter's first
    # day); ~20% change in it. Amounts are drawn in USD and turned into the currency at its centre rate.
    codes = np.array(list(CURRENCIES))
    currency = codes[rng.choice(len(codes), size=n, p=CURRENCY_SHARES)]
    per_usd = 1 / pd.Series(CURRENCIES)[currency].to_numpy()
    arr = _money(rng.lognormal(mean=10.5, sigma=0.8, size=n) * per_usd)
    change = ~new & (rng.random(n) < 0.2)
    frames["arr"] = pd.concat(
        [
            pd.DataFrame({"customer_id": cids, "as_of": _iso(start), "arr": arr, "currency": currency}),
            pd.DataFrame(
                {
                    "customer_id": cids[change],
                    "as_of": "2024-06-15",
                    "arr": _money(arr[change] * rng.uniform(0.8, 1.3, int(change.sum()))),
                    "currency": currency[change],
                }
            ),
        ],
        ignore_index=True,
    )

    # Targets of FY25: ~1% of customers are not in the snapshot, ~8% have a baseline but no targets.
    baseline = rng.integers(20, 81, n).astype(float)
    in_snapshot = rng.random(n) >= 0.01
    no_target = rng.random(n) < 0.08
    target_rows = []
    for q in range(1, 5):
        target = np.minimum(100, baseline + 3 * q + rng.integers(0, 11, n))
        equal = rng.random(n) < 0.02  # a target equal to the baseline: r = 1 if a ≥ t, else 0
        target[equal] = baseline[equal]
        target = np.where(no_target, np.nan, target)
        target_rows.append(
            pd.DataFrame(
                {
                    "fiscal_year": FISCAL_YEAR,
                    "customer_id": cids,
                    "baseline_score": baseline,
                    "period": f"{FISCAL_YEAR}-Q{q}",
                    "target_score": target,
                }
            )[in_snapshot]
        )
    frames["targets"] = pd.concat(target_rows, ignore_index=True)

    # Weekly scores over the quarter (Fridays 2024-05-03 … 2024-07-26); ~0.5% of customers have none.
    weeks = np.datetime64(date(2024, 5, 3), "D") + 7 * np.arange(WEEKS)
    drift = rng.normal(8, 10, n)
    grid = baseline[:, None] + drift[:, None] * np.arange(WEEKS)[None, :] / (WEEKS - 1)
    grid = np.clip(np.round(grid + rng.normal(0, 3, (n, WEEKS)), 2), 0, 100)
    keep = (weeks[None, :] >= start[:, None]) & (rng.random(n) >= 0.005)[:, None]
    frames["scores"] = pd.DataFrame(
        {
            "customer_id": np.repeat(cids, WEEKS)[keep.ravel()],
            "as_of": np.tile(_iso(weeks), n)[keep.ravel()],
            "score": grid.ravel()[keep.ravel()],
        }
    )

    # Deals of all four types, booked from the fiscal year's start to after the quarter.
    d = size.deals
    customer = rng.integers(0, n, d)
    kind = np.array(["renewal", "expansion", "contraction", "churn"])[
        rng.choice(4, size=d, p=[0.4, 0.3, 0.15, 0.15])
    ]
    magnitude = (
        np.select(
            [kind == "expansion", kind == "contraction", kind == "churn"],
            [rng.uniform(1_000, 20_000, d), -rng.uniform(1_000, 10_000, d), -rng.uniform(5_000, 50_000, d)],
            rng.uniform(-2_000, 5_000, d),
        )
        * per_usd[customer]
    )
    booked = _days(rng, FY_START, date(2024, 9, 30), d)
    frames["deals"] = pd.DataFrame(
        {
            "deal_id": [f"D{i:08d}" for i in range(d)],
            "customer_id": cids[customer],
            "type": kind,
            "arr_delta": _money(magnitude),
            "currency": currency[customer],
            "booked_on": _iso(booked),
            "effective_on": _iso(booked + rng.integers(0, 31, d)),
        }
    )

    # KPIs: PRs per CSM; ~5% have no value this quarter.
    has_kpi = rng.random(size.csms) >= 0.05
    frames["kpis"] = pd.DataFrame(
        {"period": PERIOD, "employee_id": csm_ids, "kpi": "prs", "value": rng.integers(0, 16, size.csms)}
    )[has_kpi]
    jitter = 1 + rng.uniform(-0.02, 0.02, len(CURRENCIES))
    frames["fx"] = pd.DataFrame(
        {
            "period": PERIOD,
            "currency": list(CURRENCIES),
            "rate": [
                "1" if code == "USD" else f"{centre * j:.6g}"
                for (code, centre), j in zip(CURRENCIES.items(), jitter, strict=True)
            ],
        }
    )

    frames["assignments"] = assignments(rng, csm_ids)

    directory.mkdir(parents=True, exist_ok=True)
    for name, table in frames.items():
        table.to_csv(directory / f"{name}.csv", index=False, float_format="%.2f")
    return {name: len(table) for name, table in frames.items()}


def assignments(rng: np.random.Generator, csm_ids: np.ndarray) -> pd.DataFrame:
    """CSM n on plan n mod 3 for the whole year; ~5% join and ~3% leave mid-quarter; ~3% move to the
    next plan on 2024-07-01 (an assignment to each plan, both prorated); a few goal overrides."""
    m = len(csm_ids)
    joins, leaves = rng.random(m) < 0.05, rng.random(m) < 0.03
    leaves &= ~joins
    moves = ~joins & ~leaves & (rng.random(m) < 0.03)
    if not moves.any():  # S is small: still move one CSM (the last one that can), so CI covers it
        moves[np.flatnonzero(~joins & ~leaves)[-1]] = True
    plan = np.arange(m) % len(PLAN_CODES)
    frame = pd.DataFrame(
        {
            "employee_id": csm_ids,
            "plan": np.array(PLAN_CODES)[plan],
            "start_date": np.where(joins, "2024-06-01", FY_START.isoformat()),
            "end_date": np.where(leaves, "2024-06-30", np.where(moves, "2024-06-30", "")),
            "on_target_amount": np.array([2500, 3000, 3750, 4000, 5000])[rng.integers(0, 5, m)],
            "nrr_goal": np.where(rng.random(m) < 0.1, "1.08", ""),
            "kpi_goal": np.where(rng.random(m) < 0.1, "12", ""),
        }
    )
    moved = frame[moves].assign(
        plan=np.array(PLAN_CODES)[(plan[moves] + 1) % len(PLAN_CODES)], start_date="2024-07-01", end_date=""
    )
    return pd.concat([frame, moved], ignore_index=True)


def quarter_days() -> int:
    return (Q_END - Q_START).days + 1


def window_start(days: int = 90) -> date:
    return Q_END - timedelta(days=days)
