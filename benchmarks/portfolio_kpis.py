"""Benchmark: one day of portfolio KPIs and segments at size L — 100,000 customers of 500 CSMs in 3 geos, a
quarter of daily usage (≈36 million ``UsageRecord`` rows, the scorecard benchmark's data), activities,
one segment per rule (docs/performance.md "Portfolio KPIs and segments").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/attain_bench_kpi DEBUG=1 \\
        .venv/bin/python benchmarks/scorecards.py --setup        # once: customers, usage, milestones
    DATABASE_URL=… DEBUG=1 .venv/bin/python benchmarks/portfolio_kpis.py --setup   # once: CSMs, books, …
    DATABASE_URL=… DEBUG=1 .venv/bin/python benchmarks/portfolio_kpis.py

Times ``compute_kpi_days`` for the quarter's last day (every KPI for every CSM, geo and the company) and
the segments' evaluation of that day (every segment, its memberships, the plays' tasks), each the day's
first computation (its rows are deleted first). Then a DuckDB lower bound reads the same rows from
PostgreSQL and computes the same KPIs per portfolio in SQL with exact integer arithmetic; every stored KPI
must equal the lower bound's (asserted). Prints seconds, the ratio and the peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scorecards as sc  # noqa: E402  (sets Django up)
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from adoption.models import (  # noqa: E402
    Activity,
    Customer,
    Ownership,
    Play,
    PlayTask,
    PortfolioKpiDay,
    Segment,
    SegmentEvaluation,
    SegmentMembership,
    UsageRecord,
)

CSMS, GEOS = 500, ("AMER", "EMEA", "APAC")
DAY = sc.LAST
SEGMENTS = [
    ("past_onboarding", "Past onboarding", "past_onboarding", {}),
    ("usage_drop", "Utilisation dropped", "usage_drop", {"measure": "utilisation", "drop_percent": 20}),
    ("frequency_drop", "Frequency dropped", "usage_drop", {"measure": "frequency", "drop_percent": 20}),
    ("top_usage", "Top customers by usage", "top_usage", {"top": 1000}),
    ("low_utilisation", "Low utilisation", "low_utilisation", {}),
    ("rising_utilisation", "Rising utilisation", "rising_utilisation", {}),
    ("low_engagement", "Low engagement after onboarding", "low_engagement_after_onboarding", {}),
    ("key_user_left", "Key user left", "key_user_left", {}),
]


def setup() -> None:
    """CSMs with books (customer n → CSM n mod 500), geos, activities, one segment per rule, a play."""
    if not User.objects.filter(employee_id__startswith="KB").exists():
        User.objects.bulk_create(
            User(email=f"kb{n}@bench.example", name=f"CSM {n}", employee_id=f"KB{n:04d}", geo=GEOS[n % 3])
            for n in range(CSMS)
        )
    csms = list(
        User.objects.filter(employee_id__startswith="KB").order_by("employee_id").values_list("pk", flat=True)
    )
    ids = list(
        Customer.objects.filter(customer_id__startswith="SC")
        .order_by("customer_id")
        .values_list("pk", flat=True)
    )
    if not Ownership.objects.exists():
        Ownership.objects.bulk_create(
            (
                Ownership(customer_id=pk, employee_id=csms[n % CSMS], start_date=date(2019, 1, 1))
                for n, pk in enumerate(ids)
            ),
            batch_size=10_000,
        )
        with connection.cursor() as cursor:
            for geo in GEOS:
                cursor.execute(
                    f"UPDATE {Customer._meta.db_table} c SET geo = %s FROM {Ownership._meta.db_table} o "  # noqa: S608
                    "WHERE o.customer_id = c.id "
                    "AND o.employee_id IN (SELECT id FROM accounts_user WHERE geo = %s)",
                    [geo, geo],
                )
    if not Activity.objects.exists():
        rows = []
        for n, pk in enumerate(ids):
            if n % 4 != 1:
                rows.append(
                    Activity(
                        customer_id=pk,
                        date=date(2026, 1, 1) + timedelta(days=n % 200),
                        type="onboarding_completed",
                    )
                )
            if n % 3 == 0:
                rows.append(
                    Activity(customer_id=pk, date=date(2026, 5, 1) + timedelta(days=n % 80), type="qbr")
                )
            if n % 97 == 0:
                rows.append(Activity(customer_id=pk, date=date(2026, 7, 20), type="key_user_left"))
        Activity.objects.bulk_create(rows, batch_size=10_000)
    for code, name, rule, params in SEGMENTS:
        Segment.objects.update_or_create(code=code, defaults={"name": name, "rule": rule, "params": params})
    Play.objects.update_or_create(
        code="lift_utilisation",
        defaults={
            "segment": Segment.objects.get(code="low_utilisation"),
            "name": "Lift utilisation",
            "tasks": [
                {"title": "Call the sponsor", "due_days": 7},
                {"title": "Run a training", "due_days": 21},
            ],
        },
    )


def forget(day: date) -> None:
    """The day's KPIs, and every membership, evaluation and task from the day on."""
    with transaction.atomic():
        PortfolioKpiDay.objects.filter(day=day).delete()
        PlayTask.objects.filter(created_on__gte=day).delete()
        SegmentMembership.objects.filter(entered_on__gte=day).delete()
        SegmentMembership.objects.filter(left_on__gte=day).update(left_on=None)
        SegmentEvaluation.objects.filter(day__gte=day).delete()
    with connection.cursor() as cursor:  # the deleted rows of earlier runs would slow the next one
        for model in (PortfolioKpiDay, PlayTask, SegmentMembership, SegmentEvaluation):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def lower_bound(day: date) -> tuple[float, dict[tuple[str, str, str], Decimal | None]]:
    """The KPIs of every portfolio on ``day`` computed by DuckDB from the same PostgreSQL rows: the usage
    rows they need (active users D − 27 … D, every metric on D and D − 30), the books, the activities.
    Returns the seconds and ``{(level, key, kpi): value}`` for the KPIs compared."""
    import duckdb

    started = time.perf_counter()
    start = day - timedelta(days=30)
    db = duckdb.connect()
    # Only the rows these KPIs need: active users in the 4 weeks to D, and all three metrics on D − 30.
    usage = sc._fetch(
        f"SELECT customer_id, date - %s, metric, value FROM {UsageRecord._meta.db_table} "  # noqa: S608
        "WHERE (date BETWEEN %s AND %s AND metric = 'active_users') OR (date IN (%s, %s) "
        "AND metric IN ('active_users', 'licensed_seats', 'monthly_active_users'))",
        [start, day - timedelta(days=27), day, start, day],
    )
    db.execute(
        "CREATE TABLE u AS SELECT * FROM read_csv(?, columns = {'c': 'BIGINT', 'd': 'INTEGER', "
        "'metric': 'VARCHAR', 'value': 'BIGINT'}, header = false)",
        [sc._spill(usage, "kpi_usage")],
    )
    books = sc._fetch(
        "SELECT DISTINCT ON (o.customer_id) o.customer_id, u.employee_id, c.geo "  # noqa: S608
        f"FROM {Ownership._meta.db_table} o JOIN accounts_user u ON u.id = o.employee_id "
        f"JOIN {Customer._meta.db_table} c ON c.id = o.customer_id "
        "WHERE o.start_date <= %s ORDER BY o.customer_id, o.start_date DESC",
        [day],
    )
    db.execute(
        "CREATE TABLE b AS SELECT * FROM read_csv(?, "
        "columns = {'c': 'BIGINT', 'csm': 'VARCHAR', 'geo': 'VARCHAR'}, header = false)",
        [sc._spill(books, "kpi_books")],
    )
    activities = sc._fetch(
        f"SELECT customer_id, date - %s, type FROM {Activity._meta.db_table} WHERE date <= %s",  # noqa: S608
        [start, day],
    )
    db.execute(
        "CREATE TABLE a AS SELECT * FROM read_csv(?, "
        "columns = {'c': 'BIGINT', 'd': 'INTEGER', 'type': 'VARCHAR'}, header = false)",
        [sc._spill(activities, "kpi_activities")],
    )
    d = (day - start).days
    quarter_start = (date(2026, 5, 1) - start).days
    db.execute(
        "CREATE TABLE p AS SELECT c, d, max(value) FILTER (metric = 'active_users') AS active, "
        "max(value) FILTER (metric = 'licensed_seats') AS seats, "
        "max(value) FILTER (metric = 'monthly_active_users') AS mau FROM u GROUP BY c, d"
    )
    per_customer = f"""
        SELECT b.c, b.csm, b.geo,
          coalesce(t.seats > 0 AND t.active IS NOT NULL, false) AS has_util,
          CASE WHEN t.seats > 0 AND t.active IS NOT NULL THEN least(t.active, t.seats) ELSE 0 END AS ua,
          CASE WHEN t.seats > 0 AND t.active IS NOT NULL THEN t.seats ELSE 0 END AS us,
          coalesce(e.seats > 0 AND e.active IS NOT NULL, false) AS has_e,
          CASE WHEN e.seats > 0 THEN least(e.active, e.seats) ELSE 0 END AS ea, coalesce(e.seats, 0) AS es,
          coalesce(t.mau > 0 AND t.active IS NOT NULL, false) AS has_dm,
          CASE WHEN t.mau > 0 AND t.active IS NOT NULL THEN t.active ELSE 0 END AS dau,
          CASE WHEN t.mau > 0 AND t.active IS NOT NULL THEN t.mau ELSE 0 END AS mau,
          (SELECT count(DISTINCT ({d} - w.d) // 7) = 4 FROM p w
             WHERE w.c = b.c AND w.d BETWEEN {d - 27} AND {d} AND w.active > 0) AS weekly,
          EXISTS (SELECT 1 FROM a WHERE a.c = b.c AND a.type = 'onboarding_completed'
                  AND a.d <= {d}) AS eligible,
          EXISTS (SELECT 1 FROM a WHERE a.c = b.c AND a.type = 'qbr'
                  AND a.d BETWEEN {quarter_start} AND {d}) AS qbr
        FROM b LEFT JOIN p t ON t.c = b.c AND t.d = {d} LEFT JOIN p e ON e.c = b.c AND e.d = {d - 30}
    """
    db.execute(f"CREATE TABLE v AS {per_customer}")
    sums = """
        count(*) FILTER (has_util AND ua * 100 < 60 * us) AS below,
        sum(ua) AS ua, sum(us) AS us,
        count(*) FILTER (has_util AND has_e AND (ua * es - ea * us) * 10 > us * es) AS rising,
        sum(dau) AS dau, sum(mau) AS mau, count(*) FILTER (weekly) AS weekly,
        count(*) FILTER (eligible) AS eligible, count(*) FILTER (eligible AND qbr) AS covered
    """
    groups = {
        "csm": f"SELECT csm, {sums} FROM v GROUP BY csm",
        "geo": f"SELECT geo, {sums} FROM v GROUP BY geo",
        "company": f"SELECT '', {sums} FROM v",
    }
    result: dict[tuple[str, str, str], Decimal | None] = {}
    for level, sql in groups.items():
        for key, below, ua, us, rising, dau, mau, weekly, eligible, covered in db.execute(sql).fetchall():
            result[(level, key, "util_below_60")] = Decimal(below)
            result[(level, key, "avg_utilisation")] = _ratio(ua, us)
            result[(level, key, "util_rising")] = Decimal(rising)
            result[(level, key, "dau_mau")] = _ratio(dau, mau)
            result[(level, key, "weekly_active")] = Decimal(weekly)
            result[(level, key, "qbr_coverage")] = _ratio(covered, eligible)
    return time.perf_counter() - started, result


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def compare(day: date, bound: dict) -> int:
    stored = {
        (level, key, kpi): value
        for level, key, kpi, value in PortfolioKpiDay.objects.filter(
            day=day, kpi__in={k for _, _, k in bound}
        ).values_list("level", "key", "kpi", "value")
    }
    wrong = [(k, stored.get(k), v) for k, v in bound.items() if stored.get(k) != v]
    assert not wrong, f"{len(wrong)} KPIs differ from the lower bound, e.g. {wrong[:5]}"
    return len(bound)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="build the CSMs, books, activities and segments")
    args = parser.parse_args()
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if connection.vendor != "postgresql" or not name.startswith("attain_bench"):
        raise SystemExit("Run on PostgreSQL, on a database whose name starts with attain_bench.")
    if args.setup:
        setup()
        return
    from adoption.portfolio.daily import run_day

    print(
        f"database: {name}; usage rows: {UsageRecord.objects.count():,}; "
        f"customers: {Customer.objects.count():,}; "
        f"CSMs: {User.objects.filter(employee_id__startswith='KB').count()}; "
        f"segments: {Segment.objects.count()}"
    )
    before = DAY - timedelta(days=1)
    forget(before)
    forget(DAY)
    sc.reset_peak_rss()
    for label, day in (("first day, every member enters", before), ("the next day", DAY)):
        started = time.perf_counter()
        done = run_day(day)
        seconds = time.perf_counter() - started
        members = SegmentMembership.objects.filter(left_on__isnull=True).count()
        print(
            f"{label} ({day}), all KPIs, segments and plays: {seconds:.1f} s — {done}; "
            f"{members:,} members; peak RSS {sc.peak_rss_mb():.0f} MB"
        )
    bound_s, bound = lower_bound(DAY)
    compared = compare(DAY, bound)
    print(
        f"  DuckDB lower bound of the day's KPIs: {bound_s:.1f} s; ratio {seconds / bound_s:.1f}×; "
        f"{compared:,} KPI values equal"
    )


if __name__ == "__main__":
    main()
