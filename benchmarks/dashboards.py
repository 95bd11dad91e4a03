"""Benchmark: server time and SQL queries of each dashboard with a company loaded (issue 5 §6).

    psql -h 127.0.0.1 -U postgres -c 'create database attain_bench_dash'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_dash DEBUG=1 \\
        .venv/bin/python benchmarks/dashboards.py --setup [--size M] [--seed 1] [-n 10] [--cold 5]
    # the large company with one Geo VP over 700 CSMs (--setup takes several minutes for L):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_dash_l DEBUG=1 \\
        .venv/bin/python benchmarks/dashboards.py --setup --size L --csvp-csms 700

Data: with ``--setup`` the script FLUSHES the database and loads the company exactly as
``benchmarks/quarter_close.py`` does (its ``setup``: benchmarks/company.py → ``import_file``, the
thirds plan, the approved FY25 snapshot), then pulls and calculates FY25-Q2 so the console has a run
to show. Without ``--setup`` it uses the data already there: run ``quarter_close.py --size M`` (or
this script with ``--setup``) on the same DATABASE_URL first. ``--csvp-csms N`` then moves CSMs (with the
customers they own) into the measured Geo VP's geo until it holds N CSMs — a different company shape
built here, so benchmarks/company.py stays as the other benchmarks use it.

Measure: for each dashboard whose URL resolves (/console/ as ops, /my/ as a CSM, /team/ as a CSVP,
/company/ as the cco; each with ?period=FY25-Q2), through ``django.test.Client`` with ``force_login``:

- cold: ``--cold`` times, change an input (a no-op ``UPDATE`` of one customer: it stamps the inputs, so
  every cached projection is out of date) and time the first request after it;
- warm: one warm-up request, then ``-n`` requests (served from the cache where the page caches);
- prewarmed (/my/ and /team/): change an input, run the background warm-up (``dashboards.warm.warm``,
  what the Celery task does after imports, pulls and applied requests) and time the first request.

Median and p95 (nearest rank) server time in ms, and the SQL queries of one cold and one warm request
(``CaptureQueriesContext``). The cache is Django's: Redis when REDIS_URL is set, else local memory.
Prints a table, then one JSON line.
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
from adoption.models import Customer, Ownership  # noqa: E402
from commissions.models import Plan, Run  # noqa: E402
from commissions.services.periods import get_period  # noqa: E402
from commissions.services.pulls import pull_scores  # noqa: E402
from commissions.services.runs import calculate  # noqa: E402
from dashboards.warm import warm  # noqa: E402

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


def grow_geo(csvp: User, size: int) -> int:
    """Move CSMs of other geos, with the customers they own at the quarter's end, into ``csvp``'s geo until
    it holds ``size`` CSMs. Returns how many CSMs the geo holds."""
    period = get_period(PERIOD)
    csms = User.objects.filter(roles__role=Role.CSM, is_active=True).distinct()
    have = csms.filter(geo=csvp.geo).count()
    if have < size:
        movers = list(
            csms.exclude(geo=csvp.geo).order_by("employee_id").values_list("pk", flat=True)[: size - have]
        )
        User.objects.filter(pk__in=movers).update(geo=csvp.geo)
        owned = Ownership.objects.filter(employee_id__in=movers, start_date__lte=period.end)
        Customer.objects.filter(pk__in=owned.values("customer_id")).update(geo=csvp.geo)
    return csms.filter(geo=csvp.geo).count()


def touch() -> None:
    """Change an input without changing any figure: stamps the inputs, so every cached projection is stale."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE adoption_customer SET name = name WHERE id = (SELECT min(id) FROM adoption_customer)"
        )


def timed(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    status = client.get(url).status_code
    return (time.perf_counter() - started) * 1000, status


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1),
    }


def measure(url: str, user: User, n: int, cold_n: int, prewarm: bool) -> dict:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm-up: templates, connection, lazily created rows
    cold = []
    for _ in range(cold_n):
        touch()
        cold.append(timed(client, url)[0])
    touch()
    cold_queries = queries(client, url)
    warm_times, status = [], 0
    for _ in range(n):
        elapsed, status = timed(client, url)
        warm_times.append(elapsed)
    result = {
        "url": url,
        "user": user.email,
        "status": status,
        "cold": summary(cold),
        "warm": summary(warm_times),
        "cold_queries": cold_queries,
        "queries": queries(client, url),
    }
    if prewarm:
        touch()
        started = time.perf_counter()
        warmed = warm(get_period(PERIOD))
        result["warm_task_s"] = round(time.perf_counter() - started, 2)
        result["warm_task_entries"] = warmed["warmed"]
        result["prewarmed_first_ms"] = round(timed(client, url)[0], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="FLUSH the database and load the company")
    parser.add_argument("--size", default="M", choices=("S", "M", "L"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-n", type=int, default=10, help="timed warm requests per dashboard")
    parser.add_argument("--cold", type=int, default=5, help="timed first requests after a data change")
    parser.add_argument(
        "--csvp-csms", type=int, default=0, help="move CSMs into the Geo VP's geo until it holds this many"
    )
    parser.add_argument("--pages", default="console,my,team,company", help="comma-separated pages to time")
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
    geo_csms = None
    if args.csvp_csms:
        geo_csms = grow_geo(people["csvp"], args.csvp_csms)
        print(f"{people['csvp'].email}: {geo_csms} CSMs in {people['csvp'].geo}")
    pages = [("/console/", "ops"), ("/my/", "csm"), ("/team/", "csvp"), ("/company/", "cco")]
    wanted = {f"/{page.strip()}/" for page in args.pages.split(",")}
    results = []
    for path, persona in pages:
        if path not in wanted:
            continue
        if not resolves(path):
            print(f"{path}: not routed yet, skipped")
            continue
        prewarm = path in ("/my/", "/team/")
        results.append(measure(f"{path}?period={PERIOD}", people[persona], args.n, args.cold, prewarm))
    header = (
        f"{'dashboard':<24} {'status':>6} {'cold med':>9} {'cold p95':>9} {'warm med':>9} {'warm p95':>9}"
        f" {'queries c/w':>11} {'prewarmed':>10}"
    )
    print(f"{header}  warm p95 < {BUDGET_MS} ms")
    for r in results:
        ok = "yes" if r["warm"]["p95_ms"] < BUDGET_MS else "NO"
        prewarmed = f"{r['prewarmed_first_ms']:.1f}ms" if "prewarmed_first_ms" in r else "-"
        print(
            f"{r['url']:<24} {r['status']:>6} {r['cold']['median_ms']:>7.1f}ms {r['cold']['p95_ms']:>7.1f}ms"
            f" {r['warm']['median_ms']:>7.1f}ms {r['warm']['p95_ms']:>7.1f}ms"
            f" {r['cold_queries']:>5}/{r['queries']:<5} {prewarmed:>10}  {ok}"
        )
        if "warm_task_s" in r:
            print(
                f"{'':<24} background warm-up: {r['warm_task_s']} s, {r['warm_task_entries']} cache entries"
            )
    from django.conf import settings

    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        json.dumps(
            {
                "size": args.size,
                "n": args.n,
                "cold": args.cold,
                "geo_csms": geo_csms,
                "cache": cache,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
