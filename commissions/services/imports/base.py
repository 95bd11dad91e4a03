"""The import engine (DESIGN §3): one reader and validator for every kind, driven by a ``Spec``.

A spec declares a kind's columns and their parsers, its natural key, the rows it references and any
cross-row rules; the engine reads the whole file, reports every bad row and only then lets a writer
touch the database.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.db import models

from commissions.bulk import Columns
from core.errors import AttainError

from .parsers import Invalid, Parser

RESOLVE_CHUNK = 2000
LOAD_ALL_ABOVE = 20_000
# A refusal lists the first errors of a file and counts the others: two million bad rows would make a
# report (and an API response) of hundreds of megabytes that no one reads past its first screens.
MAX_REPORTED_ERRORS = 1000
# Control characters are refused in every cell (a NUL used to crash the import instead of refusing it).
from core.text import CONTROL_CHARACTERS  # noqa: E402


def _visible(text: str) -> str:
    """``text`` with its control characters spelled out (``\\x00``), so a report can show and store it."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row, or header): where it is in the file and why it is refused."""

    line: int
    column: str
    value: str
    reason: str

    def __post_init__(self):
        if CONTROL_CHARACTERS.search(self.value):
            object.__setattr__(self, "value", _visible(self.value))

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}, value {self.value!r}: {self.reason}"


class ErrorList(list):
    """Errors in any order: keeps the ``MAX_REPORTED_ERRORS`` first by line and counts the others, so a
    file of millions of bad rows never holds millions of errors in memory."""

    def __init__(self, errors: Iterable[RowError] = ()):
        super().__init__()
        self.dropped = 0
        self.extend(errors)

    def append(self, error: RowError) -> None:
        super().append(error)
        if len(self) >= 2 * MAX_REPORTED_ERRORS:
            self.sort(key=lambda each: each.line)
            self.dropped += len(self) - MAX_REPORTED_ERRORS
            del self[MAX_REPORTED_ERRORS:]

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)
        self.dropped += getattr(errors, "dropped", 0)

    def __iadd__(self, errors: Iterable[RowError]) -> ErrorList:
        self.extend(errors)
        return self


class Refusal(Exception):
    """Raised inside the engine when a file is refused: its first errors by line, and how many in all."""

    def __init__(self, errors: list[RowError]):
        self.count = len(errors) + getattr(errors, "dropped", 0)
        super().__init__(f"{self.count} error(s)")
        self.errors = sorted(errors, key=lambda error: error.line)[:MAX_REPORTED_ERRORS]


class ImportRefused(AttainError):
    """The file was refused and nothing was written; ``errors`` lists the first bad rows (at most
    ``MAX_REPORTED_ERRORS``), ``error_count`` counts them all."""

    def __init__(
        self, kind: str, errors: list[RowError], record: Any = None, *, error_count: int | None = None
    ):
        self.error_count = len(errors) if error_count is None else error_count
        lines = "\n".join(f"  {error}" for error in errors)
        more = self.error_count - len(errors)
        if more > 0:
            lines += f"\n  … and {more} more error(s); the first {len(errors)} are listed"
        super().__init__(
            f"The {kind} file was refused ({self.error_count} error(s)); nothing was imported:\n{lines}"
        )
        self.kind = kind
        self.errors = errors
        self.record = record


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = True
    default: Any = None  # the value of an empty optional cell
    # The header may leave the column out: the file then says nothing of it, and its field is left as
    # stored (customers' ae_employee_id, added after files without it were in use).
    may_be_absent: bool = False


@dataclass(frozen=True)
class Reference:
    """``column`` holds the id of a ``model`` row found by its ``lookup`` field."""

    column: str
    model: type[models.Model]
    lookup: str
    label: str
    in_file: bool = False  # may also name a row of the same file (DESIGN §3: a manager listed later)


@dataclass
class ParsedFile:
    """The valid rows of a file: ``(line, value, value, …)`` tuples in the spec's column order."""

    spec: Spec
    rows: list[tuple] = field(default_factory=list)
    refs: dict[str, dict[Any, Any]] = field(default_factory=dict)
    user: Any = None  # who imports (None: a command without --user); checks may depend on it
    absent: frozenset[str] = frozenset()  # the columns the header left out (``Column.may_be_absent``)

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """The spec's (model field, file column) pairs the file writes: an absent column's field is left
        as stored."""
        return tuple((name, column) for name, column in self.spec.fields if column not in self.absent)

    def index(self, column: str) -> int:
        return self.spec.column_index[column]

    def values(self, row: tuple) -> dict[str, Any]:
        return {column.name: row[i + 1] for i, column in enumerate(self.spec.columns)}

    def column(self, column: str) -> list[Any]:
        """Every row's value of ``column``, in row order."""
        return list(map(itemgetter(self.index(column)), self.rows))

    def column_of_lines(self) -> list[int]:
        """Every row's line in the file, in row order."""
        return list(map(itemgetter(0), self.rows))


Counts = tuple[int, int, int]  # created, updated, unchanged


@dataclass(frozen=True)
class Spec:
    """Everything that makes one kind of import different from another."""

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    model: type[models.Model] | None = None
    # (model field, file column) pairs; the model's natural key first, ``len(key)`` of them.
    fields: tuple[tuple[str, str], ...] = ()
    references: tuple[Reference, ...] = ()
    check_row: Callable[[dict[str, Any]], Iterable[tuple[str, str]]] | None = None
    check_file: Callable[[ParsedFile], list[RowError]] | None = None
    # Runs in the import's transaction before writing; returns more column -> db value maps.
    prepare: Callable[[ParsedFile], dict[str, dict[Any, Any]]] | None = None
    write: Callable[[ParsedFile, bool], Counts] | None = None
    # Passed to ``writers.upsert``: runs after staging, before the table changes (e.g. to keep what a draft
    # snapshot had before, for the CCO's review).
    before_write: Callable[[Any, str], None] | None = None
    # A kind too large to hold as ``ParsedFile.rows`` (``usage``: tens of millions of rows) reads, checks
    # and writes its file itself, a chunk at a time: ``stream(spec, source, file_name=…, apply=…)`` with a
    # seekable binary file, in the import's transaction, returns ``(rows, counts)`` or raises ``Refusal``.
    stream: Callable[..., tuple[int, Counts]] | None = None
    # The largest file such a kind reads from disk (the command); uploads stay under MAX_UPLOAD_BYTES.
    max_file_bytes: int | None = None

    @property
    def header(self) -> str:
        return ",".join(column.name for column in self.columns)

    @cached_property
    def column_index(self) -> dict[str, int]:
        return {column.name: i + 1 for i, column in enumerate(self.columns)}


def decode(data: bytes) -> str:
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise Refusal([RowError(1, "", "", "the file is empty: it needs a header row and data rows")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        value = f"byte 0x{data[exc.start]:02x}"
        raise Refusal([RowError(line, "", value, "the file is not UTF-8: save it as UTF-8 CSV")]) from exc


def check_header(spec: Spec, header: list[str]) -> list[int | None]:
    """Positions of the spec's columns in the file (None: a column that may be absent and is); any
    missing or unknown column refuses the file."""
    names = [name.strip() for name in header]
    expected = [column.name for column in spec.columns]
    optional = {column.name for column in spec.columns if column.may_be_absent}
    missing = [name for name in expected if name not in names and name not in optional]
    unknown = [name for name in names if name not in expected]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if unknown:
        problems.append("unknown " + ", ".join(repr(name) for name in unknown))
    if repeated:
        problems.append("repeated " + ", ".join(repeated))
    if problems:
        if optional:
            problems.append(f"{', '.join(sorted(optional))} may be left out")
        reason = f"the header must be {spec.header} ({'; '.join(problems)})"
        raise Refusal([RowError(1, "", ",".join(header), reason)])
    return [names.index(name) if name in names else None for name in expected]


def read_rows(spec: Spec, text: str | None, reader: Any = None) -> tuple[ParsedFile, list[RowError]]:
    """Parse and check every row; returns the valid rows and the errors of the others.

    ``reader``: the rows of a workbook's sheet instead of CSV ``text`` (``workbook.SheetReader``: like a
    ``csv.reader``, each ``next`` gives a row's cells and ``line_num`` its line, the sheet row).

    Rows are read ``CHUNK_ROWS`` at a time and checked a column at a time: each distinct cell of a
    column is parsed once and the column mapped through the result, so a file of a million rows costs
    a few loops over C lists rather than a Python step per cell. The errors are the same as a row by
    row reading would give, each row's in the order of its columns (``Refusal`` sorts them by line).
    """
    if reader is None:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise Refusal([RowError(1, "", "", f"the header cannot be read ({exc})")]) from exc
    positions = check_header(spec, header)
    # checked cell by cell only when present (in a sheet's cells, always)
    controls = text is None or CONTROL_CHARACTERS.search(text) is not None
    chunk = _Chunk(spec, positions, len(header), controls)
    absent = frozenset(c.name for c, at in zip(spec.columns, positions, strict=True) if at is None)
    parsed, errors, seen = ParsedFile(spec, absent=absent), ErrorList(), {}
    with _cycle_collector_paused():
        for lines, records in _numbered(reader, errors):
            rows, raws = chunk.cells(lines, records, errors)
            rows, raws = chunk.checked(rows, raws, errors)
            parsed.rows.extend(chunk.unique(rows, raws, seen, errors))
    return parsed, errors


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is read.

    Each chunk's lists live long enough to reach the oldest generation, so the collector ran full
    passes over every row read so far, again and again, and found nothing: the rows hold no cycles.
    L's 1,273,278 score rows read in 15 s with it, 7.5 s without (the same machine, one after the
    other). Reference counting still frees every chunk as soon as it is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


CHUNK_ROWS = 20_000  # rows read and checked at a time: a chunk's raw cells are all held at once
CACHED_CELLS = 200_000  # distinct cells of a column remembered at most


class _Chunk:
    """The checks of ``read_rows`` on a chunk of rows: cells, then the spec's row rule, then the key."""

    def __init__(self, spec: Spec, positions: list[int | None], width: int, controls: bool):
        self.spec, self.positions, self.width, self.controls = spec, positions, width, controls
        self.names = [column.name for column in spec.columns]
        self.key_at = [spec.column_index[name] for name in spec.key]
        # Per column, what each cell seen so far reads as, or why it is refused. Files repeat dates,
        # scores and ids: a value is parsed once, and its rows share one object (less memory).
        self.known: list[dict[str, Any]] = [{} for _ in spec.columns]
        self.refused: list[dict[str, str]] = [{} for _ in spec.columns]

    def cells(self, lines: list[int], records: list[list[str]], errors: ErrorList):
        """Rows ``(line, value, …)`` of the records whose every cell parses, and their stripped cells by
        column; blank lines are skipped, a row of the wrong width or with a bad cell is an error."""
        if self.width < 2 or set(map(len, records)) != {self.width}:
            lines, records = self._full_width(lines, records, errors)
        raws, values, bad = [], [], set()
        for at, column in enumerate(self.spec.columns):
            at_file = self.positions[at]
            if at_file is None:  # left out of the header: every cell empty, never written
                raw = [""] * len(records)
            else:
                raw = list(map(str.strip, map(itemgetter(at_file), records)))
            known, refused = self._learn(at, column, set(raw))
            if not refused.keys().isdisjoint(raw):
                for i, cell in enumerate(raw):
                    if cell in refused:
                        errors.append(RowError(lines[i], column.name, cell, refused[cell]))
                        bad.add(i)
            raws.append(raw)
            values.append(list(map(known.get, raw)))
        rows = list(zip(lines, *values, strict=True))
        if bad:
            keep = [i for i in range(len(rows)) if i not in bad]
            rows = [rows[i] for i in keep]
            raws = [[raw[i] for i in keep] for raw in raws]
        return rows, raws

    def _learn(self, at: int, column: Column, cells: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
        """Parse the column's cells not seen before; its maps of good and refused cells."""
        known, refused = self.known[at], self.refused[at]
        for seen in (known, refused):
            if len(seen) > CACHED_CELLS:  # a column of unique values (ids): keep memory bounded
                seen.clear()
        for cell in cells.difference(known, refused):
            if self.controls and (found := CONTROL_CHARACTERS.search(cell)):
                refused[cell] = f"holds the control character U+{ord(found.group()):04X}: remove it"
            elif not cell:
                if column.required:
                    refused[cell] = "required"
                else:
                    known[cell] = column.default
            else:
                try:
                    known[cell] = column.parse(cell)
                except Invalid as exc:
                    refused[cell] = exc.reason
        return known, refused

    def _full_width(self, lines: list[int], records: list[list[str]], errors: ErrorList):
        kept_lines, kept = [], []
        for line, cells in zip(lines, records, strict=True):
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            if len(cells) != self.width:
                reason = f"the row has {len(cells)} fields, the header has {self.width}"
                errors.append(RowError(line, "", ",".join(cells)[:200], reason))
                continue
            kept_lines.append(line)
            kept.append(cells)
        return kept_lines, kept

    def checked(self, rows: list[tuple], raws: list[list[str]], errors: ErrorList):
        """The rows the spec's ``check_row`` finds nothing wrong with."""
        check = self.spec.check_row
        if check is None:
            return rows, raws
        keep = []
        for i, row in enumerate(rows):
            problems = list(check(dict(zip(self.names, row[1:], strict=True))))
            for column_name, reason in problems:
                raw = raws[self.spec.column_index[column_name] - 1][i]
                errors.append(RowError(row[0], column_name, raw, reason))
            if not problems:
                keep.append(i)
        if len(keep) == len(rows):
            return rows, raws
        return [rows[i] for i in keep], [[raw[i] for i in keep] for raw in raws]

    def unique(self, rows: list[tuple], raws, seen: dict[Any, int], errors: ErrorList) -> list[tuple]:
        """The rows whose natural key no earlier row has; ``seen`` maps each key to its first line."""
        keys = list(map(itemgetter(*self.key_at), rows))
        first = dict(zip(reversed(keys), [row[0] for row in reversed(rows)], strict=True))
        if len(first) == len(keys) and seen.keys().isdisjoint(first):
            seen.update(first)
            return rows
        kept = []
        for key, row in zip(keys, rows, strict=True):
            line = seen.setdefault(key, row[0])
            if line != row[0]:
                shown = key if len(self.key_at) == 1 else ", ".join(str(part) for part in key)
                reason = f"duplicate {'/'.join(self.spec.key)} {shown}: already on line {line}"
                errors.append(RowError(row[0], self.spec.key[0], str(row[self.key_at[0]]), reason))
                continue
            kept.append(row)
        return kept


def _numbered(reader: Any, errors: list[RowError]) -> Iterator[tuple[list[int], list[list[str]]]]:
    """Chunks of rows, with the file line each starts on (a quoted cell may span lines)."""
    next_line = reader.line_num + 1
    lines: list[int] = []
    records: list[list[str]] = []
    while True:
        try:
            for cells in reader:
                lines.append(next_line)
                records.append(cells)
                next_line = reader.line_num + 1
                if len(records) == CHUNK_ROWS:
                    yield lines, records
                    lines, records = [], []
            break
        except csv.Error as exc:
            errors.append(RowError(next_line, "", "", f"the row cannot be read as CSV ({exc})"))
            next_line = reader.line_num + 1
    if records:
        yield lines, records


def resolve(model: type[models.Model], lookup: str, values: set[Any]) -> dict[Any, Any]:
    """``{id in the file: primary key}`` for the ids that exist, in few queries."""
    found: dict[Any, Any] = {}
    if not values:
        return found
    if len(values) > LOAD_ALL_ABOVE:
        for value, pk in model._default_manager.values_list(lookup, "pk").iterator(chunk_size=10_000):
            if value in values:
                found[value] = pk
        return found
    ordered = sorted(values)
    for start in range(0, len(ordered), RESOLVE_CHUNK):
        chunk = ordered[start : start + RESOLVE_CHUNK]
        found.update(model._default_manager.filter(**{f"{lookup}__in": chunk}).values_list(lookup, "pk"))
    return found


def check_references(parsed: ParsedFile) -> list[RowError]:
    spec, errors = parsed.spec, ErrorList()
    for ref in spec.references:
        column = parsed.column(ref.column)
        wanted = set(column)
        wanted.discard(None)
        found = resolve(ref.model, ref.lookup, wanted)
        parsed.refs[ref.column] = found
        in_file: set[Any] = set(parsed.column(spec.key[0])) if ref.in_file else set()
        if not wanted.difference(found, in_file):
            continue  # every reference known: no need to look at each row
        for row, value in zip(parsed.rows, column, strict=True):
            if value is not None and value not in found and value not in in_file:
                where = "in the database" + (" or this file" if ref.in_file else "")
                errors.append(
                    RowError(row[0], ref.column, value, f"unknown {ref.label} {value!r}: not {where}")
                )
    return errors


def validate(spec: Spec, data: bytes, *, user: Any = None, reader: Any = None) -> ParsedFile:
    """Read and check the whole file as ``user``; raise ``Refusal`` with every error if any row is bad.

    ``reader``: the rows when ``data`` is a workbook (``workbook.validate_upload`` passes its sheet)."""
    parsed, errors = read_rows(spec, None, reader) if reader is not None else read_rows(spec, decode(data))
    parsed.user = user
    errors += check_references(parsed)
    if spec.check_file is not None:
        errors += spec.check_file(parsed)
    if errors:
        raise Refusal(errors)
    return parsed


def db_rows(parsed: ParsedFile, resolvers: dict[str, dict[Any, Any]]) -> Columns:
    """The rows as database values in ``spec.fields`` order (references become keys), column by column
    (``bulk.Columns``, which also iterates as row tuples)."""
    columns = []
    for _field, name in parsed.fields:
        column, mapping = parsed.column(name), resolvers.get(name)
        if mapping is not None:
            # Every reference was resolved by ``validate``: a missing one is a KeyError, as it should be.
            keys = {**mapping, None: None}
            column = list(map(keys.__getitem__, column))
        columns.append(column)
    return Columns(columns)
