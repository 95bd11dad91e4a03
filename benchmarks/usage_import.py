"""Benchmark: import a quarter of daily usage — at L, 100,000 customers × 92 days × 4 metrics, 36.8 million
rows (goal: under 120 s and 2 GiB peak memory on PostgreSQL; docs/performance.md "Usage import").

    createdb -h 127.0.0.1 -U postgres usagebench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/usagebench DEBUG=1 \\
        .venv/bin/python benchmarks/usage_import.py --size M|L [--days 92] [--keep FILE]

Migrates the database, creates the customers it needs (``USAGE…`` ids, by COPY), writes the CSV in a
temporary directory (daily rows, as a product's export writes them: one day after the other), then
measures, each import in a process of its own (its peak RSS is its own):

1. the reference: PostgreSQL's own ``COPY`` of the same CSV into an unindexed table — the lower bound of
   any import, which must also check every row and maintain the usage table's key;
2. the import into an empty usage table (``import_file``, as ``import_csv usage FILE`` does);
3. the same file again: nothing changes (0 created, 0 updated);
4. a dry run of a file with one value changed (1 updated).

Prints a table and one JSON line. It writes to the database it is given: use a scratch database.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pa_csv  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from adoption.models import Customer, UsageRecord  # noqa: E402
from commissions.bulk import insert_rows  # noqa: E402

SIZES = {"S": 1_000, "M": 10_000, "L": 100_000}
METRICS = ("licensed_seats", "active_users", "monthly_active_users", "logins")
FIRST_DAY = date(2026, 2, 1)  # FY27-Q1 of the demo calendar: 92 days to 2026-05-03


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM), in MB; ``ru_maxrss`` where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def customer_ids(count: int) -> list[str]:
    return [f"USAGE{n:07d}" for n in range(count)]


def make_customers(count: int) -> None:
    """The customers the file names, created by COPY (those already there are kept)."""
    ids = customer_ids(count)
    have = set(Customer.objects.filter(customer_id__startswith="USAGE").values_list("customer_id", flat=True))
    missing = [each for each in ids if each not in have]
    rows = [(each, f"Usage {each[5:]}", "AMER", date(2019, 1, 1), "") for each in missing]
    insert_rows(Customer._meta.db_table, ["customer_id", "name", "geo", "start_date", "segment"], rows)


def write_usage(path: Path, customers: int, days: int, seed: int = 1) -> int:
    """A day after the other: each customer's 4 metrics that day. Seats are fixed per customer; active
    users, monthly actives and logins vary by day. Returns the row count."""
    rng = np.random.default_rng(seed)
    ids = pa.array(np.repeat(np.array(customer_ids(customers), dtype=object), len(METRICS)), pa.string())
    metrics = pa.array(np.tile(np.array(METRICS, dtype=object), customers), pa.string())
    seats = rng.integers(5, 2000, customers)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as out:
        out.write(b"customer_id,date,metric,value\n")
        for day in range(days):
            active = (seats * rng.uniform(0.2, 1.1, customers)).astype(np.int64)
            monthly = np.maximum(active, (seats * rng.uniform(0.5, 1.2, customers)).astype(np.int64))
            logins = active * rng.integers(1, 6, customers)
            values = np.column_stack([seats, active, monthly, logins]).reshape(-1)
            stamp = (FIRST_DAY + timedelta(days=day)).isoformat()
            table = pa.table(
                {
                    "customer_id": ids,
                    "date": pa.array([stamp] * len(values), pa.string()),
                    "metric": metrics,
                    "value": pa.array(values, pa.int64()),
                }
            )
            pa_csv.write_csv(table, out, write_options=options)
    return customers * days * len(METRICS)


def child(mode: str, path: str) -> None:
    """One measured step, in this process; prints its JSON figures."""
    from commissions.services.imports import import_file

    started = time.perf_counter()
    if mode == "reference":
        with connection.cursor() as cursor, open(path, "rb") as source:
            cursor.execute(
                "CREATE TEMPORARY TABLE usage_reference"
                " (customer_id varchar(64), date date, metric varchar(80), value bigint)"
            )
            cursor.cursor.copy_expert("COPY usage_reference FROM STDIN WITH (FORMAT csv, HEADER)", source)
            cursor.execute("SELECT COUNT(*) FROM usage_reference")
            rows, created, updated, unchanged = cursor.fetchone()[0], 0, 0, 0
    else:
        result = import_file(kind="usage", path=path, dry_run=mode == "dry-run")
        rows, created, updated, unchanged = result.rows, result.created, result.updated, result.unchanged
    seconds = time.perf_counter() - started
    figures = {"mode": mode, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_rss_mb())}
    print(
        json.dumps({**figures, "rows": rows, "created": created, "updated": updated, "unchanged": unchanged})
    )


def run_child(mode: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--file", str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def change_one_value(source: Path, target: Path) -> None:
    """``source`` with its last row's value plus one."""
    data = source.read_bytes()
    head, last = data.rstrip(b"\n").rsplit(b"\n", 1)
    fields = last.split(b",")
    fields[-1] = str(int(fields[-1]) + 1).encode()
    target.write_bytes(head + b"\n" + b",".join(fields) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="M")
    parser.add_argument("--days", type=int, default=92)
    parser.add_argument("--keep", help="also keep the generated CSV at this path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://…")

    call_command("migrate", verbosity=0)
    customers = SIZES[args.size]
    make_customers(customers)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(UsageRecord._meta.db_table)}")
    connection.close()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.csv"
        started = time.perf_counter()
        rows = write_usage(path, customers, args.days)
        seconds, size = time.perf_counter() - started, path.stat().st_size / 1e6
        print(f"wrote {rows:,} rows, {size:,.0f} MB in {seconds:.0f} s")
        if args.keep:
            Path(args.keep).write_bytes(path.read_bytes())
        steps = [
            ("reference", "PostgreSQL COPY of the CSV into an unindexed table", path),
            ("import", "import into the empty usage table", path),
            ("import", "the same file again (nothing changes)", path),
        ]
        changed = Path(tmp) / "usage-changed.csv"
        change_one_value(path, changed)
        steps.append(("dry-run", "dry run of the file with one value changed", changed))
        results = []
        for mode, label, file in steps:
            figures = run_child(mode, file)
            results.append({"step": label, **figures})
            print(
                f"{label:<52} {figures['seconds']:>7.1f} s {figures['peak_rss_mb']:>7,} MB"
                f"  rows {figures['rows']:,}: {figures['created']:,} created, {figures['updated']:,} updated,"
                f" {figures['unchanged']:,} unchanged"
            )
    reference, first = results[0]["seconds"], results[1]["seconds"]
    print(f"import / reference COPY: {first / reference:.1f}x")
    print(
        json.dumps(
            {"size": args.size, "customers": customers, "days": args.days, "rows": rows, "steps": results}
        )
    )


if __name__ == "__main__":
    main()
