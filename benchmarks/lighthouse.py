"""Benchmark: Lighthouse's performance, accessibility and best-practices scores of "My quarter" (/my/, as a
CSM) and the console (/console/, as ops), desktop and mobile, with each page's weight.

    .venv/bin/python benchmarks/lighthouse.py [--out DIR] [--today 2026-11-25]

A benchmark, not part of CI (docs/performance.md "Page weight and accessibility"). It:

1. installs ``lighthouse@12.2.3`` with npm into ``$ATTAIN_LIGHTHOUSE_CACHE`` (default
   ``~/.cache/attain-lighthouse``, outside the repository) unless it is there (v13 needs Node 22);
2. in a new temporary folder: migrates a SQLite database, seeds the demo company (``seed_demo``) and
   collects the static files, with DEBUG off, as the Dockerfile does (hashed names, gzip and brotli);
3. signs the demo's first CSM and first ops person in through Django's test client (the demo's passwords
   need DEBUG on) and keeps their session cookies;
4. starts the app as the Dockerfile does, ``gunicorn config.wsgi:application --workers 3 --timeout 120``,
   with DEBUG=0, on 127.0.0.1 (SECURE_SSL_REDIRECT=0: there is no TLS in front of it here), and opens
   each page six times first, so the workers' caches hold its projection;
5. runs Lighthouse on each page, desktop (``--preset=desktop``) and mobile (its default: a mid-range
   phone on a throttled 4G link), with ``CHROME_PATH`` (default /usr/bin/chromium) headless, the session
   cookie passed with ``--extra-headers``; each report is written to ``--out``.

Prints a table — page, form factor, the three scores (0–100), the bytes transferred (all, and scripts
alone) and the largest contentful paint — and writes it as JSON to ``--out``/summary.json. Exits 1 when a
score is under ``--goal`` (90).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = "lighthouse@12.2.3"
CACHE = Path(os.environ.get("ATTAIN_LIGHTHOUSE_CACHE") or Path.home() / ".cache" / "attain-lighthouse")
CATEGORIES = ("performance", "accessibility", "best-practices")
PAGES = (("csm", "/my/"), ("ops", "/console/"))
SESSIONS = """
from django.test import Client
from accounts.models import Role, User
cookies = {}
for role in ("csm", "ops"):
    person = User.objects.filter(roles__role=role, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(person)
    cookies[role] = client.cookies["sessionid"].value
print(__import__("json").dumps(cookies))
"""


def lighthouse_binary() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "i", "-E", LIGHTHOUSE, "--no-audit", "--no-fund"], cwd=CACHE, check=True)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {url} in {seconds:.0f} s")


def warm(base: str, cookies: dict[str, str], times: int = 6) -> None:
    """Each page requested a few times first, so every gunicorn worker has the page's projection in its
    cache: Lighthouse measures the page a person opens again, not the first calculation of the day
    (docs/performance.md "Dashboards" has the cold figures)."""
    for role, path in PAGES:
        for _ in range(times):
            request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookies[role]}"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()


def weight(report: dict) -> dict[str, int]:
    """Bytes transferred for the page (all requests, scripts alone) from Lighthouse's network audit."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return {
        "bytes": sum(item.get("transferSize") or 0 for item in items),
        "script_bytes": sum(
            item.get("transferSize") or 0 for item in items if item.get("resourceType") == "Script"
        ),
        "requests": len(items),
    }


def run_lighthouse(binary: Path, url: str, cookie: str, form: str, out: Path) -> dict:
    report_path = out / f"{url.strip('/').split('/')[-1] or 'home'}-{form}.json"
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--extra-headers={json.dumps({'Cookie': f'sessionid={cookie}'})}",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, env=env, check=True)
    report = json.loads(report_path.read_text())
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failed = {
        name: sorted(
            ref["id"]
            for ref in report["categories"][name]["auditRefs"]
            if ref["weight"]
            and (report["audits"][ref["id"]]["score"] or 0) < 0.9
            and report["audits"][ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
        )
        for name in CATEGORIES
    }
    lcp = report["audits"]["largest-contentful-paint"]["numericValue"]
    return {"scores": scores, **weight(report), "lcp_ms": round(lcp), "below_90": failed}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for the reports (default: a new one)")
    parser.add_argument("--today", default="2026-11-25", help="the demo's today (ISO date)")
    parser.add_argument("--goal", type=int, default=90)
    args = parser.parse_args()
    binary = lighthouse_binary()
    work = Path(tempfile.mkdtemp(prefix="attain-lighthouse-"))
    out = args.out or work / "reports"
    out.mkdir(parents=True, exist_ok=True)

    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "DEBUG"}}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
    }
    print(f"Preparing {work}: migrate, seed_demo, collectstatic …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--today", args.today)
    manage(env, "collectstatic", "--noinput")
    cookies = json.loads(manage(env, "shell", "--no-imports", "-c", SESSIONS).strip().splitlines()[-1])

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "3", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = []
    try:
        wait_until_up(f"{base}/healthz", server)
        warm(base, cookies)
        for role, path in PAGES:
            for form in ("desktop", "mobile"):
                print(f"Lighthouse {form} {path} as {role} …", flush=True)
                result = run_lighthouse(binary, base + path, cookies[role], form, out)
                results.append({"page": path, "role": role, "form": form, **result})
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    header = (
        f"{'page':<10} {'form':<8} {'perf':>5} {'a11y':>5} {'b-p':>5} {'KB':>7} {'JS KB':>7} {'LCP ms':>7}"
    )
    print(header)
    for r in results:
        s = r["scores"]
        print(
            f"{r['page']:<10} {r['form']:<8} {s['performance']:>5} {s['accessibility']:>5} "
            f"{s['best-practices']:>5} {r['bytes'] / 1024:>7.0f} {r['script_bytes'] / 1024:>7.0f} "
            f"{r['lcp_ms']:>7}"
        )
        for category, audits in r["below_90"].items():
            if audits:
                print(f"    {category}: under 0.9: {', '.join(audits)}")
    (out / "summary.json").write_text(json.dumps(results, indent=2))
    print(f"Reports in {out}")
    low = [r for r in results if min(r["scores"].values()) < args.goal]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
