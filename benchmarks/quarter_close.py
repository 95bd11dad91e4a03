"""Benchmark: close a quarter — pull scores, calculate and write a run — for a company of a given size.

    psql -h 127.0.0.1 -U postgres -c 'create database attain_bench_q'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_q DEBUG=1 \\
        .venv/bin/python benchmarks/quarter_close.py --size M [--seed 1] [--profile measure.prof]

Setup (timed but not part of the result): refuses anything but PostgreSQL, migrates and FLUSHES the
database, writes a synthetic company (benchmarks/company.py) as CSV files and imports them with
``import_file``, loads a thirds plan with ``load_plan`` and approves the FY25 snapshot as the cco.
Measure, in a fresh subprocess so its peak RSS is its own: ``pull_scores`` then ``calculate`` of FY25-Q2.
Lower bound: the same payouts computed with plain vectorised pandas (float64) from the CSV files, compared
per CSM with the run's Payout rows. Prints a summary table, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from company import (  # noqa: E402
    CCO,
    FISCAL_YEAR,
    KINDS,
    PERIOD,
    PLAN_CODE,
    PLAN_YAML,
    Q_END,
    Q_START,
    SIZES,
    write_company,
)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from adoption.services import approve_snapshot  # noqa: E402
from commissions.models import Plan  # noqa: E402
from commissions.quarters import Payout  # noqa: E402
from commissions.services.imports import import_file  # noqa: E402
from commissions.services.periods import get_period  # noqa: E402
from commissions.services.plans import load_plan  # noqa: E402
from commissions.services.pulls import pull_scores  # noqa: E402
from commissions.services.runs import calculate  # noqa: E402

TARGET_M_SECONDS = 10.0


def peak_rss_mb() -> float:
    """Peak RSS of this process's own memory (VmHWM), in MB.

    Not ``ru_maxrss``: Linux carries it across execve, so a child started from the setup process would
    report the parent's peak at the fork (a 500 MB parent makes every child "use" 500 MB).
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return ru_maxrss_mb()


def ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup(*, size: str, seed: int, directory: Path) -> dict:
    """Flush the database and load the company through the production import path."""
    if connection.vendor != "postgresql":
        sys.exit("quarter_close.py runs on PostgreSQL only: set DATABASE_URL=postgres://… (it FLUSHES it).")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    flushed = time.perf_counter()
    rows = write_company(size=SIZES[size], seed=seed, directory=directory)
    generated = time.perf_counter()
    imports: dict[str, float] = {}
    for kind in (*KINDS, "plan", "assignments", "approve"):
        began = time.perf_counter()
        if kind == "plan":
            load_plan(source=PLAN_YAML, file_name="bench-plan.yaml")
        elif kind == "approve":
            approve_snapshot(fiscal_year=FISCAL_YEAR, user=User.objects.get(employee_id=CCO))
        else:
            import_file(kind=kind, path=directory / f"{kind}.csv")
        imports[kind] = time.perf_counter() - began
    return {
        "rows": rows,
        "migrate_flush_s": flushed - started,
        "generate_s": generated - flushed,
        "import_s": imports,
        "setup_s": time.perf_counter() - started,
    }


def measure(profile: str | None) -> dict:
    """Pull and calculate FY25-Q2 once (run in a fresh process); the figures of the measure phase."""
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    period = get_period(PERIOD)
    plan = Plan.objects.get(code=PLAN_CODE)
    started = time.perf_counter()
    pull = pull_scores(period=period, trigger="benchmark")
    pulled = time.perf_counter()
    calculation = calculate(period=period, plan=plan, trigger="benchmark")
    finished = time.perf_counter()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    run = calculation.run
    amounts = [amount for (amount,) in Payout.objects.filter(run=run).values_list("amount")]
    return {
        "run_id": run.pk,
        "created": calculation.created,
        "pulled_customers": pull.customers,
        "pull_s": pulled - started,
        "calculate_s": finished - pulled,
        "total_s": finished - started,
        "timings_ms": run.timings,
        "warnings": len(run.warnings),
        "peak_rss_mb": peak_rss_mb(),
        "ru_maxrss_mb": ru_maxrss_mb(),
        "payout_rows": len(amounts),
        "csms_paid": sum(1 for amount in amounts if amount > 0),
        "payout_sum": str(sum(amounts)),
    }


def read_company(directory: Path) -> dict[str, pd.DataFrame]:
    dates = {
        "customers": ["start_date"],
        "ownership": ["start_date"],
        "arr": ["as_of"],
        "scores": ["as_of"],
        "deals": ["booked_on"],
        "assignments": ["start_date", "end_date"],
    }
    kinds = ("customers", "ownership", "arr", "targets", "scores", "deals", "kpis", "fx", "assignments")
    return {kind: pd.read_csv(directory / f"{kind}.csv", parse_dates=dates.get(kind)) for kind in kinds}


def _latest(table: pd.DataFrame, column: str, day: pd.Timestamp) -> pd.DataFrame:
    """Per customer, the row with the latest ``column`` ≤ ``day`` (DESIGN §3 "as of" rule)."""
    known = table[table[column] <= day]
    return known.sort_values(["customer_id", column]).drop_duplicates("customer_id", keep="last")


def _cents(amount: pd.Series) -> pd.Series:
    return np.floor(amount * 100 + 0.5 + 1e-7) / 100  # half-up; the epsilon absorbs float noise


def reference_payouts(t: dict[str, pd.DataFrame], window_days: int = 90) -> pd.Series:
    """DESIGN §4 for the benchmark's thirds plan in vectorised float64 pandas: total payout per CSM."""
    start, end = pd.Timestamp(Q_START), pd.Timestamp(Q_END)
    window = end - pd.Timedelta(days=window_days)
    fx = t["fx"][t["fx"]["period"] == PERIOD].set_index("currency")["rate"]
    fx = fx / fx.get("USD", 1.0)

    # §4.1 OTI: amount × days inside the quarter / days of the quarter; goals default to the plan's.
    a = t["assignments"]
    first, last = a["start_date"].clip(lower=start), a["end_date"].fillna(end).clip(upper=end)
    days = ((last - first).dt.days + 1).clip(lower=0)
    a = a.assign(oti=a["on_target_amount"] * days / ((end - start).days + 1))[days > 0]
    csm = (
        a.sort_values("start_date")
        .groupby("employee_id")
        .agg(oti=("oti", "sum"), nrr_goal=("nrr_goal", "last"), kpi_goal=("kpi_goal", "last"))
    )

    # §4.2 book: the owner at the quarter's last day.
    book = _latest(t["ownership"], "start_date", end)[["customer_id", "employee_id"]]
    book = book[book["employee_id"].isin(csm.index)]

    # §4.3 adoption.
    targets = t["targets"][t["targets"]["period"] == PERIOD][
        ["customer_id", "baseline_score", "target_score"]
    ]
    scores = _latest(t["scores"], "as_of", end)[["customer_id", "score"]]
    c = book.merge(targets, on="customer_id", how="left").merge(scores, on="customer_id", how="left")
    b, tg, s = c["baseline_score"], c["target_score"], c["score"]
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(tg > b, (s - b) / (tg - b), np.where(s >= tg, 1.0, 0.0))
    r_target = np.where(s.isna(), 0.0, np.clip(progress, 0.0, 1.5))
    customers = t["customers"]
    new = customers["customer_id"][(customers["start_date"] > window) & (customers["start_date"] <= end)]
    deals = t["deals"]
    expansions = deals[
        (deals["type"] == "expansion") & (deals["booked_on"] > window) & (deals["booked_on"] <= end)
    ]
    protected = c["customer_id"].isin(new) | c["customer_id"].isin(expansions["customer_id"])
    has_target = tg.notna()
    improved = ~has_target & b.notna() & (s > b)
    counted = (has_target & ~(protected & (r_target < 1))) | improved
    r = np.where(has_target, r_target, 1.0)

    def arr_at(day: pd.Timestamp) -> pd.Series:
        rows = _latest(t["arr"], "as_of", day)
        return pd.Series((rows["arr"] * rows["currency"].map(fx)).values, index=rows["customer_id"])

    c["w"] = c["customer_id"].map(arr_at(end)).fillna(0.0)
    c["wr"] = c["w"] * r
    adoption = c[counted].groupby("employee_id")[["wr", "w"]].sum()
    adoption = (adoption["wr"] / adoption["w"])[adoption["w"] > 0]

    # §4.4 NRR: start ARR over the book, Δ of its deals booked in the quarter, both converted.
    s_arr = book["customer_id"].map(arr_at(start)).fillna(0.0).groupby(book["employee_id"]).sum()
    booked = deals[(deals["booked_on"] >= start) & (deals["booked_on"] <= end)].merge(book, on="customer_id")
    delta = (booked["arr_delta"] * booked["currency"].map(fx)).groupby(booked["employee_id"]).sum()
    s_arr = s_arr.reindex(csm.index).fillna(0.0)
    nrr = (s_arr + delta.reindex(csm.index).fillna(0.0)) / s_arr.where(s_arr != 0)
    nrr_goal = csm["nrr_goal"].fillna(1.10)
    nrr_f = ((nrr - 1.0) / (nrr_goal - 1.0)).clip(lower=0.0)  # accelerator 1, no cap: f = attainment

    # §4.5 KPI: value / goal, capped at 1; no value: 0.
    kpis = t["kpis"][(t["kpis"]["period"] == PERIOD) & (t["kpis"]["kpi"] == "prs")]
    value = kpis.set_index("employee_id")["value"].reindex(csm.index).fillna(0.0)
    kpi_f = (value / csm["kpi_goal"].fillna(10.0)).clip(upper=1.0)

    # §4.6–4.7: thirds over the components that apply, each line rounded half-up to cents.
    adoption_f = adoption.reindex(csm.index).clip(upper=1.0)
    factors = pd.DataFrame({"adoption": adoption_f, "nrr": nrr_f, "kpi": kpi_f})
    share = csm["oti"] / factors.notna().sum(axis=1)
    return _cents(factors.mul(share, axis=0)).sum(axis=1)


def compare(reference: pd.Series, run_id: int) -> dict:
    stored = dict(Payout.objects.filter(run_id=run_id).values_list("employee__employee_id", "amount"))
    run = pd.Series({eid: float(amount) for eid, amount in stored.items()}, dtype=float)
    both = pd.concat([run.rename("run"), reference.rename("reference")], axis=1)
    diff = (both["run"] - both["reference"]).abs().fillna(float("inf"))
    worst = diff.idxmax() if len(diff) else ""
    return {
        "csms": len(both),
        "agree": int((diff <= 0.01 + 1e-9).sum()),
        "max_diff": float(diff.max()) if len(diff) else 0.0,
        "worst": worst,
        "reference_sum": round(float(reference.sum()), 2),
    }


def run_measure_subprocess(profile: str | None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure"]
    if profile:
        command += ["--profile", profile]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if done.returncode != 0:
        sys.exit(f"measure phase failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(size: str, setup_figures: dict, m: dict, ref: dict, agreement: dict) -> None:
    spec, rows = SIZES[size], setup_figures["rows"]
    t = m["timings_ms"]
    lines = [
        f"size {size}: {spec.csms:,} CSMs, {spec.customers:,} customers, {rows['deals']:,} deals, "
        f"{rows['scores']:,} score rows ({connection.settings_dict['NAME']}, {os.cpu_count()} cores)",
        "",
        f"{'step':<34}{'seconds':>10}",
        f"{'pull_scores':<34}{m['pull_s']:>10.2f}",
        f"{'calculate (load+engine+write)':<34}{m['calculate_s']:>10.2f}",
        f"{'  load + fingerprint (run timing)':<34}{t.get('load_ms', 0) / 1000:>10.2f}",
        f"{'  engine (run timing)':<34}{t.get('calculate_ms', 0) / 1000:>10.2f}",
        f"{'  write results (run timing)':<34}{t.get('write_ms', 0) / 1000:>10.2f}",
        f"{'end to end (pull + calculate)':<34}{m['total_s']:>10.2f}",
        f"{'pandas lower bound: compute':<34}{ref['compute_s']:>10.2f}",
        f"{'pandas lower bound: read CSVs':<34}{ref['read_s']:>10.2f}",
        "",
        f"peak RSS of the measure process: {m['peak_rss_mb']:.0f} MB (VmHWM; ru_maxrss "
        f"{m['ru_maxrss_mb']:.0f} MB includes the setup process's peak, inherited across fork+exec)",
        f"payout rows {m['payout_rows']:,}, CSMs paid {m['csms_paid']:,}, sum {m['payout_sum']} USD "
        f"(reference {agreement['reference_sum']:,.2f}); run warnings {m['warnings']:,}",
        f"reference agreement: {agreement['agree']:,}/{agreement['csms']:,} CSMs within 0.01, "
        f"largest difference {agreement['max_diff']:.2f} ({agreement['worst']})",
    ]
    if size == "M":
        verdict = "met" if m["total_s"] < TARGET_M_SECONDS else "NOT met"
        lines.append(f"target M < {TARGET_M_SECONDS:.0f} s end to end: {verdict}")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write cProfile stats of the measure phase to this file")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.profile)))
        return

    with tempfile.TemporaryDirectory(prefix="attain-quarter-close-") as tmp:
        directory = Path(tmp)
        setup_figures = setup(size=args.size, seed=args.seed, directory=directory)
        imported = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in setup_figures["import_s"].items())
        print(
            f"setup (not timed in the result): {setup_figures['setup_s']:.1f} s — migrate+flush "
            f"{setup_figures['migrate_flush_s']:.1f} s, generate {setup_figures['generate_s']:.1f} s, "
            f"imports (s): {imported}",
            flush=True,
        )
        measured = run_measure_subprocess(args.profile)
        began = time.perf_counter()
        tables = read_company(directory)
        read = time.perf_counter()
        reference = reference_payouts(tables)
        ref = {"read_s": read - began, "compute_s": time.perf_counter() - read}
    agreement = compare(reference, measured["run_id"])
    summary(args.size, setup_figures, measured, ref, agreement)
    result = {"benchmark": "quarter_close", "size": args.size, "seed": args.seed, **setup_figures}
    result.update(measure=measured, reference=ref, agreement=agreement)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
