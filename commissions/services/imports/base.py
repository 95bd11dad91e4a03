"""The import engine (DESIGN §3): one reader and validator for every kind, driven by a ``Spec``.

A spec declares a kind's columns and their parsers, its natural key, the rows it references and any
cross-row rules; the engine reads the whole file, reports every bad row and only then lets a writer
touch the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models

from core.errors import AttainError

from .parsers import Invalid, Parser, cached

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

    def index(self, column: str) -> int:
        return self.spec.column_index[column]

    def values(self, row: tuple) -> dict[str, Any]:
        return {column.name: row[i + 1] for i, column in enumerate(self.spec.columns)}


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


def check_header(spec: Spec, header: list[str]) -> list[int]:
    """Positions of the spec's columns in the file; any missing or unknown column refuses the file."""
    names = [name.strip() for name in header]
    expected = [column.name for column in spec.columns]
    missing = [name for name in expected if name not in names]
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
        reason = f"the header must be {spec.header} ({'; '.join(problems)})"
        raise Refusal([RowError(1, "", ",".join(header), reason)])
    return [names.index(name) for name in expected]


def read_rows(spec: Spec, text: str) -> tuple[ParsedFile, list[RowError]]:
    """Parse and check every row; returns the valid rows and the errors of the others."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise Refusal([RowError(1, "", "", f"the header cannot be read ({exc})")]) from exc
    positions = check_header(spec, header)
    width = len(header)
    columns = list(
        zip(spec.columns, positions, [cached(column.parse) for column in spec.columns], strict=True)
    )
    key_at = [spec.column_index[name] for name in spec.key]
    parsed, errors, seen = ParsedFile(spec), ErrorList(), {}
    controls = CONTROL_CHARACTERS.search(text) is not None  # checked cell by cell only when present
    next_line = reader.line_num + 1
    for line, cells in _numbered(reader, next_line, errors):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        if len(cells) != width:
            reason = f"the row has {len(cells)} fields, the header has {width}"
            errors.append(RowError(line, "", ",".join(cells)[:200], reason))
            continue
        values: list[Any] = [line]
        bad = False
        for column, position, parse in columns:
            raw = cells[position].strip()
            if controls and CONTROL_CHARACTERS.search(raw):
                character = CONTROL_CHARACTERS.search(raw).group()
                reason = f"holds the control character U+{ord(character):04X}: remove it"
                errors.append(RowError(line, column.name, raw, reason))
                bad = True
                continue
            if not raw:
                if column.required:
                    errors.append(RowError(line, column.name, "", "required"))
                    bad = True
                values.append(column.default)
                continue
            try:
                values.append(parse(raw))
            except Invalid as exc:
                errors.append(RowError(line, column.name, raw, exc.reason))
                bad = True
        if bad:
            continue
        row = tuple(values)
        if spec.check_row is not None:
            problems = list(spec.check_row(parsed.values(row)))
            for column_name, reason in problems:
                raw = cells[positions[spec.column_index[column_name] - 1]].strip()
                errors.append(RowError(line, column_name, raw, reason))
            if problems:
                continue
        key = row[key_at[0]] if len(key_at) == 1 else tuple(row[i] for i in key_at)
        first = seen.setdefault(key, line)
        if first != line:
            shown = key if len(key_at) == 1 else ", ".join(str(part) for part in key)
            reason = f"duplicate {'/'.join(spec.key)} {shown}: already on line {first}"
            errors.append(RowError(line, spec.key[0], str(row[key_at[0]]), reason))
            continue
        parsed.rows.append(row)
    return parsed, errors


def _numbered(reader: Any, next_line: int, errors: list[RowError]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line they start on (a quoted cell may span lines)."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(next_line, "", "", f"the row cannot be read as CSV ({exc})"))
            next_line = reader.line_num + 1
            continue
        yield next_line, cells
        next_line = reader.line_num + 1


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
        at = parsed.index(ref.column)
        wanted = {row[at] for row in parsed.rows if row[at] is not None}
        found = resolve(ref.model, ref.lookup, wanted)
        parsed.refs[ref.column] = found
        in_file: set[Any] = set()
        if ref.in_file:
            key_at = parsed.index(spec.key[0])
            in_file = {row[key_at] for row in parsed.rows}
        for row in parsed.rows:
            value = row[at]
            if value is not None and value not in found and value not in in_file:
                where = "in the database" + (" or this file" if ref.in_file else "")
                errors.append(
                    RowError(row[0], ref.column, value, f"unknown {ref.label} {value!r}: not {where}")
                )
    return errors


def validate(spec: Spec, data: bytes, *, user: Any = None) -> ParsedFile:
    """Read and check the whole file as ``user``; raise ``Refusal`` with every error if any row is bad."""
    parsed, errors = read_rows(spec, decode(data))
    parsed.user = user
    errors += check_references(parsed)
    if spec.check_file is not None:
        errors += spec.check_file(parsed)
    if errors:
        raise Refusal(errors)
    return parsed


def db_rows(parsed: ParsedFile, resolvers: dict[str, dict[Any, Any]]) -> Iterator[tuple]:
    """The rows as tuples of database values in ``spec.fields`` order (references become keys)."""
    getters = []
    for _field, column in parsed.spec.fields:
        at, mapping = parsed.index(column), resolvers.get(column)
        getters.append((at, mapping))
    for row in parsed.rows:
        yield tuple(
            row[at] if mapping is None or row[at] is None else mapping[row[at]] for at, mapping in getters
        )
