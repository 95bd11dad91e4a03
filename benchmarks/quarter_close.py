"""Benchmark: close a quarter — import, pull, calculate every plan, close, export — for a company of a size.

    psql -h 127.0.0.1 -U postgres -c 'create database attain_bench_q'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_q DEBUG=1 \\
        .venv/bin/python benchmarks/quarter_close.py --size M [--seed 1] [--profile measure.prof]

Import (timed per file): refuses anything but PostgreSQL, migrates and FLUSHES the database, writes a
synthetic company (benchmarks/company.py: three plans, five currencies) as CSV files and imports them
with ``import_file``, loads the plans with ``load_plan`` and approves the FY25 snapshot as the cco.
Close (timed per step, in a fresh subprocess so its peak memory is its own): ``pull_scores``, then
``calculate`` of each plan (with the run's load/engine/write timings), ``close_period`` as ops, and the
payroll export (``write_payouts``, summary and detail). References, in the same run: the in-memory
lower bound (lower_bound.py: float64 pandas from the CSV files) and, on S and M, the per-customer ORM
loop (orm_loop.py). All three must agree to the cent for every CSM and plan. Prints a summary with the
ratios and targets, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from company import CCO, FISCAL_YEAR, KINDS, OPS, PERIOD, PLAN_CODES, SIZES, plan_yaml, write_company  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from lower_bound import lower_bound_payouts, read_company  # noqa: E402
from orm_loop import orm_loop_payouts  # noqa: E402

from accounts.models import User, UserRole  # noqa: E402
from adoption.services import approve_snapshot  # noqa: E402
from commissions.models import (  # noqa: E402
    FxRate,
    Payout,
    Period,
    Plan,  # noqa: E402
    Run,
)
from commissions.services.close import close_period  # noqa: E402
from commissions.services.corrections import apply_correction, record_correction  # noqa: E402
from commissions.services.export import write_payouts  # noqa: E402
from commissions.services.imports import ImportRefused, import_file  # noqa: E402
from commissions.services.periods import get_period  # noqa: E402
from commissions.services.plans import load_plan  # noqa: E402
from commissions.services.pulls import pull_scores  # noqa: E402
from commissions.services.runs import Calculation, calculate  # noqa: E402
from commissions.services.shards import start_sharded_run, wait_for  # noqa: E402
from commissions.services.signoff import sign_off_payouts  # noqa: E402

Payouts = dict[tuple[str, str], Decimal]  # (employee_id, plan code) → total payout in the plan currency

# Targets of the scale issue (2-core machine): L end to end, L peak memory, calculate vs the lower bound,
# and the import of L's score rows.
TARGET_END_TO_END_S = 60.0
TARGET_PEAK_MB = 2048.0
TARGET_LOWER_BOUND_RATIO = 3.0
TARGET_SCORE_IMPORT_S = 60.0
ORM_LOOP_SIZES = ("S", "M")
# The ratio is judged where there is volume: at S (1,000 customers, 0.1 s a run) each run's fixed cost,
# some forty queries and three commits, outweighs the arithmetic. The summary prints it at every size.
RATIO_SIZES = ("M", "L")


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


# --- import ---------------------------------------------------------------------------------------


def setup(*, size: str, seed: int, directory: Path) -> dict:
    """Migrate and FLUSH the database, write the company into ``directory`` and import it."""
    if connection.vendor != "postgresql":
        sys.exit("quarter_close.py runs on PostgreSQL only: set DATABASE_URL=postgres://… (it FLUSHES it).")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    flushed = time.perf_counter()
    rows = write_company(size=SIZES[size], seed=seed, directory=directory)
    generated = time.perf_counter()
    generate_peak = peak_rss_mb()
    # The import's own peak, not the generator's (pandas frames of the whole company).
    import_peak = reset_peak_rss()
    peaks: dict[str, float] = {}
    cpu = time.process_time()
    imports = load_company(directory, peaks=peaks)
    cpu = time.process_time() - cpu  # this process's CPU: the rest of the import is PostgreSQL's
    return {
        "rows": rows,
        "migrate_flush_s": flushed - started,
        "generate_s": generated - flushed,
        "import_s": imports,
        "import_total_s": sum(imports.values()),
        "import_files_s": sum(imports[kind] for kind in KINDS),
        "import_peak_rss_mb": peaks,
        "import_cpu_s": cpu,
        "setup_s": time.perf_counter() - started,
        "generate_peak_rss_mb": generate_peak,
        "setup_peak_rss_mb": max(generate_peak, *peaks.values()),
        "import_only_peak_rss_mb": max(peaks.values()) if import_peak else None,
    }


def reset_peak_rss() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ≥ 4.0); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def load_company(directory: Path, peaks: dict[str, float] | None = None) -> dict[str, float]:
    """Import the company's files, load its plans, approve its snapshot; seconds per step.

    No flush and no migrate: the CI test calls this on the pytest database. ``peaks``, if given, gets
    each step's peak RSS in MB (the high-water mark is reset before each step where Linux allows it).
    """
    seconds: dict[str, float] = {}
    for kind in (*KINDS, "plans", "assignments", "approve"):
        if peaks is not None:
            reset_peak_rss()
        began = time.perf_counter()
        if kind == "plans":
            for code in PLAN_CODES:
                load_plan(source=plan_yaml(code), file_name=f"{code}.yaml")
        elif kind == "approve":
            approve_snapshot(fiscal_year=FISCAL_YEAR, user=User.objects.get(employee_id=CCO))
        else:
            # The employees file gives roles: an admin's act (accounts.access.may_change_roles).
            importer = _admin() if kind == "employees" else None
            import_file(kind=kind, path=directory / f"{kind}.csv", user=importer)
        seconds[kind] = time.perf_counter() - began
        if peaks is not None:
            peaks[kind] = peak_rss_mb()
    return seconds


def reimport_company(directory: Path) -> dict[str, float]:
    """Import the nine files again; seconds per file. Nothing changes, nothing is written, and the
    targets file is refused whole: its snapshot was approved (DESIGN §3 "Target snapshots")."""
    seconds: dict[str, float] = {}
    for kind in KINDS:
        importer = _admin() if kind == "employees" else None
        began = time.perf_counter()
        try:
            result = import_file(kind=kind, path=directory / f"{kind}.csv", user=importer)
        except ImportRefused as refused:
            if kind != "targets" or "frozen" not in str(refused):
                raise
        else:
            if result.created or result.updated:
                sys.exit(f"re-import of {kind} wrote rows: {result.summary}")
        seconds[kind] = time.perf_counter() - began
    return seconds


def import_stage(*, size: str, seed: int) -> dict:
    """``--import-only``: the import stage alone, a re-import, a re-import once FY25-Q2 is closed (each
    row checked against what the closed quarter read), and the reference of the same run (pandas reading
    the same CSV files); per-file seconds and peak memory."""
    with tempfile.TemporaryDirectory(prefix="attain-quarter-close-") as tmp:
        directory = Path(tmp)
        figures = setup(size=size, seed=seed, directory=directory)
        figures["reimport_s"] = reimport_company(directory)
        # Closed as a row, without pull, runs or close: only the imports' closed-quarter check is timed.
        period = get_period(PERIOD)
        ops = User.objects.get(employee_id=OPS)
        Period.objects.filter(pk=period.pk).update(
            status=Period.Status.CLOSED, closed_at=now(), closed_by=ops
        )
        reset_peak_rss()
        figures["reimport_closed_s"] = reimport_company(directory)
        figures["reimport_closed_peak_rss_mb"] = peak_rss_mb()
        began = time.perf_counter()
        read_company(directory)
        figures["reference_read_csv_s"] = time.perf_counter() - began
    return figures


def import_summary(size: str, s: dict) -> str:
    """The import stage's table: seconds, peak memory and the ratio to pandas reading the CSVs."""
    reference = s["reference_read_csv_s"]
    lines = [
        f"size {size}: import stage ({connection.settings_dict['NAME']}, {os.cpu_count()} cores)",
        "",
        f"{'file':<14}{'rows':>11}{'import s':>10}{'peak MB':>9}{'re-import s':>13}{'closed s':>10}",
    ]
    for kind in KINDS:
        lines.append(
            f"{kind:<14}{s['rows'][kind]:>11,}{s['import_s'][kind]:>10.2f}{s['import_peak_rss_mb'][kind]:>9.0f}"
            f"{s['reimport_s'][kind]:>13.2f}{s['reimport_closed_s'][kind]:>10.2f}"
        )
    total, again = s["import_files_s"], sum(s["reimport_s"].values())
    closed = sum(s["reimport_closed_s"].values())
    rest = sum(s["import_s"][kind] for kind in ("plans", "assignments", "approve"))
    peak = max(s["import_peak_rss_mb"].values())
    lines += [
        f"{'nine files':<25}{total:>10.2f}{peak:>9.0f}{again:>13.2f}{closed:>10.2f}",
        f"(re-import: nothing changes, targets refused as frozen; closed: the same with {PERIOD} closed, "
        f"peak {s['reimport_closed_peak_rss_mb']:.0f} MB)",
        f"plans + assignments + approve: {rest:.2f} s; CPU time of this process for the import: "
        f"{s['import_cpu_s']:.2f} s (the rest is PostgreSQL)",
        f"reference, pandas reading the same CSV files: {reference:.2f} s; "
        f"import ÷ reference {total / reference:.1f}x, re-import ÷ reference {again / reference:.1f}x",
        f"peak memory: generator {s['generate_peak_rss_mb']:.0f} MB, import "
        f"{s['import_only_peak_rss_mb'] or s['setup_peak_rss_mb']:.0f} MB (VmHWM)",
    ]
    return "\n".join(lines)


def _admin() -> User:
    """The admin who imports the people, made as ``createsuperuser`` makes the first one."""
    admin = User.objects.filter(email="benchmark.admin@example.com").first()
    return admin or User.objects.create_superuser(email="benchmark.admin@example.com", password=None)


# --- the measured quarter close -------------------------------------------------------------------


def calculate_plan(*, period: Period, plan: Plan, shards: int = 1) -> Calculation:
    """Calculate one plan's run: in this process, or split into ``shards`` shards for the workers.

    Sharded: ``plan_sharded_run``, one ``calculate_shard`` task per shard on the ``shards`` queue, then
    wait for the run to finish. With REDIS_URL the shard workers (``--workers``) take them; without it
    Celery runs them here, one after the other.
    """
    if shards <= 1:
        return calculate(period=period, plan=plan, trigger="benchmark")
    calc = start_sharded_run(period=period, plan=plan, shards=shards, trigger="benchmark")
    run = wait_for(calc.run, timeout=3600, poll=0.05)
    if run.status != Run.Status.SUCCEEDED:
        sys.exit(f"sharded run of {plan.code} failed: {run.error}")
    return calc


class ShardWorkers:
    """``workers`` Celery worker processes on the shards queue (solo pool), for a sharded benchmark."""

    def __init__(self, workers: int):
        self.processes: list[subprocess.Popen] = []
        if workers <= 0:
            return
        if not os.environ.get("REDIS_URL"):
            sys.exit("--workers needs REDIS_URL (a real broker): the shards travel through it.")
        for n in range(workers):
            command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "shards"]
            command += ["--pool", "solo", "-n", f"bench{n}@%h", "--without-gossip", "--without-mingle"]
            self.processes.append(
                subprocess.Popen(
                    command,
                    cwd=Path(__file__).resolve().parent.parent,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(8)  # let them connect before the first shard is queued

    def peak_rss_mb(self) -> list[int]:
        peaks = []
        for process in self.processes:
            status = Path(f"/proc/{process.pid}/status")
            for line in status.read_text().splitlines() if status.exists() else []:
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) // 1024)
        return peaks

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(60)


def close_quarter(*, directory: Path, shards: int = 1) -> dict:
    """Pull, calculate every plan, close as ops and export FY25-Q2; the figures of each step.

    The export files (``payroll.csv``, ``payroll-detail.csv``) are written into ``directory``.
    """
    period = get_period(PERIOD)
    began = time.perf_counter()
    pull = pull_scores(period=period, trigger="benchmark")
    figures: dict = {"pulled_customers": pull.customers, "pull_s": time.perf_counter() - began, "plans": {}}
    for plan in Plan.objects.filter(code__in=PLAN_CODES).order_by("code"):
        started = time.perf_counter()
        run = calculate_plan(period=period, plan=plan, shards=shards).run
        figures["plans"][plan.code] = {
            "run_id": run.pk,
            "seconds": time.perf_counter() - started,
            "timings_ms": run.timings,
            "warnings": len(run.warnings),
            "payouts": run.payouts.count(),
            "currency": plan.currency,
        }
    figures["calculate_s"] = sum(p["seconds"] for p in figures["plans"].values())
    started = time.perf_counter()
    close_period(period=period, user=User.objects.get(employee_id=OPS))
    figures["close_s"] = time.perf_counter() - started
    period.refresh_from_db()
    # The payroll export waits for finance's sign-off (DESIGN §5); the company has no finance person.
    finance = User.objects.filter(email="finance@bench.example").first() or User.objects.create_user(
        email="finance@bench.example", name="Bench finance"
    )
    UserRole.objects.get_or_create(user=finance, role="finance")
    sign_off_payouts(period=period, user=finance, comment="Benchmark: totals reviewed before the export.")
    for name, detail in (("export", False), ("export_detail", True)):
        started = time.perf_counter()
        path = directory / ("payroll-detail.csv" if detail else "payroll.csv")
        with path.open("w", encoding="utf-8", newline="") as out:
            figures[f"{name}_rows"] = write_payouts(period, out, detail=detail)
        figures[f"{name}_s"] = time.perf_counter() - started
    figures["end_to_end_s"] = (
        figures["pull_s"] + figures["calculate_s"] + figures["close_s"] + figures["export_s"]
    )
    figures.update(restate_quarter(period))
    return figures


def restate_quarter(period: Period) -> dict:
    """Record and apply a correction of the closed quarter that every plan reads (the GBP rate, 1% up):
    each plan is restated and the differences written as true-ups in the next quarter (issue 14)."""
    get_period(PERIOD[:-1] + str(int(PERIOD[-1]) + 1))  # the open quarter the true-ups are paid in
    ops = User.objects.get(employee_id=OPS)
    rate = FxRate.objects.get(period=PERIOD, currency="GBP").rate * Decimal("1.01")
    started = time.perf_counter()
    correction = record_correction(
        period=period,
        kind="fx",
        rows=[{"currency": "GBP", "rate": str(rate)}],
        reason="GBP rate restated",
        user=ops,
    )
    recorded = time.perf_counter()
    trueups = apply_correction(correction=correction, user=ops)
    return {
        "record_correction_s": recorded - started,
        "apply_correction_s": time.perf_counter() - recorded,
        "trueups": len(trueups),
        "restatements": Run.objects.filter(period=period, is_restatement=True).count(),
    }


def measure(directory: Path, profile: str | None, shards: int) -> dict:
    """``close_quarter`` (in the fresh process the script starts), with its peak memory and a profile."""
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    figures = close_quarter(directory=directory, shards=shards)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    figures.update(peak_rss_mb=peak_rss_mb(), ru_maxrss_mb=ru_maxrss_mb())
    return figures


def run_measure_subprocess(directory: Path, profile: str | None, shards: int, workers: int = 0) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(directory)]
    command += ["--shards", str(shards)] + (["--profile", profile] if profile else [])
    pool = ShardWorkers(workers)
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
        worker_peaks = pool.peak_rss_mb()
    finally:
        pool.stop()
    if done.returncode != 0:
        sys.exit(f"measure phase failed:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures.update(shards=shards, workers=workers, worker_peak_rss_mb=worker_peaks)
    return figures


# --- the three results and their agreement --------------------------------------------------------


def engine_payouts(run_ids: list[int]) -> Payouts:
    """The runs' Payout rows."""
    rows = Payout.objects.filter(run_id__in=run_ids).values_list(
        "employee__employee_id", "run__plan__code", "amount"
    )
    return {(eid, code): amount for eid, code, amount in rows}


def exported_payouts(path: Path) -> Payouts:
    """The payroll export's rows (what payroll is paid)."""
    with path.open(encoding="utf-8", newline="") as file:
        return {
            (row["employee_id"], row["plan"]): Decimal(row["amount"])
            for row in csv.DictReader(file)
            if row["type"] == "commission"
        }


def references(directory: Path, *, orm_loop: bool) -> tuple[dict, Payouts, Payouts | None]:
    """The lower bound (timed: CSV reads, then each plan) and, if asked, the ORM loop (timed)."""
    figures: dict = {}
    began = time.perf_counter()
    tables = read_company(directory)
    figures["lower_bound_read_s"] = time.perf_counter() - began
    per_plan: dict[str, float] = {}
    lower = lower_bound_payouts(tables, per_plan)
    figures["lower_bound_plan_s"] = per_plan
    figures["lower_bound_compute_s"] = sum(per_plan.values())
    loop = None
    if orm_loop:
        started = time.perf_counter()
        loop = orm_loop_payouts(period_code=PERIOD)
        figures["orm_loop_s"] = time.perf_counter() - started
    return figures, lower, loop


def agreement(results: dict[str, Payouts]) -> dict:
    """Compare every (CSM, plan) payout across ``results``: exact Decimal equality, to the cent."""
    keys = sorted(set().union(*(r.keys() for r in results.values())))
    disagreements = []
    for key in keys:
        amounts = {name: r.get(key) for name, r in results.items()}
        if len(set(amounts.values())) != 1:
            disagreements.append({"csm": key[0], "plan": key[1], **{k: str(v) for k, v in amounts.items()}})
    sums: dict[str, dict[str, str]] = {}
    for name, r in results.items():
        for code in PLAN_CODES:
            sums.setdefault(code, {})[name] = str(
                sum((a for (_, p), a in r.items() if p == code), Decimal(0))
            )
    return {
        "compared": list(results),
        "keys": len(keys),
        "agree": len(keys) - len(disagreements),
        "disagreements": disagreements[:20],
        "sums": sums,
    }


def agree(*, directory: Path, run_ids: list[int], orm_loop: bool) -> tuple[dict, dict]:
    """The references, and their agreement with the runs and the payroll export."""
    figures, lower, loop = references(directory, orm_loop=orm_loop)
    results = {"engine": engine_payouts(run_ids), "export": exported_payouts(directory / "payroll.csv")}
    results["lower_bound"] = lower
    if loop is not None:
        results["orm_loop"] = loop
    return figures, agreement(results)


# --- report ---------------------------------------------------------------------------------------


def verdicts(size: str, s: dict, m: dict, ref: dict) -> dict[str, tuple[str, bool]]:
    """The issue's targets, judged on this run (time and memory targets apply to L)."""
    lower = ref["lower_bound_read_s"] + ref["lower_bound_compute_s"]
    checks = {}
    if size in RATIO_SIZES:
        checks["calculate within 3x of the lower bound (read + compute)"] = (
            f"{m['calculate_s'] / lower:.1f}x",
            m["calculate_s"] / lower <= TARGET_LOWER_BOUND_RATIO,
        )
    if size == "L":
        checks["end to end (pull + calculate + close + export) < 60 s"] = (
            f"{m['end_to_end_s']:.1f} s",
            m["end_to_end_s"] < TARGET_END_TO_END_S,
        )
        checks["peak memory of the close < 2 GiB"] = (
            f"{m['peak_rss_mb']:.0f} MB",
            m["peak_rss_mb"] < TARGET_PEAK_MB,
        )
        checks["import of the score rows < 60 s"] = (
            f"{s['import_s']['scores']:.1f} s",
            s["import_s"]["scores"] < TARGET_SCORE_IMPORT_S,
        )
    return checks


def _row(label: str, seconds: float) -> str:
    return f"{label:<46}{seconds:>10.2f}"


def summary(size: str, s: dict, m: dict, ref: dict, agreed: dict) -> str:
    spec, rows = SIZES[size], s["rows"]
    lines = [
        f"size {size}: {spec.csms:,} CSMs, {spec.customers:,} customers, {rows['deals']:,} deals, "
        f"{rows['scores']:,} score rows, {len(PLAN_CODES)} plans ({connection.settings_dict['NAME']}, "
        f"{os.cpu_count()} cores)",
        "",
        f"{'step':<46}{'seconds':>10}",
        f"{'import, all files + plans + approval':<46}{s['import_total_s']:>10.2f}",
        _row(f"  of which scores ({rows['scores']:,} rows)", s["import_s"]["scores"]),
        f"{'pull_scores':<46}{m['pull_s']:>10.2f}",
    ]
    if m.get("shards", 1) > 1:
        lines.append(
            f"(each run in {m['shards']} shards; {m['workers'] or 'no'} worker processes, "
            f"their peak memory {m['worker_peak_rss_mb'] or '—'} MB)"
        )
    for code, p in m["plans"].items():
        t = p["timings_ms"]
        lines.append(f"{'calculate ' + code + ' (' + p['currency'] + ')':<46}{p['seconds']:>10.2f}")
        lines.append(
            f"{'  load / engine / write (run timings)':<46}"
            f"{t.get('load_ms', 0) / 1000:>6.2f} / {t.get('calculate_ms', 0) / 1000:.2f} / "
            f"{t.get('write_ms', 0) / 1000:.2f}"
        )
    lines += [
        f"{'calculate, all plans':<46}{m['calculate_s']:>10.2f}",
        f"{'close_period':<46}{m['close_s']:>10.2f}",
        f"{'export payroll (' + str(m['export_rows']) + ' rows)':<46}{m['export_s']:>10.2f}",
        _row(f"export payroll --detail ({m['export_detail_rows']:,} rows)", m["export_detail_s"]),
        f"{'end to end (pull + calculate + close + export)':<46}{m['end_to_end_s']:>10.2f}",
        _row("record a correction (effect: restate all plans)", m["record_correction_s"]),
        _row(
            f"apply it ({m['restatements']} restatements, {m['trueups']:,} true-ups)", m["apply_correction_s"]
        ),
        f"{'lower bound: read CSVs':<46}{ref['lower_bound_read_s']:>10.2f}",
        f"{'lower bound: compute, all plans':<46}{ref['lower_bound_compute_s']:>10.2f}",
    ]
    if "orm_loop_s" in ref:
        lines.append(f"{'per-customer ORM loop, all plans':<46}{ref['orm_loop_s']:>10.2f}")
    lower = ref["lower_bound_read_s"] + ref["lower_bound_compute_s"]
    lines += [
        "",
        f"peak memory of the close process: {m['peak_rss_mb']:.0f} MB (VmHWM); import process "
        f"{s['setup_peak_rss_mb']:.0f} MB",
        f"ratios: calculate / lower bound (read + compute) {m['calculate_s'] / lower:.1f}x, "
        f"calculate / lower bound compute {m['calculate_s'] / ref['lower_bound_compute_s']:.1f}x"
        + (
            f", ORM loop / calculate {ref['orm_loop_s'] / m['calculate_s']:.1f}x"
            if "orm_loop_s" in ref
            else ""
        ),
        f"restatement ratios: record / calculate {m['record_correction_s'] / m['calculate_s']:.1f}x, "
        f"apply / calculate {m['apply_correction_s'] / m['calculate_s']:.1f}x",
        f"agreement ({' = '.join(agreed['compared'])}): {agreed['agree']:,}/{agreed['keys']:,} "
        "(CSM, plan) payouts identical to the cent",
    ]
    lines += [f"  {code}: sums {sums}" for code, sums in agreed["sums"].items()]
    lines += [f"  DIFFERS: {d}" for d in agreed["disagreements"]]
    lines += [
        f"target: {name}: {value} — {'met' if ok else 'NOT met'}"
        for name, (value, ok) in verdicts(size, s, m, ref).items()
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write cProfile stats of the measured close to this file")
    parser.add_argument(
        "--shards", type=int, default=1, help="split each run into N shards (see docs/scale-out.md)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="with --shards: start N shard worker processes (needs REDIS_URL); 0: shards run in-process",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only generate and import the files (then re-import them); seconds and peak memory per file",
    )
    parser.add_argument("--measure", metavar="DIRECTORY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.profile, args.shards)))
        return
    if args.import_only:
        s = import_stage(size=args.size, seed=args.seed)
        print(import_summary(args.size, s))
        print(json.dumps({"benchmark": "quarter_close", "stage": "import", "size": args.size, **s}))
        return

    with tempfile.TemporaryDirectory(prefix="attain-quarter-close-") as tmp:
        directory = Path(tmp)
        s = setup(size=args.size, seed=args.seed, directory=directory)
        imported = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in s["import_s"].items())
        print(
            f"setup: {s['setup_s']:.1f} s — migrate+flush {s['migrate_flush_s']:.1f} s, "
            f"generate {s['generate_s']:.1f} s, imports (s): {imported}",
            flush=True,
        )
        m = run_measure_subprocess(directory, args.profile, args.shards, args.workers)
        run_ids = [p["run_id"] for p in m["plans"].values()]
        ref, agreed = agree(directory=directory, run_ids=run_ids, orm_loop=args.size in ORM_LOOP_SIZES)
    print(summary(args.size, s, m, ref, agreed))
    result = {"benchmark": "quarter_close", "size": args.size, "seed": args.seed, **s}
    result.update(measure=m, references=ref, agreement=agreed)
    print(json.dumps(result, default=str))
    if agreed["agree"] != agreed["keys"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
