#!/usr/bin/env python3
"""A small Attain API client: import a CSV file, download a quarter's payroll CSV.

Standard library only. Make a key with `python manage.py create_api_token --user ops@… --name client`.

    python docs/api_client.py --url http://127.0.0.1:8000 --token KEY import scores scores.csv [--dry-run]
    python docs/api_client.py --url http://127.0.0.1:8000 --token KEY payouts FY22-Q2 [--detail] [-o out.csv]

An import is a job (docs/imports.md "The API"): the file is uploaded, checked by a worker (polled here),
then confirmed and written — or, with --dry-run, only checked. A refused import prints every bad row
(line, column, value, reason) and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

POLL_SECONDS = 0.5
WAIT_SECONDS = 3600  # a large file's check or writing may take minutes (docs/performance.md)


def call(
    url: str, token: str, *, data: bytes | None = None, content_type: str | None = None, post: bool = False
) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SystemExit(f"not an http(s) address: {url}")
    method = "POST" if data is not None or post else "GET"
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) checked above
    request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - http(s) checked above
        return response.read()


def multipart(fields: dict[str, str], file_field: str, path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{path.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + path.read_bytes()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait(base: str, token: str, job: dict) -> dict:
    """Poll the import job until no worker has a step of it left (``waiting`` false)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while job["waiting"]:
        if time.monotonic() > deadline:
            raise SystemExit(f"import job {job['id']} still {job['status']} after {WAIT_SECONDS} s")
        time.sleep(POLL_SECONDS)
        job = json.loads(call(base + job["links"]["self"], token))
    return job


def refused(job: dict) -> int:
    print(f"refused: the {job['kind']} file was refused ({job['error_count']} error(s))", file=sys.stderr)
    for row in job["errors"]:
        print(
            f"  line {row['line']}, column {row['column']}, value {row['value']!r}: {row['reason']}",
            file=sys.stderr,
        )
    return 1


def import_file(base: str, token: str, kind: str, path: Path, dry_run: bool) -> int:
    body, content_type = multipart({"kind": kind}, "file", path)
    try:
        job = wait(
            base, token, json.loads(call(f"{base}/api/imports/", token, data=body, content_type=content_type))
        )
        if job["status"] == "validated" and dry_run:  # only checked: drop the stored file, not left waiting
            call(base + job["links"]["discard"], token, post=True)
        elif job["status"] == "validated":
            # Confirmed, the same stored file is written, all or nothing, as the Imports page does.
            job = wait(base, token, json.loads(call(base + job["links"]["confirm"], token, post=True)))
    except urllib.error.HTTPError as exc:
        error = json.loads(exc.read() or b"{}").get("error", {})
        print(f"refused: {error.get('message', exc.reason)}", file=sys.stderr)
        return 1
    if job["status"] == "refused":
        return refused(job)
    if job["status"] not in ("applied", "validated"):
        print(f"import job {job['id']} is {job['status_label']}: {job['stage']}", file=sys.stderr)
        return 1
    print(
        f"{job['kind']}: {job['rows']} rows — {job['created']} created, "
        f"{job['updated']} updated, {job['unchanged']} unchanged"
        + (" (dry run)" if job["status"] == "validated" else "")
    )
    for warning in job["warnings"]:
        print(f"  {warning}")
    return 0


def payouts(base: str, token: str, period: str, detail: bool, output: str | None) -> int:
    query = urllib.parse.urlencode({"period": period, **({"detail": "1"} if detail else {})})
    try:
        content = call(f"{base}/api/payouts.csv?{query}", token)
    except urllib.error.HTTPError as exc:
        error = json.loads(exc.read() or b"{}").get("error", {})
        print(f"refused: {error.get('message', exc.reason)}", file=sys.stderr)
        return 1
    if output:
        Path(output).write_bytes(content)
    else:
        sys.stdout.write(content.decode())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Attain's address, e.g. https://attain.example.com")
    parser.add_argument("--token", required=True, help="a personal API key")
    commands = parser.add_subparsers(dest="command", required=True)
    upload = commands.add_parser("import", help="import a CSV (or .xlsx) file of one kind")
    upload.add_argument("kind")
    upload.add_argument("file", type=Path)
    upload.add_argument("--dry-run", action="store_true")
    export = commands.add_parser("payouts", help="download a closed quarter's payroll CSV")
    export.add_argument("period")
    export.add_argument("--detail", action="store_true")
    export.add_argument("-o", "--output")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    if args.command == "import":
        return import_file(base, args.token, args.kind, args.file, args.dry_run)
    return payouts(base, args.token, args.period, args.detail, args.output)


if __name__ == "__main__":
    sys.exit(main())
