"""Imports of DESIGN §3 (CSV, or an .xlsx workbook's first sheet): the one service the ``import_csv``
command, the API and the Imports page's jobs (``jobs``) call.

``import_file`` validates the whole file, then writes every row of it in one transaction or none, and
records the attempt as an ``ImportRecord`` (refused attempts too, with their errors).
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DatabaseError, transaction

from accounts import access
from accounts.models import User
from commissions.bulk import ANALYZE_AFTER_ROWS, immediate_constraints, refresh_statistics
from commissions.models import ImportRecord
from core.errors import AttainError, FileTooLarge
from core.words import counted

from .base import MAX_REPORTED_ERRORS, ImportRefused, Refusal, RowError, Spec, db_rows
from .specs import SPECS
from .workbook import is_workbook, validate_upload
from .writers import upsert

__all__ = ["KINDS", "ImportRefused", "ImportResult", "RowError", "import_file"]

KINDS = tuple(SPECS)
RECORDED_ERRORS = MAX_REPORTED_ERRORS  # the record keeps the errors the refusal lists, and their count


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    record: ImportRecord | None = field(default=None, repr=False)
    # Warnings of the check (the file imports, but may not say what was meant: a KPI no plan pays on) and
    # what the import set off (issue 14): e.g. clawback corrections recorded for ops to apply.
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = (
            f"{self.kind}: {counted(self.rows, 'row')} — {self.created} created, {self.updated} updated,"
            f" {self.unchanged} unchanged"
        )
        return text + (" (dry run)" if self.dry_run else "") + "".join(f"\n{note}" for note in self.notes)


def import_file(
    *,
    kind: str,
    path: str | Path | None = None,
    file: IO[bytes] | None = None,
    file_name: str | None = None,
    user: User | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the CSV or .xlsx workbook (first sheet; told by content) at ``path`` (or the binary
    ``file``) as ``kind``.

    Side effects: on success every row is created or updated in one transaction (a dry run rolls it
    back); unchanged rows are not written. Always records an ``ImportRecord`` (status applied, dry_run
    or refused). Raises ``ImportRefused`` listing every bad row when any row is bad — nothing else is
    written then — ``AttainError`` for an unknown kind and ``NotAllowed`` unless ``user`` may import
    (``access.may_import``; None: a command without --user, which may not change roles).
    """
    spec = SPECS.get(kind)
    if spec is None:
        raise AttainError(f"Unknown import kind {kind!r}: use one of {', '.join(KINDS)}.")
    access.require(access.may_import(user, kind))
    if (path is None) == (file is None):
        raise ValueError("import_file needs exactly one of path or file")
    _refuse_too_large(path, file, file_name, spec.max_file_bytes)
    if spec.stream is not None:  # read from the file as it is checked, never held whole (``Spec.stream``)
        source = open(path, "rb") if path is not None else io.BytesIO(file.read())  # noqa: SIM115
        data = source.read(8)
        source.seek(0)
        sha256 = hashlib.file_digest(source, "sha256").hexdigest()
        source.seek(0)
    elif path is not None:
        data = Path(path).read_bytes()
    else:
        data = file.read()
    file_name = file_name or (Path(path).name if path is not None else getattr(file, "name", ""))
    file_name = file_name or ("upload.xlsx" if is_workbook(data) else "upload.csv")
    if spec.stream is None:
        sha256 = hashlib.sha256(data).hexdigest()
    result = ImportResult(kind=kind, file_name=str(file_name), sha256=sha256, dry_run=dry_run)
    started = time.monotonic()
    try:
        if spec.stream is not None:
            with source, transaction.atomic(), immediate_constraints():
                result.rows, (result.created, result.updated, result.unchanged) = spec.stream(
                    spec, source, file_name=str(file_name), apply=not dry_run
                )
                if dry_run:
                    transaction.set_rollback(True)
        else:
            parsed = validate_upload(spec, data, file_name=str(file_name), user=user)
            del data
            with transaction.atomic(), immediate_constraints():
                result.created, result.updated, result.unchanged = _write(spec, parsed, apply=not dry_run)
                if dry_run:
                    transaction.set_rollback(True)
            result.rows = len(parsed.rows)
            if kind == "kpis":
                result.notes = kpi_warnings(parsed)
    except Refusal as refusal:
        record = _record(result, user, started, ImportRecord.Status.REFUSED, refusal.errors, refusal.count)
        raise ImportRefused(kind, refusal.errors, record, error_count=refusal.count) from None
    except DatabaseError as exc:  # a concurrent change the checks could not see, e.g. a snapshot approved
        errors = [RowError(0, "", "", f"the database refused the import: {exc}".strip())]
        record = _record(result, user, started, ImportRecord.Status.REFUSED, errors)
        raise ImportRefused(kind, errors, record) from exc
    status = ImportRecord.Status.DRY_RUN if dry_run else ImportRecord.Status.APPLIED
    result.record = _record(result, user, started, status, [])
    if not dry_run and spec.model is not None and result.created + result.updated >= ANALYZE_AFTER_ROWS:
        refresh_statistics(spec.model)
    if kind == "deals" and not dry_run and result.created + result.updated:
        result.notes += _clawbacks_found()
    return result


def kpi_warnings(parsed) -> list[str]:
    """Warnings, not refusals, for a KPI file's rows (docs/imports.md "Rules per kind"): one per KPI code
    that no plan of the period's fiscal year pays on (a plan may be loaded later, so the file imports; but
    a misspelt code would change nothing), and one for its negative values. Empty when all is as meant."""
    from commissions.models import Component

    period, kpi, value = parsed.index("period"), parsed.index("kpi"), parsed.index("value")
    used: dict[tuple[str, str], list[int]] = {}
    negative = []
    for row in parsed.rows:
        used.setdefault((row[period][:4], row[kpi]), []).append(row[0])
        if row[value] < 0:
            negative.append(row)
    years = {year for year, _code in used}
    paid: dict[str, set[str]] = {year: set() for year in years}
    components = Component.objects.filter(metric=Component.Metric.KPI, plan__fiscal_year__in=years)
    for year, code in components.values_list("plan__fiscal_year", "kpi").distinct():
        paid[year].add(code)
    notes = []
    for (year, code), lines in sorted(used.items()):
        if code in paid[year]:
            continue
        known = (
            f"plans pay on: {', '.join(sorted(paid[year]))}" if paid[year] else "no plan of it pays on a KPI"
        )
        rows = f"{len(lines)} row{'s' if len(lines) != 1 else ''}, first at line {lines[0]}"
        notes.append(f"No plan of {year} pays on KPI {code!r} ({known}); check the kpi column ({rows}).")
    if negative:
        first, many = negative[0], "s" if len(negative) != 1 else ""
        example = f"first at line {first[0]}: {first[kpi]} = {first[value]}"
        notes.append(
            f"{len(negative)} negative KPI value{many} ({example}); imported as they are:"
            " check the value column."
        )
    return notes


def _clawbacks_found() -> list[str]:
    """New deals may undo expansions credited in closed quarters: record their clawbacks (pending, for ops
    to apply). The import stands whatever happens here; a clawback that cannot be computed is reported."""
    from ..clawbacks import find_clawbacks

    try:
        found = find_clawbacks()
    except AttainError as exc:
        return [f"Clawbacks could not be checked: {exc.message}"]
    return [
        f"Withdrew {c.label} of {c.period.code}: its deals no longer claw anything back."
        if c.status == c.Status.WITHDRAWN
        else f"Recorded {c.label} of {c.period.code} (pending): {c.reason}"
        for c in found
    ]


def _write(spec: Spec, parsed, *, apply: bool) -> tuple[int, int, int]:
    if spec.write is not None:
        return spec.write(parsed, apply)
    resolvers = dict(parsed.refs)
    if spec.prepare is not None:
        resolvers.update(spec.prepare(parsed))
    names = [name for name, _column in parsed.fields]
    size = len(spec.key)
    rows = db_rows(parsed, resolvers)
    return upsert(spec.model, names[:size], names[size:], rows, apply=apply, before_write=spec.before_write)


def _refuse_too_large(
    path: str | Path | None, file: IO[bytes] | None, file_name: str | None, path_limit: int | None = None
) -> None:
    """Refuse a file above ``MAX_UPLOAD_BYTES`` before reading it (the API refuses a larger body first);
    a file read from ``path`` by a kind that streams it, above ``path_limit`` (``Spec.max_file_bytes``)."""
    limit = settings.MAX_UPLOAD_BYTES
    if path is not None:
        limit = path_limit or limit
        try:
            size = Path(path).stat().st_size
        except OSError:
            return  # reading it says why (e.g. no such file)
    else:
        size = getattr(file, "size", None)
        if size is None:
            return
    if size > limit:
        name = file_name or (Path(path).name if path is not None else getattr(file, "name", "") or "the file")
        raise FileTooLarge(
            f"{name} is {size:,} bytes: files of at most {limit:,} bytes are imported (MAX_UPLOAD_BYTES);"
            " split it into smaller files."
        )


def _record(
    result: ImportResult,
    user: User | None,
    started: float,
    status: str,
    errors: list[RowError],
    count: int | None = None,
):
    recorded = [error.as_dict() for error in errors[:RECORDED_ERRORS]]
    count = len(errors) if count is None else count
    if count > len(recorded):
        # No column holds the count: a last entry says it, read back by ImportRecord.error_count.
        more = count - len(recorded)
        reason = f"… and {more} more error(s): {count} in all, the first {len(recorded)} are listed"
        recorded.append({"line": 0, "column": "", "value": "", "reason": reason, "total": count})
    return ImportRecord.objects.create(
        kind=result.kind,
        file_name=result.file_name[-500:],
        sha256=result.sha256,
        user=user,
        status=status,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        errors=recorded,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
