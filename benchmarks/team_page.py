"""Benchmark: the Geo VP's team page (``/team/``) cold and warm, as ratios to a reference of the same run.

    # once: the large company, with one Geo VP over 700 CSMs (about 35,000 customers; several minutes)
    createdb -h 127.0.0.1 -U postgres attain_bench_team
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_team DEBUG=1 \\
        .venv/bin/python benchmarks/dashboards.py --setup --size L --csvp-csms 700 --pages team
    # then, as often as needed (the data stays):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_team DEBUG=1 \\
        .venv/bin/python benchmarks/team_page.py [--rounds 5] [-n 10]

Each round:

- reference: a plain ``SELECT customer_id, name`` of the geo's customers, fetched to Python through a
  cursor (what reading the page's rows costs at least), timed right before the cold request;
- cold: change an input (a no-op ``UPDATE`` of one customer: it stamps the inputs, so every cached
  figure is out of date) and time the first ``/team/`` request after it — it computes the geo's
  projection and at-risk list in the request;
- warm: ``-n`` more requests, served from the cache.

The figures are ratios of medians to the reference's median (the machine is shared: its speed varies
from one run to the next, a ratio much less), with the milliseconds beside them. Server time only
(``django.test.Client``, in process). Also checks that the cold page's figures equal the uncached
computation (``dashboards.projection.compute`` and ``selectors._at_risk``). Prints a table, then one
JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from adoption.models import Customer  # noqa: E402

PERIOD = "FY25-Q2"


def _dashboards_benchmark():
    """benchmarks/dashboards.py as a module (its name would shadow the ``dashboards`` app)."""
    path = ROOT / "benchmarks" / "dashboards.py"
    spec = importlib.util.spec_from_file_location("dashboards_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(geo: str) -> float:
    """ms to read the geo's customers' ids and names: the floor under any page that lists them."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, name FROM {Customer._meta.db_table} WHERE geo = %s",  # noqa: S608
            [geo],
        )
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def figures_match(vp: User, day: date) -> bool:
    """The page's figures (leaderboard payouts, at-risk rows) equal the uncached computation."""
    from commissions.services.periods import get_period
    from dashboards.projection import compute
    from dashboards.team import selectors

    period = get_period(PERIOD)
    client = Client()
    client.force_login(vp)
    context = client.get(f"/team/?period={PERIOD}").context
    shown = {(row["employee_id"], row["plan"]): row["payout"] for row in context["board"].rows}
    csms = selectors.geo_csms(vp, vp.geo)
    fresh = {
        (row["employee_id"], projection.plan.code): Decimal(row["total"])
        for projection in compute(period, [person.pk for person in csms])
        if projection.result is not None
        for row in projection.result.payouts.to_dict("records")
    }
    risky = selectors._at_risk(vp, vp.geo, period, min(day, period.end), selectors.DEFAULT_GAP)
    return shown == fresh and context["tables"]["at_risk"].rows == risky


def ratio(times: list[float], ref: float) -> dict:
    median = statistics.median(times)
    return {"median_ms": round(median, 1), "max_ms": round(max(times), 1), "ratio": round(median / ref, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="cold requests (one data change each)")
    parser.add_argument("-n", type=int, default=10, help="warm requests after each cold one")
    parser.add_argument("--today", default="2024-07-31", help="the day the page tracks (in FY25-Q2)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("team_page.py runs on PostgreSQL only: set DATABASE_URL=postgres://…")
    pinned = date.fromisoformat(args.today)
    timezone.localdate = lambda *a, **k: pinned
    logging.getLogger("axes").setLevel(logging.WARNING)
    setup_test_environment()  # lets the test client's "testserver" host through ALLOWED_HOSTS
    bench = _dashboards_benchmark()
    vp = bench.personas()["csvp"]
    csms = User.objects.filter(geo=vp.geo, roles__role=Role.CSM, is_active=True).distinct().count()
    customers = Customer.objects.filter(geo=vp.geo).count()
    client = Client()
    client.force_login(vp)
    url = f"/team/?period={PERIOD}"
    client.get(url)  # templates, the connection, lazily created rows
    refs, cold, warm = [], [], []
    for _ in range(args.rounds):
        refs += [reference(vp.geo) for _ in range(3)]
        bench.touch()
        cold.append(timed(client, url))
        warm += [timed(client, url) for _ in range(args.n)]
    ref = statistics.median(refs)
    result = {
        "geo": vp.geo,
        "csms": csms,
        "customers": customers,
        "rounds": args.rounds,
        "n": args.n,
        "reference_ms": round(ref, 1),
        "cold": ratio(cold, ref),
        "warm": ratio(warm, ref),
        "figures_equal_uncached": figures_match(vp, pinned),
    }
    print(f"/team/ of {vp.geo}: {csms} CSMs, {customers} customers; reference (SELECT of them) {ref:.1f} ms")
    for name in ("cold", "warm"):
        r = result[name]
        print(
            f"{name:<5} median {r['median_ms']:>8.1f} ms  max {r['max_ms']:>8.1f} ms"
            f"  = {r['ratio']:>6.1f} × ref"
        )
    print(f"figures equal the uncached computation: {result['figures_equal_uncached']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
