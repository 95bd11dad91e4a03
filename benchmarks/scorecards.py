"""Benchmark: daily scorecard scores at size L — 100,000 customers, a quarter of daily usage for 4 metrics
(≈36 million ``UsageRecord`` rows), two scorecards (docs/performance.md "Scorecards").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_sc DEBUG=1 \\
        .venv/bin/python benchmarks/scorecards.py --setup          # once: customers, usage (COPY), milestones
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_sc DEBUG=1 \\
        .venv/bin/python benchmarks/scorecards.py [--sample-days 7]
    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/12 DEBUG=1 \
        .venv/bin/python benchmarks/scorecards.py --sample-days 92 --workers 2  # the quarter, on 2 workers

Times ``compute_day`` for the quarter's last day (both scorecards, every customer, the commission
scorecard's scores fed into the adoption scores), then a backfill of ``--sample-days`` days of the quarter
(``compute_days``, extrapolated to the quarter; ``--sample-days 92`` is the whole quarter) in this process,
or with ``--workers N`` split over N Celery worker processes as ``start_computation`` splits it. Each
is the days' first computation (their stored scores are deleted first) and is followed by a DuckDB lower
bound that reads the same rows from PostgreSQL and computes the same scores in SQL with exact integer
arithmetic. Every score must equal the lower bound's to the cent (asserted, a day at a time). Prints
seconds and the peak RSS of the process that computed (this one, or the largest worker's).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from adoption.models import (  # noqa: E402
    CommissionScorecard,
    Customer,
    DailyScore,
    MilestoneRecord,
    Scorecard,
    ScorecardVersion,
    ScoreFeedWarning,
    ScoreObservation,
    ScoreSource,
    UsageRecord,
)
from adoption.scorecards.computing import compute_day, compute_days  # noqa: E402
from adoption.scorecards.loading import load_scorecard, spec_of  # noqa: E402
from adoption.scoring.definition import MILESTONE, BandPoints, ScorecardSpec  # noqa: E402

CUSTOMERS = 100_000
FIRST, LAST = date(2026, 5, 1), date(2026, 7, 31)  # FY27-Q2: the fiscal year starts in February
METRICS = ("active_users", "licensed_seats", "monthly_active_users", "logins")
CORE = """
code: bench_core
name: Bench core adoption
version: 1
effective_from: 2026-02-01
criteria:
  - {code: util, name: Utilisation, kind: measure, measure: license_utilisation, window_days: 30, weight: 3,
     points: {linear: [[0, 0], [0.5, 40], [0.9, 100]]}, missing: zero}
  - code: dau
    name: DAU/MAU
    kind: measure
    measure: dau_mau
    window_days: 30
    weight: 2
    missing: exclude
    points:
      bands:
        - {lower: 0, upper: 0.1, points: 10, label: low}
        - {upper: 0.3, points: 55.5, label: mid}
        - {upper: 1, points: 100, label: high}
  - {code: weeks, name: Weeks active, kind: measure, measure: weeks_active, window_weeks: 4, weight: 2,
     points: {linear: [[0, 0], [1, 100]]}, missing: zero}
  - {code: sso, name: SSO integrated, kind: milestone, milestone: sso_integrated, weight: 1}
"""
HEALTH = """
code: bench_health
name: Bench health
version: 1
effective_from: 2026-02-01
criteria:
  - code: util7
    name: Utilisation this week
    kind: measure
    measure: license_utilisation
    window_days: 7
    weight: 2
    missing: exclude
    points:
      bands:
        - {lower: 0, upper: 0.25, points: 0, label: red}
        - {upper: 0.6, points: 50, label: amber}
        - {upper: 1, points: 100, label: green}
  - {code: dau7, name: DAU/MAU this week, kind: measure, measure: dau_mau, window_days: 7, weight: 1,
     points: {linear: [[0, 0], [0.7, 100]]}, missing: zero}
  - {code: onboarded, name: Onboarded, kind: milestone, milestone: onboarding_done, weight: 2}
"""


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- setup -------------------------------------------------------------------------------------------------


def setup(customers: int = CUSTOMERS) -> None:
    """Customers, a quarter of usage written with COPY a block of customers at a time (so the primary key's
    index grows in order), milestones, the two scorecards; core is FY27's commission scorecard."""
    call_command("migrate", verbosity=0)
    if not Customer.objects.filter(customer_id__startswith="SC").exists():
        Customer.objects.bulk_create(
            (
                Customer(
                    customer_id=f"SC{n:07d}", name=f"Scored {n}", geo="AMER", start_date=date(2019, 1, 1)
                )
                for n in range(customers)
            ),
            batch_size=10_000,
        )
    ids = np.array(
        Customer.objects.filter(customer_id__startswith="SC")
        .order_by("customer_id")
        .values_list("pk", flat=True)
    )
    if not UsageRecord.objects.exists():
        started = time.perf_counter()
        for low in range(0, len(ids), 2_000):
            _copy_usage(ids, np.arange(low, min(low + 2_000, len(ids))))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {UsageRecord._meta.db_table}")
        rows = UsageRecord.objects.count()
        print(f"usage: {rows:,} rows written in {time.perf_counter() - started:.0f} s")
    if not MilestoneRecord.objects.exists():
        milestones = []
        for n, pk in enumerate(ids.tolist()):
            if n % 3:
                achieved = date(2026, 3, 1) + timedelta(days=n % 150)
                lost = achieved + timedelta(days=20 + n % 40) if n % 7 == 0 else None
                milestones.append(
                    MilestoneRecord(
                        customer_id=pk, criterion="sso_integrated", achieved_on=achieved, lost_on=lost
                    )
                )
            if n % 4 != 1:
                milestones.append(
                    MilestoneRecord(
                        customer_id=pk,
                        criterion="onboarding_done",
                        achieved_on=date(2026, 1, 1) + timedelta(days=n % 200),
                    )
                )
        MilestoneRecord.objects.bulk_create(milestones, batch_size=10_000)
    for text in (CORE, HEALTH):
        load_scorecard(text, user=None)
    if not CommissionScorecard.objects.filter(fiscal_year="FY27").exists():
        CommissionScorecard.objects.create(
            fiscal_year="FY27", scorecard=Scorecard.objects.get(code="bench_core")
        )
    ScoreSource.objects.update_or_create(
        fiscal_year="FY27", defaults={"source": ScoreSource.Source.SCORECARD}
    )


def _copy_usage(ids: np.ndarray, block: np.ndarray) -> None:
    """The block's usage, customer by customer and day by day: utilisation sometimes above 100 %, days
    without seats or active users, MAU 0 on some days, customers with logins only and with no usage."""
    days = (LAST - FIRST).days + 1
    n = np.repeat(block, days)
    t = np.tile(np.arange(days), len(block))
    seats = 10 + n % 90
    active = (n * 7 + t * 13) % (seats + 5)
    mau = np.where((n % 23 == 0) & (t % 2 == 0), 0, seats + n % 11)
    logins = active * 3 + t % 5
    gap = (n + t) % 13 == 0  # no active users and no seats that day
    silent = n % 50 == 0  # no usage at all
    logins_only = n % 50 == 1
    frames = []
    for metric, values, keep in (
        ("active_users", active, ~gap & ~silent & ~logins_only),
        ("licensed_seats", seats, ~gap & ~silent & ~logins_only),
        ("monthly_active_users", mau, ~silent & ~logins_only),
        ("logins", logins, ~silent),
    ):
        frames.append(
            pd.DataFrame({"customer_id": ids[n[keep]], "t": t[keep], "metric": metric, "value": values[keep]})
        )
    usage = pd.concat(frames).sort_values(["customer_id", "t", "metric"], kind="stable")
    usage["date"] = (pd.Timestamp(FIRST) + pd.to_timedelta(usage["t"], unit="D")).dt.strftime("%Y-%m-%d")
    buffer = io.StringIO()
    usage[["customer_id", "date", "metric", "value"]].to_csv(buffer, sep="\t", header=False, index=False)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {UsageRecord._meta.db_table} (customer_id, date, metric, value) FROM STDIN", buffer
        )


# --- the DuckDB lower bound ---------------------------------------------------------------------------------


def _fetch(sql: str, params: list) -> io.BytesIO:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.cursor.mogrify(sql, params).decode()
        cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    return buffer


def lower_bound(specs: list[tuple[int, ScorecardSpec]], first: date, last: date, on_day) -> tuple[float, int]:
    """Each day's scores computed by DuckDB from the same PostgreSQL rows (usage of the days the windows
    read, milestones, customers), handed to ``on_day(day, {(scorecard id, customer id): score in cents})``
    a day at a time. Returns the seconds DuckDB took (reading included, ``on_day`` not) and the scores."""
    started = time.perf_counter()
    longest = max(spec.longest_window_days for _, spec in specs)
    start = first - timedelta(days=longest - 1)
    db = duckdb.connect()
    usage = _fetch(
        f"SELECT customer_id, date - %s, metric, value FROM {UsageRecord._meta.db_table} "  # noqa: S608, E501
        "WHERE date BETWEEN %s AND %s",
        [start, start, last],
    )
    db.execute(
        "CREATE TABLE u AS SELECT * FROM read_csv(?, columns = {'c': 'BIGINT', 'd': 'INTEGER', "
        "'metric': 'VARCHAR', 'value': 'BIGINT'}, header = false)",
        [_spill(usage, "usage")],
    )
    # One row per customer and day with usage; the metrics side by side.
    db.execute(
        "CREATE TABLE p AS SELECT c, d, max(value) FILTER (metric = 'active_users') AS active, "
        "max(value) FILTER (metric = 'licensed_seats') AS seats, "
        "max(value) FILTER (metric = 'monthly_active_users') AS mau FROM u GROUP BY c, d"
    )
    milestones = _fetch(
        f"SELECT customer_id, criterion, achieved_on - %s, lost_on - %s FROM {MilestoneRecord._meta.db_table}",  # noqa: S608, E501
        [start, start],
    )
    db.execute(
        "CREATE TABLE m AS SELECT * FROM read_csv(?, columns = {'c': 'BIGINT', 'milestone': 'VARCHAR', "
        "'achieved': 'INTEGER', 'lost': 'INTEGER'}, header = false)",
        [_spill(milestones, "milestones")],
    )
    db.execute("CREATE TABLE cu AS SELECT * FROM range(0) t(c)")
    ids = np.array(Customer.objects.values_list("pk", flat=True))
    db.register("customer_ids", pd.DataFrame({"c": ids}))
    db.execute("CREATE OR REPLACE TABLE cu AS SELECT c FROM customer_ids")
    elapsed, count = 0.0, 0
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        d = (day - start).days
        result: dict[tuple, int | None] = {}
        for scorecard_id, spec in specs:
            for c, cents in db.execute(_score_sql(spec, d)).fetchall():
                result[(scorecard_id, c)] = cents
        elapsed += time.perf_counter() - started
        count += len(result)
        on_day(day, result)
        started = time.perf_counter()
    return elapsed, count


def _spill(buffer: io.BytesIO, name: str) -> str:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"attain_bench_sc_{name}.csv"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _half_up_div(numerator: str, denominator: str) -> str:
    """Integer half-up division of non-negative integers: floor((2n + d) / 2d)."""
    return f"((2 * ({numerator}) + ({denominator})) // (2 * ({denominator})))"


def _points_sql(value: str, mapping) -> str:
    """Points in cents for a value in millionths, per docs/design.md §9.2."""
    if isinstance(mapping, BandPoints):
        cases = " ".join(
            f"WHEN {value} <= {int(band.upper * 10**6)} THEN {int(band.points * 100)}"
            for band in mapping.bands
        )
        return f"(CASE {cases} ELSE {int(mapping.bands[-1].points * 100)} END)"
    knots = [(int(v * 10**6), int(p * 100)) for v, p in mapping.knots]
    assert all(b[1] >= a[1] for a, b in zip(knots, knots[1:], strict=False)), "rising points only"
    cases = [f"WHEN {value} <= {knots[0][0]} THEN {knots[0][1]}"]
    for (v0, p0), (v1, p1) in zip(knots, knots[1:], strict=False):
        cases.append(
            f"WHEN {value} <= {v1} THEN {_half_up_div(f'{p0} * {v1 - v0} + ({value} - {v0}) * {p1 - p0}', str(v1 - v0))}"  # noqa: E501
        )
    return f"(CASE {' '.join(cases)} ELSE {knots[-1][1]} END)"


def _score_sql(spec: ScorecardSpec, d: int) -> str:
    measures, parts = [], []
    for i, criterion in enumerate(spec.criteria):
        if criterion.kind == MILESTONE:
            met = (
                f"EXISTS (SELECT 1 FROM m WHERE m.c = cu.c AND m.milestone = '{criterion.milestone}' "
                f"AND m.achieved <= {d} AND (m.lost IS NULL OR m.lost > {d}))"
            )
            parts.append((f"(CASE WHEN {met} THEN 10000 ELSE 0 END)", criterion.weight, "zero"))
            continue
        days = criterion.window_days or 7 * criterion.window_weeks
        age = f"({d} - d)"
        window = f"d BETWEEN {d - days + 1} AND {d}"
        if criterion.measure == "license_utilisation":
            both = "active IS NOT NULL AND seats > 0"
            num, den = f"sum(least(active, seats)) FILTER ({both})", f"sum(seats) FILTER ({both})"
        elif criterion.measure == "dau_mau":
            both = "active IS NOT NULL AND mau > 0"
            num, den = f"sum(active) FILTER ({both})", f"sum(mau) FILTER ({both})"
        elif criterion.measure == "weeks_active":
            num, den = f"count(DISTINCT {age} // 7) FILTER (active > 0)", f"{criterion.window_weeks}"
            den = f"(CASE WHEN count(*) > 0 THEN {criterion.window_weeks} END)"
        else:
            raise ValueError("the benchmark's lower bound covers the measures its scorecards use")
        measures.append(
            f"LEFT JOIN (SELECT c, {num} AS n, {den} AS q FROM p WHERE {window} GROUP BY c) x{i} ON x{i}.c = cu.c"  # noqa: E501
        )
        ratio = f"(CASE WHEN x{i}.q > 0 THEN {_half_up_div(f'x{i}.n * 1000000', f'x{i}.q')} END)"
        parts.append(
            (
                f"(CASE WHEN {ratio} IS NOT NULL THEN {_points_sql(ratio, criterion.points)} END)",
                criterion.weight,
                criterion.missing.rule,
            )
        )
    weighted, weights = [], []
    for points, weight, rule in parts:
        if rule == "zero":
            weighted.append(f"{weight} * coalesce({points}, 0)")
            weights.append(f"{weight}")
        else:  # exclude: the criterion counts only when measured
            weighted.append(f"coalesce({weight} * {points}, 0)")
            weights.append(f"(CASE WHEN {points} IS NOT NULL THEN {weight} ELSE 0 END)")
    total, weight = " + ".join(weighted), " + ".join(weights)
    return (
        f"SELECT cu.c, CASE WHEN ({weight}) > 0 THEN {_half_up_div(total, weight)} END FROM cu "
        + " ".join(measures)
    )


# --- the run


def stored(day: date) -> dict[tuple, int | None]:
    rows = DailyScore.objects.filter(day=day).values_list("scorecard_id", "customer_id", "score")
    return {
        (s, c): None if score is None else int(score * 100)
        for s, c, score in rows.iterator(chunk_size=50_000)
    }


def compare(day: date, bound: dict) -> None:
    ours = stored(day)
    assert ours.keys() == bound.keys(), f"{day}: {len(ours.keys() ^ bound.keys())} scores only on one side"
    wrong = [(k, ours[k], bound[k]) for k in ours if ours[k] != bound[k]]
    assert not wrong, f"{day}: {len(wrong)} scores differ, e.g. {wrong[:5]}"


def forget(first: date, last: date) -> None:
    """Delete the days' stored scores, so that what is timed is their first computation."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DailyScore._meta.db_table} WHERE day BETWEEN %s AND %s", [first, last])  # noqa: S608, E501
        cursor.execute(f"VACUUM {DailyScore._meta.db_table}")


def reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def start_workers(count: int) -> list[tuple[subprocess.Popen, Path]]:
    """``count`` Celery worker processes (solo pool) on this database and REDIS_URL's broker."""
    from config.celery import app

    app.control.purge()  # nothing left over from another run
    workers = []
    for n in range(count):
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"attain_bench_sc_worker{n}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery", "--pool", "solo"]
        command += ["-n", f"bench{n}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]
        with log.open("w") as out:
            workers.append((subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT), log))
    deadline = time.monotonic() + 120
    while not all("ready." in log.read_text() for _, log in workers):
        if time.monotonic() > deadline:
            raise SystemExit(
                "the Celery workers did not start; see " + ", ".join(str(log) for _, log in workers)
            )
        time.sleep(0.5)
    return workers


def worker_peak_mb(workers) -> float:
    peaks = []
    for process, _ in workers:
        with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
            peaks += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")]
    return max(peaks, default=0.0)


def backfill_on_workers(first: date, last: date, workers: int) -> None:
    """``start_computation``'s split: one ``compute_scores_shard`` task per customer range, waited for."""
    from celery import group

    from adoption.scorecards.computing import customer_ranges
    from adoption.tasks import compute_scores_shard

    tasks = group(
        compute_scores_shard.s(first.isoformat(), last.isoformat(), low, high, None, None)
        for low, high in customer_ranges(workers)
    )
    tasks.apply_async().get(timeout=None, disable_sync_subtasks=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="build the data (once)")
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="customers --setup makes (size L)")
    parser.add_argument("--sample-days", type=int, default=7, help="days of the quarter's backfill timed")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="time the backfill split over this many Celery worker processes instead (needs REDIS_URL)",
    )
    args = parser.parse_args()
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if connection.vendor != "postgresql" or not name.startswith("attain_bench"):
        raise SystemExit("Run on PostgreSQL, on a database whose name starts with attain_bench.")
    if args.setup:
        setup(args.customers)
        return
    if args.workers and not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "--workers needs REDIS_URL (a broker the workers share), e.g. redis://127.0.0.1:6379/12"
        )
    specs = [
        (v.scorecard_id, spec_of(v))
        for v in ScorecardVersion.objects.filter(scorecard__code__startswith="bench_")
    ]
    quarter_days = (LAST - FIRST).days + 1
    print(
        f"database: {name}; usage rows: {UsageRecord.objects.count():,}; customers: {Customer.objects.count():,}"  # noqa: E501
    )

    forget(LAST, LAST)
    reset_peak_rss()
    started = time.perf_counter()
    done = compute_day(LAST)
    day_s = time.perf_counter() - started
    print(f"one day ({LAST}), both scorecards: {day_s:.1f} s — {done.rows}; peak RSS {peak_rss_mb():.0f} MB")
    bound_s, count = lower_bound(specs, LAST, LAST, compare)
    fed = ScoreObservation.objects.filter(as_of=LAST, source__startswith="scorecard bench_core").count()
    print(
        f"  DuckDB lower bound: {bound_s:.1f} s; ratio {day_s / bound_s:.1f}×; {count:,} scores equal to the cent"  # noqa: E501
    )
    print(f"  adoption scores fed: {fed:,}; warnings: {ScoreFeedWarning.objects.filter(day=LAST).count()}")

    first = LAST - timedelta(days=args.sample_days - 1)
    for label, workers in [
        (f"{args.workers} Celery workers", args.workers) if args.workers else ("one process", 0)
    ]:
        forget(first, LAST)
        reset_peak_rss()
        started_workers = start_workers(workers) if workers else []
        try:
            started = time.perf_counter()
            if workers:
                backfill_on_workers(first, LAST, workers)
            else:
                compute_days(first, LAST)
            sample_s = time.perf_counter() - started
            peak = worker_peak_mb(started_workers) if workers else peak_rss_mb()
        finally:
            for process, _ in started_workers:
                process.terminate()
                process.wait(60)
        print(
            f"backfill of {args.sample_days} days ({first} … {LAST}), {label}: {sample_s:.1f} s, "
            f"{sample_s / args.sample_days:.1f} s a day → the quarter's {quarter_days} days ≈ "
            f"{sample_s / args.sample_days * quarter_days / 60:.1f} min; peak RSS {peak:.0f} MB"
            + (" (a worker)" if workers else "")
        )
        bound_sample_s, count = lower_bound(specs, first, LAST, compare)
        print(
            f"  DuckDB lower bound: {bound_sample_s:.1f} s; ratio {sample_s / bound_sample_s:.1f}×; "
            f"{count:,} scores equal to the cent"
        )


if __name__ == "__main__":
    main()
