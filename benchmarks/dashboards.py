"""Benchmark: server time and SQL queries of each dashboard with the medium company loaded (issue 5 §6).

    psql -h 127.0.0.1 -U postgres -c 'create database attain_bench_dash'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_dash DEBUG=1 \\
        .venv/bin/python benchmarks/dashboards.py --setup [--size M] [--seed 1] [-n 10]

Data: with ``--setup`` the script FLUSHES the database and loads the company exactly as
``benchmarks/quarter_close.py`` does (its ``setup``: benchmarks/company.py → ``import_file``, the
thirds plan, the approved FY25 snapshot), then pulls and calculates FY25-Q2 so the console has a run
to show. Without ``--setup`` it uses the data already there: run ``quarter_close.py --size M`` (or
this script with ``--setup``) on the same DATABASE_URL first.

Measure: for each dashboard whose URL resolves (/console/ as ops, /my/ as a CSM, /team/ as a CSVP,
/company/ as the cco; each with ?period=FY25-Q2), one warm-up request, then ``-n`` requests through
``django.test.Client`` with ``force_login``; median and p95 (nearest rank) server time in ms, and the
SQL queries of one request (``CaptureQueriesContext``). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from company import CCO, OPS, PERIOD, PLAN_CODE  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from commissions.models import Plan, Run  # noqa: E402
from commissions.services.periods import get_period  # noqa: E402
from commissions.services.pulls import pull_scores  # noqa: E402
from commissions.services.runs import calculate  # noqa: E402

BUDGET_MS = 300


def load(size: str, seed: int) -> None:
    from quarter_close import setup

    with tempfile.TemporaryDirectory() as directory:
        figures = setup(size=size, seed=seed, directory=Path(directory))
    print(f"setup: {figures['setup_s']:.1f} s ({figures['rows']})")
    period = get_period(PERIOD)
    pull_scores(period=period, trigger="benchmark")
    run = calculate(period=period, plan=Plan.objects.get(code=PLAN_CODE), trigger="benchmark").run
    print(f"calculated {PERIOD}: run v{run.version}, {len(run.warnings)} warnings")


def personas() -> dict[str, User]:
    def first(role: str) -> User:
        return User.objects.filter(roles__role=role).order_by("employee_id").first()

    return {
        "ops": User.objects.get(employee_id=OPS),
        "cco": User.objects.get(employee_id=CCO),
        "csm": first(Role.CSM),
        "csvp": first(Role.CSVP),
    }


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def measure(url: str, user: User, n: int) -> dict:
    client = Client()
    client.force_login(user)
    status = client.get(url).status_code  # warm-up: templates, caches, connection
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    times.sort()
    return {
        "url": url,
        "user": user.email,
        "status": status,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1),
        "queries": len(captured),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="FLUSH the database and load the company")
    parser.add_argument("--size", default="M", choices=("S", "M", "L"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-n", type=int, default=10, help="timed requests per dashboard")
    parser.add_argument(
        "--today", default="2024-07-31", help="the day the live pages track: inside the company's quarter"
    )
    args = parser.parse_args()
    # The generated company lives in FY25-Q2; the live pages (the team's at-risk list, "my quarter")
    # track the quarter containing today, so pin today inside it.
    from datetime import date

    from django.utils import timezone

    pinned = date.fromisoformat(args.today)
    timezone.localdate = lambda *a, **k: pinned
    if connection.vendor != "postgresql":
        sys.exit("dashboards.py runs on PostgreSQL only: set DATABASE_URL=postgres://…")
    if args.setup:
        load(args.size, args.seed)
    if not Run.objects.filter(period__code=PERIOD, status=Run.Status.SUCCEEDED).exists():
        sys.exit(
            f"No run of {PERIOD}: run with --setup, or benchmarks/quarter_close.py first on this database."
        )
    logging.getLogger("axes").setLevel(logging.WARNING)  # one sign-in line per persona is noise here
    setup_test_environment()  # lets the test client's "testserver" host through ALLOWED_HOSTS
    people = personas()
    pages = [("/console/", "ops"), ("/my/", "csm"), ("/team/", "csvp"), ("/company/", "cco")]
    results = []
    for path, persona in pages:
        if not resolves(path):
            print(f"{path}: not routed yet, skipped")
            continue
        results.append(measure(f"{path}?period={PERIOD}", people[persona], args.n))
    header = f"{'dashboard':<28} {'as':<28} {'status':>6} {'median':>9} {'p95':>9} {'queries':>8}"
    print(f"{header}  < {BUDGET_MS} ms")
    for r in results:
        ok = "yes" if r["p95_ms"] < BUDGET_MS else "NO"
        print(
            f"{r['url']:<28} {r['user']:<28} {r['status']:>6} {r['median_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms"
            f" {r['queries']:>8}  {ok}"
        )
    print(json.dumps({"size": args.size, "n": args.n, "results": results}))


if __name__ == "__main__":
    main()
