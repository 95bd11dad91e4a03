"""Benchmark: import a large `scores` file — by default L's 1,300,000 rows over 100,000 customers (issue:
under 60 s on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench DEBUG=1 \\
        .venv/bin/python benchmarks/import_scores.py [--rows 1300000] [--customers 100000]

Migrates the database, creates the customers it needs (``BENCH…`` ids), writes the CSV in a temporary
directory, imports it, imports it again (nothing changes), and prints elapsed seconds and peak RSS.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from adoption.models import Customer, ScoreObservation  # noqa: E402
from commissions.services.imports import import_file  # noqa: E402


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


def write_scores(path: Path, rows: int, customers: int) -> None:
    days = rows // customers + 1
    first = date(2021, 2, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("customer_id,as_of,score\n")
        written = 0
        for day in range(days):
            as_of = (first + timedelta(days=day)).isoformat()
            for n in range(customers):
                if written == rows:
                    return
                out.write(f"BENCH{n:07d},{as_of},{(n * 7 + day * 13) % 10001 / 100:.2f}\n")
                written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_300_000)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    ScoreObservation.objects.filter(customer__customer_id__startswith="BENCH").delete()
    existing = set(
        Customer.objects.filter(customer_id__startswith="BENCH").values_list("customer_id", flat=True)
    )
    Customer.objects.bulk_create(
        [
            Customer(customer_id=f"BENCH{n:07d}", name=f"Bench {n}", geo="AMER", start_date=date(2019, 1, 1))
            for n in range(args.customers)
            if f"BENCH{n:07d}" not in existing
        ],
        batch_size=5000,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.csv"
        write_scores(path, args.rows, args.customers)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"file: {args.rows:,} rows, {args.customers:,} customers, {size_mb:.1f} MB")
        print(f"peak RSS before import: {peak_rss_mb():.0f} MB")
        for attempt in ("first import", "re-import"):
            started = time.perf_counter()
            result = import_file(kind="scores", path=path)
            elapsed = time.perf_counter() - started
            print(f"{attempt}: {elapsed:.1f} s — {result.summary}; peak RSS {peak_rss_mb():.0f} MB")
    stored = ScoreObservation.objects.filter(customer__customer_id__startswith="BENCH").count()
    print(f"stored score rows: {stored:,}")


if __name__ == "__main__":
    main()
