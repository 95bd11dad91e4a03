"""Benchmark: 50 signed-in people on the dashboards while ops calculates the quarter (issue 12 §9).

    .venv/bin/pip install -e '.[bench]'                            # locust, once
    .venv/bin/python benchmarks/load_test.py --setup [--size M]   # first time: builds attain_bench_load
    .venv/bin/python benchmarks/load_test.py [--users 50 --spawn-rate 10 --run-time 60]

A benchmark, not part of CI. The database is DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/attain_bench_load, made with ``psql -h 127.0.0.1 -U postgres -c 'create
database attain_bench_load'``): PostgreSQL on 127.0.0.1, its name starting with ``attain_bench``.
``--setup`` FLUSHES it, loads a company of ``--size`` as benchmarks/quarter_close.py does, pulls FY25-Q2
and calculates it once (v1 of each plan: the statements the CSMs read). Then every run migrates (no flush)
and:

1. corrects the GBP rate of FY25-Q2 by 0.000001, so the quarter's inputs have no run yet and the
   calculation under load makes a new run of every plan (runs are idempotent by their inputs);
2. gives the people one new random password through the ORM (demo passwords need DEBUG on): 4% of the
   users are the CCO, 12% the three Geo VPs, the rest distinct CSMs;
3. starts ``gunicorn -w 2 --threads 4 -b 127.0.0.1:PORT`` with DEBUG=0, a random SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1 and no REDIS_URL (Celery in-process and the cache in each worker's memory,
   as ``make run``), "today" pinned to ``--today`` inside the quarter as in benchmarks/dashboards.py;
4. runs locust (benchmarks/locustfile.py: sign-in through the login page, then the person's pages):
   ``--warmup`` seconds unmeasured; the reference, one user alone and no calculation, for
   ``--reference-time`` seconds each as a CSM, a Geo VP and the CCO; then the load,
   ``--users 50 --spawn-rate 10 --run-time 60s``. ``--calc-after`` seconds after the last sign-in
   (at most 20 s before the end), ``manage.py calculate FY25-Q2 --user <ops>`` runs as a subprocess;
5. stops locust at its run time (killed 60 s later at the latest) and gunicorn, and checks every payout
   of the runs made under load against the engine recomputed afterwards, without load, on the same
   inputs (``load`` and ``calculate_quarter``; the inputs' fingerprints must match the runs').

Prints per page: requests, errors, p50 and p95 (nearest rank) of the whole load, once everyone has
signed in ("settled") and during the calculation, the reference's p50 ("alone") and the ratio of the
p50s; the CPU time gunicorn spent per request, alone and under load; then one JSON line. Locust's CSV
files, the samples and the server's log go to ``--out`` (default: a new temporary directory). Exits 1 on
an error, a sign-in not done, or a payout difference.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/attain_bench_load"
SIGN_IN = "POST /accounts/login/ (sign in)"
PAGES = ["GET /accounts/login/", SIGN_IN, "/my/", "/my/statements/N/", "/team/", "/company/"]
GOAL_P95_MS = 800
COLUMNS = ["requests", "errors", "p50", "p95", "settled p50", "settled p95", "calc p95", "alone p50", "ratio"]


def pinned_app():
    """gunicorn's application (``load_test:pinned_app()``): Attain's WSGI app, today pinned to LOAD_TODAY."""
    from datetime import date

    from django.utils import timezone

    from config.wsgi import application

    day = date.fromisoformat(os.environ["LOAD_TODAY"])
    timezone.localdate = lambda *args, **kwargs: day
    return application


def environment(today: str) -> dict[str, str]:
    """The settings of this process and of every process it starts (README "Configuration")."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.update(DEBUG="0", ALLOWED_HOSTS="127.0.0.1", LOAD_TODAY=today, SECRET_KEY=secrets.token_urlsafe(50))
    url = urlparse(env["DATABASE_URL"])
    if url.scheme not in ("postgres", "postgresql") or url.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("load_test.py runs on PostgreSQL on 127.0.0.1 only.")
    if not url.path.lstrip("/").startswith("attain_bench"):
        sys.exit("The database's name must start with attain_bench (--setup FLUSHES it).")
    return env


def setup(size: str, seed: int) -> None:
    """FLUSH the database, load the company, pull the quarter and calculate it (v1 of each plan)."""
    import django

    django.setup()
    from company import PERIOD, PLAN_CODES
    from quarter_close import setup as load_company

    from commissions.models import Plan
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    with tempfile.TemporaryDirectory() as directory:
        figures = load_company(size=size, seed=seed, directory=Path(directory))
    print(f"setup: {figures['setup_s']:.1f} s ({figures['rows']})")
    pull_scores(period=get_period(PERIOD), trigger="benchmark")
    for code in PLAN_CODES:
        calculate(period=get_period(PERIOD), plan=Plan.objects.get(code=code), trigger="benchmark")


def prepare(users: int) -> tuple[list[dict], list[dict], int]:
    """Correct an FX rate and give the people one new password; the people, the reference's, the last run."""
    from decimal import Decimal

    from axes.utils import reset
    from company import CCO, PERIOD
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db.models import F

    from accounts.models import Role, User
    from commissions.access import payouts_visible_to
    from commissions.models import FxRate, Run

    call_command("migrate", verbosity=0)  # the code may have moved on since --setup
    if not Run.objects.filter(period__code=PERIOD, status=Run.Status.SUCCEEDED).exists():
        sys.exit(f"No run of {PERIOD} in this database: run with --setup first.")
    FxRate.objects.filter(period=PERIOD, currency="GBP").update(rate=F("rate") + Decimal("0.000001"))
    ccos, csvps = max(1, round(users * 0.04)), max(1, round(users * 0.12))
    cco, vps = User.objects.get(employee_id=CCO), list(User.objects.filter(roles__role=Role.CSVP))
    csms = User.objects.filter(roles__role=Role.CSM, is_active=True).order_by("employee_id")
    csms = list(csms[: users - ccos - csvps])
    password = secrets.token_urlsafe(16)
    User.objects.filter(pk__in=[u.pk for u in (cco, *vps, *csms)]).update(password=make_password(password))
    reset()  # no lockout left over from an earlier, interrupted run
    # The statements each CSM may open: published ones only (the final runs of closed quarters, DESIGN §5),
    # as the access module decides; an open quarter's runs are 404 for a CSM.
    runs: dict[int, list[int]] = {
        user.pk: list(payouts_visible_to(user).values_list("run_id", flat=True)) for user in csms
    }

    def person(kind: str, user) -> dict:
        return {"kind": kind, "email": user.email, "password": password, "runs": runs.get(user.pk, [])}

    people = [person("cco", cco)] * ccos + [person("csvp", vps[n % len(vps)]) for n in range(csvps)]
    people += [person("csm", user) for user in csms]
    reference = [person("csm", csms[0]), person("csvp", vps[0]), person("cco", cco)]
    return people, reference, Run.objects.order_by("-pk").values_list("pk", flat=True).first()


def start_server(port: int, env: dict, out: Path) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"Port {port} is in use: choose another with --port.")
    command = [str(BIN / "gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"]
    command += ["--pythonpath", "benchmarks", "load_test:pinned_app()"]
    log = (out / "gunicorn.log").open("a")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer on 127.0.0.1:{port}; see {out / 'gunicorn.log'}")


def cpu_seconds(server: subprocess.Popen) -> float:
    """User and system CPU seconds gunicorn's processes have used so far (Linux /proc): a figure that
    another job on the machine slows down far less than it slows down response times."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in [server.pid, *children]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class Locust:
    """Runs of ``locust --headless`` against the server; their samples land in ``out/<name>-samples.json``."""

    FILES = {"LOAD_PEOPLE": "people.json", "LOAD_SAMPLES": "samples.json", "LOAD_SIGNED_IN": "signed-in"}

    def __init__(self, port: int, env: dict, out: Path):
        self.port, self.env, self.out = port, env, out

    def start(self, name: str, people: list, users: int, rate: float, seconds: int, think: str):
        (self.out / f"{name}-people.json").write_text(json.dumps(people))
        (self.out / f"{name}-signed-in").unlink(missing_ok=True)
        command = [str(BIN / "locust"), "-f", "benchmarks/locustfile.py", "--headless", "--only-summary"]
        command += ["--users", str(users), "--spawn-rate", str(rate), "--run-time", f"{seconds}s"]
        command += ["--stop-timeout", "5", "--csv", str(self.out / name)]
        command += ["--host", f"http://127.0.0.1:{self.port}"]
        files = {key: f"{self.out / name}-{kind}" for key, kind in self.FILES.items()}
        env = dict(self.env, LOAD_THINK=think, **files)
        log = (self.out / f"{name}-locust.log").open("w")
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def finish(self, process: subprocess.Popen, name: str, seconds: int) -> list:
        try:
            process.wait(timeout=seconds + 60)  # hard stop: locust's own --run-time ends it long before
        except subprocess.TimeoutExpired:
            process.kill()
            sys.exit(f"locust ({name}) did not stop; killed it")
        return json.loads((self.out / f"{name}-samples.json").read_text())

    def run(self, name: str, people: list, users: int, seconds: int, think: str = "0.2,0.5") -> list:
        return self.finish(self.start(name, people, users, users, seconds, think), name, seconds)


def figures(samples: list, start: float = 0, end: float = math.inf) -> dict[str, dict]:
    """Per page: requests, errors, p50 and p95 (nearest rank) of the samples that started in [start, end]."""
    pages: dict[str, list] = {}
    for name, started, ms, error in samples:
        if start <= started <= end:
            pages.setdefault(name, []).append((ms, error))

    def rank(times: list, p: float) -> float:
        return round(sorted(times)[math.ceil(p * len(times)) - 1], 1)

    return {
        name: {
            "n": len(rows),
            "errors": sum(bool(error) for _, error in rows),
            "p50": rank([ms for ms, _ in rows], 0.5),
            "p95": rank([ms for ms, _ in rows], 0.95),
        }
        for name, rows in pages.items()
    }


def verify(after_pk: int) -> dict:
    """Payouts of the runs made under load against the engine recomputed now, without load, same inputs."""
    from commissions.engine import calculate_quarter
    from commissions.loaders import fingerprint, load, plan_members
    from commissions.models import Payout, Run

    runs = list(Run.objects.filter(pk__gt=after_pk).select_related("plan", "period", "pull").order_by("pk"))
    checked, differences, problems = 0, [], [] if runs else ["no run was made under load"]
    for run in runs:
        if run.status != Run.Status.SUCCEEDED:
            problems.append(f"{run.plan.code} v{run.version}: {run.status} {run.error}")
            continue
        members = plan_members(run.plan, run.period)
        inputs = load(plan=run.plan, period=run.period, pull=run.pull, employees=members).inputs
        if fingerprint(inputs) != run.fingerprint:
            problems.append(f"{run.plan.code} v{run.version}: its inputs have changed since")
        payouts = calculate_quarter(inputs).payouts
        expected = dict(zip(payouts["employee_id"], payouts["total"], strict=True))
        stored = dict(Payout.objects.filter(run=run).values_list("employee__employee_id", "amount"))
        keys = expected.keys() | stored.keys()
        differences += [(run.plan.code, e) for e in sorted(keys) if expected.get(e) != stored.get(e)]
        checked += len(stored)
        print(f"  {run.plan.code} v{run.version}: {len(stored)} payouts; timings under load {run.timings}")
    problems += differences[:20]
    return {"runs": len(runs), "payouts": checked, "problems": problems, "identical": not problems}


def report(samples: list, reference: list, people: int, began: float, calc: tuple[float, float]) -> dict:
    """Print the table; return its figures: the whole load, after the last sign-in, during the calculation."""
    sign_ins = [start + ms / 1000 for name, start, ms, _ in samples if name == SIGN_IN]
    settled = max(sign_ins, default=began)
    print(
        f"{len(sign_ins)} of {people} signed in, the last {settled - began:.1f} s into the load; "
        f"calculation from {calc[0] - began:.1f} s, {calc[1] - calc[0]:.1f} s long"
    )
    found = {
        "load": figures(samples),
        "after_sign_ins": figures(samples, settled),
        "during_calculation": figures(samples, *calc),
        "reference": figures(reference),
    }
    print(f"\n{'milliseconds':<32}", *(f"{title:>11}" for title in COLUMNS))
    for page in (page for page in PAGES if page in found["load"]):
        row, after, during, alone = (found[key].get(page, {}) for key in found)
        ratio = f"{row['p50'] / alone['p50']:.1f}x" if alone else "-"
        cells = [row["n"], row["errors"], row["p50"], row["p95"], after.get("p50"), after.get("p95")]
        cells += [during.get("p95"), alone.get("p50"), ratio]
        print(f"{page:<32}", *(f"{'-' if cell is None else cell:>11}" for cell in cells))
    found.update(signed_in=len(sign_ins), signed_in_s=round(settled - began, 1))
    found["calculation"] = {"from_s": round(calc[0] - began, 1), "seconds": round(calc[1] - calc[0], 1)}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="create or FLUSH the database, load the company")
    parser.add_argument("--size", default="M", choices=("S", "M", "L"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load")
    parser.add_argument("--calc-after", type=int, default=5, help="seconds after the last sign-in")
    parser.add_argument("--reference-time", type=int, default=15, help="seconds per person, 1 user")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of unmeasured requests first")
    parser.add_argument("--think", default="1,5", help="pause between a person's clicks: min,max seconds")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--today", default="2024-07-31", help="the day the live pages track")
    parser.add_argument("--out", type=Path, help="directory for locust's CSV files, samples and logs")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 10 <= args.run_time <= 600 or args.calc_after >= args.run_time:
        sys.exit("Bounded: --users 1..200, --run-time 10..600 s, --calc-after below --run-time.")
    began = time.time()
    env = environment(args.today)
    os.environ.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    out = args.out or Path(tempfile.mkdtemp(prefix="attain_load_"))
    out.mkdir(parents=True, exist_ok=True)
    if args.setup:
        setup(args.size, args.seed)
    import django

    django.setup()
    from company import OPS, PERIOD

    from accounts.models import User

    people, reference, last_run = prepare(args.users)
    ops = User.objects.get(employee_id=OPS).email
    django.db.connections.close_all()
    load_before = os.getloadavg()
    server = start_server(args.port, env, out)
    try:
        bench = Locust(args.port, env, out)
        if args.warmup:  # not measured: each worker imports the views and compiles the templates once
            bench.run("warmup", reference, len(reference), args.warmup)
        alone, cpu = [], [cpu_seconds(server)]
        for n, person in enumerate(reference):
            alone += bench.run(f"reference{n}", [person], 1, args.reference_time)
        cpu.append(cpu_seconds(server))
        process = bench.start("load", people, args.users, args.spawn_rate, args.run_time, args.think)
        load_started = time.time()
        while not (out / "load-signed-in").exists() and time.time() < load_started + args.run_time - 20:
            time.sleep(0.5)
        time.sleep(args.calc_after)
        calc_started = time.time()
        command = [sys.executable, "manage.py", "calculate", PERIOD, "--user", ops]
        calc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        calc_ended = time.time()
        samples = bench.finish(process, "load", args.run_time)
        load_during, cpu = os.getloadavg(), [*cpu, cpu_seconds(server)]
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    print("\n".join(line for line in calc.stdout.splitlines() if not line.startswith("  ")))
    if calc.returncode:
        print(f"calculate FAILED:\n{calc.stderr}")
    summary = report(samples, alone, len(people), load_started, (calc_started, calc_ended))
    errors = sum(row["errors"] for row in summary["load"].values())
    print(
        f"errors: {errors} (goal: 0, and p95 < {GOAL_P95_MS} ms); load average {load_before[0]:.2f} before "
        f"the load, {load_during[0]:.2f} at its end"
    )
    per_request = [
        round(1000 * (cpu[1] - cpu[0]) / len(alone)),
        round(1000 * (cpu[2] - cpu[1]) / len(samples)),
    ]
    print(
        f"gunicorn CPU per request: {per_request[0]} ms alone, {per_request[1]} ms under load (sign-ins too)"
    )
    print("payouts of the runs made under load against the engine recomputed afterwards, without load:")
    check = verify(last_run)
    verdict = "identical" if check["identical"] else f"DIFFERENT {check['problems']}"
    print(f"  {check['payouts']} payouts of {check['runs']} runs: {verdict}")
    summary.update(
        users=args.users, run_time_s=args.run_time, payouts=check, loadavg=[load_before, load_during]
    )
    summary.update(cpu_ms_per_request=per_request, wall_s=round(time.time() - began), out=str(out))
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    print(f"whole benchmark: {time.time() - began:.0f} s; files in {out}")
    print(json.dumps(summary, default=str))
    ok = not errors and summary["signed_in"] == len(people) and check["identical"] and not calc.returncode
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
