"""The ``usage`` import (DESIGN §3 ``usage``, §9.3; docs/imports.md "Usage files"): daily product usage,
tens of millions of rows in one file, imported by the same rules as every kind — every bad row reported at
its line, all or nothing, an upsert on the natural key that leaves unchanged rows alone — without ever
holding the file's rows in memory.

The file is read a chunk at a time (``usage_reader``) and checked column by column (``usage_checks``);
while no row is bad, each chunk's rows go on into a temporary staging table (PostgreSQL: one ``COPY``
fed chunk by chunk, so the server stores a chunk while the next is checked; SQLite: batched inserts).
Duplicate keys are found from one packed integer per row (customer key, date and metric), sorted once at
the end. Then one ``INSERT … SELECT … ON CONFLICT (customer_id, date, metric) DO UPDATE … WHERE the value
differs`` writes only the rows that change, in the import's one transaction.

Usage rows are not audited one by one (docs/audit.md): the import record (file hash, counts) is the audit.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import connection

from adoption.models import Customer, UsageRecord

from .base import MAX_REPORTED_ERRORS, Counts, ErrorList, Refusal, RowError, Spec
from .usage_checks import KEY, SLOT_BITS, Checked, UsageChecker
from .usage_reader import csv_chunks, sheet_chunks
from .workbook import (
    OLE_MAGIC,
    SAVE_AS,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    SheetReader,
    is_workbook,
    looks_binary,
)

# A usage file read from disk (the import_csv command) may be this large; uploads (the page, the API) stay
# under MAX_UPLOAD_BYTES, their bytes being held and stored whole. L's quarter is about 1.5 GB.
MAX_FILE_BYTES = 8 * 1024**3
STAGE = "import_stage_usage"
COPY_READ = 1024 * 1024
MERGE_WORK_MEM = "256MB"


def import_usage(spec: Spec, source: IO[bytes], *, file_name: str, apply: bool) -> tuple[int, Counts]:
    """Check the usage file ``source`` (CSV, or an .xlsx workbook's first sheet, told by content; a
    seekable binary file) and, when ``apply``, write it; returns its row count and the counts
    created/updated/unchanged (a dry run counts what it would do).

    Must run inside the import's transaction (``import_file``). Raises ``Refusal`` with every bad row —
    its cells, unknown customers, keys repeated in the file (naming both lines) — and then writes
    nothing; DESIGN §3 (all or nothing, upsert on the natural key).
    """
    name = file_name or "the file"
    head = source.read(4096)
    source.seek(0)
    sheet = _format(head, PurePath(file_name or "").suffix.lower(), name)
    checker = UsageChecker(_customer_keys())
    if sheet:
        data = source.read(settings.MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.MAX_UPLOAD_BYTES:
            _refuse(
                f"{name} is a workbook of more than {settings.MAX_UPLOAD_BYTES:,} bytes: save large usage"
                " files as CSV UTF-8"
            )
        reader = SheetReader(data, spec, name=name)
        chunks = sheet_chunks(spec, reader, checker.errors)
    else:
        reader = None
        chunks = csv_chunks(spec, source, checker.errors)
    keys: list[np.ndarray] = []
    lines: list[np.ndarray] = []

    def checked() -> Iterator[Checked]:
        for chunk_lines, cells in chunks:
            rows = checker.check(chunk_lines, cells)
            keys.append(rows.keys)
            lines.append(rows.lines.astype(np.int32))
            if len(rows) and not checker.errors:
                yield rows  # once a row is bad nothing will be written: the rest is only checked

    try:
        with _staging() as stage:
            _fill(stage, checked())
            errors = ErrorList(checker.errors)
            errors.dropped = checker.errors.dropped
            errors += duplicates(keys, lines, checker)
            if reader is not None and reader.errors:
                raise reader.merged(Refusal(errors) if errors else None)
            if errors:
                raise Refusal(errors)
            return checker.rows, _merge(stage, apply=apply)
    finally:
        if reader is not None:
            reader.close()


def _format(head: bytes, suffix: str, name: str) -> bool:
    """Whether the file is a workbook (else CSV); one clear error for a file that is not what its name
    says, as ``workbook.validate_upload`` gives."""
    if head.startswith(OLE_MAGIC):
        _refuse(f"{name} is an Excel 97-2003 workbook (.xls), which is not read: {SAVE_AS}")
    if is_workbook(head):
        if suffix in TEXT_SUFFIXES:
            _refuse(f"{name} is an Excel workbook, not a {suffix} text file: name it .xlsx, or {SAVE_AS}")
        return True
    if suffix in WORKBOOK_SUFFIXES and looks_binary(head):
        _refuse(
            f"{name} is not an Excel workbook: an .xlsx file is a zip archive and this one is not"
            f" (another kind of file renamed {suffix}?). Upload the workbook as Excel saves it,"
            " or the data as CSV UTF-8"
        )
    if suffix in WORKBOOK_SUFFIXES:
        _refuse(f"{name} is not an Excel workbook but a text (CSV) file: name it .csv, or {SAVE_AS}")
    if looks_binary(head):
        _refuse(
            f"{name} is neither a CSV text file nor an Excel workbook (it holds binary data: another kind"
            " of file?). Upload the data as CSV UTF-8, or as a workbook as Excel saves it (.xlsx)"
        )
    return False


def _refuse(reason: str) -> None:
    raise Refusal([RowError(1, "", "", reason)])


def _customer_keys() -> dict[str, int]:
    """Every customer's ``customer_id`` → primary key: the file's one lookup of its references."""
    return dict(Customer.objects.values_list("customer_id", "pk").iterator(chunk_size=20_000))


def duplicates(keys: list[np.ndarray], lines: list[np.ndarray], checker: UsageChecker) -> ErrorList:
    """An error for every row whose key (customer_id, date, metric) an earlier row of the file has,
    naming that first line (as ``base._Chunk.unique``). ``keys`` and ``lines``: the valid rows' packed
    keys and lines, chunk by chunk (37 million keys take 300 MB: they are sorted once, in place, in one
    copy, and only the chunks' rows with a repeated key are looked at again)."""
    errors = ErrorList()
    if not keys:
        return errors
    ordered = np.concatenate(keys)
    ordered.sort()
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    if not len(repeated):
        return errors
    found = [np.isin(chunk, repeated) for chunk in keys]
    row_keys = np.concatenate([chunk[hit] for chunk, hit in zip(keys, found, strict=True)])
    row_lines = np.concatenate([chunk[hit] for chunk, hit in zip(lines, found, strict=True)])
    order = np.argsort(row_keys, kind="stable")  # the rows of a key stay in line order
    row_keys, row_lines = row_keys[order], row_lines[order]
    first = np.r_[True, row_keys[1:] != row_keys[:-1]]
    first_line = row_lines[first][np.cumsum(first) - 1]
    later = np.flatnonzero(~first)
    later = later[np.argsort(row_lines[later], kind="stable")]
    names = _customer_names({int(key) >> SLOT_BITS for key in row_keys[later[:MAX_REPORTED_ERRORS]]})
    for i in later[:MAX_REPORTED_ERRORS]:
        key = int(row_keys[i])
        customer = names[key >> SLOT_BITS]
        day, metric = checker.slot_name(key & (2**SLOT_BITS - 1))
        reason = f"duplicate {'/'.join(KEY)} {customer}, {day}, {metric}: already on line {first_line[i]}"
        errors.append(RowError(int(row_lines[i]), "customer_id", customer, reason))
    errors.dropped += max(0, len(later) - MAX_REPORTED_ERRORS)
    return errors


def _customer_names(pks: set[int]) -> dict[int, str]:
    return dict(Customer.objects.filter(pk__in=pks).values_list("pk", "customer_id"))


def _columns() -> list[str]:
    return [UsageRecord._meta.get_field(name).column for name in ("customer", "date", "metric", "value")]


@contextmanager
def _staging() -> Iterator[Any]:
    """A temporary staging table shaped like the usage table's columns (no key, no index: filled fast);
    yields the cursor. Dropped when done; on an error the import's transaction rolls back, and the table
    (created in it) with it — a statement now could only fail in an aborted transaction and hide the error."""
    qn = connection.ops.quote_name
    fields = [UsageRecord._meta.get_field(name) for name in ("customer", "date", "metric", "value")]
    definition = ", ".join(f"{qn(field.column)} {field.db_type(connection)}" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(STAGE)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {qn(STAGE)} ({definition})")
        yield cursor
        if not connection.needs_rollback:
            cursor.execute(f"DROP TABLE IF EXISTS {qn(STAGE)}")


def _fill(cursor: Any, chunks: Iterator[Checked]) -> None:
    """Every chunk's rows into the staging table; the chunks are checked as they are read from."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in _columns())
    if connection.vendor == "postgresql":
        source = _CopySource(chunks)
        cursor.cursor.copy_expert(
            f"COPY {qn(STAGE)} ({names}) FROM STDIN WITH (FORMAT csv)", source, COPY_READ
        )
        source.reraise()
        return
    sql = f"INSERT INTO {qn(STAGE)} ({names}) VALUES (%s, %s, %s, %s)"  # noqa: S608 - names from the model
    for rows in chunks:
        batch = zip(
            rows.customer.tolist(),
            rows.date.to_pylist(),
            rows.metric.to_pylist(),
            rows.value.tolist(),
            strict=True,
        )
        cursor.executemany(sql, list(batch))


class _CopySource:
    """What ``copy_expert`` reads: each chunk as CSV text written by Arrow, made when the server asks for
    more. An error raised while reading or checking the file ends the data; ``reraise`` raises it after
    the ``COPY`` (psycopg2 would report it as a failed read)."""

    def __init__(self, chunks: Iterator[Checked]):
        self._chunks, self._buffer, self._error = chunks, b"", None

    def read(self, size: int = -1) -> bytes:
        if self._error is not None:
            return b""
        while not self._buffer:
            try:
                rows = next(self._chunks, None)
            except Exception as exc:  # noqa: BLE001 - raised again by ``reraise``
                self._error = exc
                return b""
            if rows is None:
                return b""
            self._buffer = _csv_text(rows)
        piece, self._buffer = self._buffer, b""
        return piece

    readline = read

    def reraise(self) -> None:
        if self._error is not None:
            raise self._error


def _csv_text(rows: Checked) -> bytes:
    table = pa.table(
        {"customer": rows.customer, "date": rows.date, "metric": rows.metric, "value": rows.value}
    )
    sink = io.BytesIO()
    pa_csv.write_csv(
        table, sink, write_options=pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    )
    return sink.getvalue()


def _merge(cursor: Any, *, apply: bool) -> Counts:
    """Count the staged rows to create, update and leave, and when ``apply`` write the ones that change
    (as ``writers.upsert``: only they reach the upsert, whose ON CONFLICT would lock every row it meets)."""
    qn = connection.ops.quote_name
    table = qn(UsageRecord._meta.db_table)
    customer, day, metric, value = (qn(column) for column in _columns())
    keys = (customer, day, metric)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {qn(STAGE)}")
        # The join of millions of staged rows with the table hashes in memory rather than in many batches
        # on disk (the server's memory, for this transaction only).
        cursor.execute(f"SET LOCAL work_mem = '{MERGE_WORK_MEM}'")
    join = " AND ".join(f"t.{column} = s.{column}" for column in keys)
    cursor.execute(
        f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.{customer} IS NULL THEN 1 ELSE 0 END), 0),"  # noqa: S608
        f" COALESCE(SUM(CASE WHEN t.{value} <> s.{value} THEN 1 ELSE 0 END), 0)"
        f" FROM {qn(STAGE)} s LEFT JOIN {table} t ON {join}"
    )
    total, created, updated = (int(n) for n in cursor.fetchone())
    if apply and (created or updated):
        columns = ", ".join((customer, day, metric, value))
        source = f"SELECT {columns} FROM {qn(STAGE)} WHERE true"  # noqa: S608 - "true": SQLite's upsert
        if total > created + updated:
            picked = ", ".join(f"s.{column}" for column in (customer, day, metric, value))
            source = (
                f"SELECT {picked} FROM {qn(STAGE)} s LEFT JOIN {table} t ON {join}"  # noqa: S608
                f" WHERE t.{customer} IS NULL OR t.{value} <> s.{value}"
            )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {source}"  # noqa: S608
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {value} = excluded.{value}"
            f" WHERE {table}.{value} <> excluded.{value}"
        )
    return created, updated, total - created - updated
