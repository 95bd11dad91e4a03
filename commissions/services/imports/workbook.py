"""Excel workbooks as import files (docs/imports.md "Excel workbooks"; DESIGN §3): the first sheet of an
.xlsx is read as the rows a CSV file would give, so the engine validates and reports it the same way.

The sheet is streamed row by row (openpyxl read-only, cached values): a row's line is its sheet row,
the header being row 1. Cells become the text a CSV would hold — numbers exactly as the workbook stores
them (7500, 0.1: never a spurious ``.0`` nor a binary rounding), dates as YYYY-MM-DD — and a cell no
CSV could hold (TRUE/FALSE, a date with a time of day, an Excel error, a formula without a saved value)
is a bad value at its line and column.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from . import base
from .base import ErrorList, ParsedFile, Refusal, RowError, Spec

ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other compound documents
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
SAVE_AS = "save it from Excel as .xlsx (Excel Workbook) or CSV UTF-8"
# The shared-strings table is the one part read whole into memory: a small upload that unpacks to
# gigabytes of text (a zip bomb) is refused before it is read.
UNPACKED_TEXT_LIMIT_FACTOR = 4


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is a zip archive, as an .xlsx workbook is (told by content, not by name)."""
    return data.startswith(ZIP_MAGIC)


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is no text at all — a PDF, an image, an archive — rather than a CSV in the wrong
    encoding (UTF-16, Latin-1: the CSV reader says how to save it): its start is not UTF-8 and holds
    control bytes no text file has. A UTF-8 CSV with a stray control character is text (that cell is
    refused at its line and column)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark: text
        return False
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the 4 KB slice
            return False
    return any(byte < 9 or 13 < byte < 32 for byte in head)


def validate_upload(spec: Spec, data: bytes, *, file_name: str = "", user: Any = None) -> ParsedFile:
    """Validate ``data`` — CSV, or an .xlsx workbook's first sheet — as ``spec``'s kind (``base.validate``).

    The format is told by the content; the name only refuses a mismatch. Raises ``Refusal``: every bad
    row of either format, or one error for a file that cannot be read as its name says (a workbook named
    .csv, a CSV named .xlsx, an Excel 97-2003 .xls, a damaged workbook, an empty first sheet).
    """
    suffix = PurePath(file_name or "").suffix.lower()
    name = file_name or "the file"
    if data.startswith(OLE_MAGIC):
        _refuse(f"{name} is an Excel 97-2003 workbook (.xls), which is not read: {SAVE_AS}")
    if not is_workbook(data):
        if suffix in WORKBOOK_SUFFIXES and looks_binary(data):
            _refuse(
                f"{name} is not an Excel workbook: an .xlsx file is a zip archive and this one is not"
                f" (another kind of file renamed {suffix}?). Upload the workbook as Excel saves it,"
                " or the data as CSV UTF-8"
            )
        if suffix in WORKBOOK_SUFFIXES:
            _refuse(f"{name} is not an Excel workbook but a text (CSV) file: name it .csv, or {SAVE_AS}")
        if looks_binary(data):
            _refuse(
                f"{name} is neither a CSV text file nor an Excel workbook (it holds binary data: another kind"
                " of file?). Upload the data as CSV UTF-8, or as a workbook as Excel saves it (.xlsx)"
            )
        return base.validate(spec, data, user=user)
    if suffix in TEXT_SUFFIXES:
        _refuse(f"{name} is an Excel workbook, not a {suffix} text file: name it .xlsx, or {SAVE_AS}")
    reader = SheetReader(data, spec, name=name)
    try:
        try:
            parsed = base.validate(spec, data, user=user, reader=reader)
        except Refusal as refusal:
            raise reader.merged(refusal) from None
        if reader.errors:
            raise reader.merged(None)
        return parsed
    finally:
        reader.close()


def _refuse(reason: str) -> None:
    raise Refusal([RowError(1, "", "", reason)])


class _Uncached(str):
    """A formula cell without a saved value (``data_only`` reads it as empty): its formula."""


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, telling a formula without a saved value from an empty cell.

    Excel saves a formula's value in ``<v>``; a formula whose text result is empty has an empty ``<v>``
    of type ``str``. No ``<v>``, or an empty one of another type (how openpyxl and other generators
    write formulas they cannot compute), is no saved value."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        formula = element.find(FORMULA_TAG)
        saved = element.find(VALUE_TAG)
        unsaved = saved is None or (not saved.text and element.get("t") != "str")
        if cell["value"] is None and formula is not None and unsaved:
            cell["value"] = _Uncached("=" + formula.text if formula.text else "(a formula)")
        return cell


def cell_text(value: Any, data_type: str = "n") -> tuple[str, str | None]:
    """A cell's value as the text a CSV would hold, and the reason it is a bad value (None when fine)."""
    if value is None:
        return "", None
    if isinstance(value, _Uncached):
        return str(value), "a formula without a saved value: open the workbook in Excel and save it first"
    if data_type == "e":
        return str(value), f"the cell holds the Excel error {value}"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), "a TRUE/FALSE cell: type the value itself"
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.isoformat(sep=" "), "a date with a time of day: dates are imported without one"
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, time):
        return value.isoformat(), "a time of day, not a date or a number"
    if isinstance(value, timedelta):
        return str(value), "a duration, not a date or a number"
    return str(value), None


def _number(value: float) -> tuple[str, str | None]:
    """The shortest decimal that is the stored double (``repr``), written out without an exponent or a
    trailing ``.0``: 7500.0 → "7500", 0.1 → "0.1", 1e-05 → "0.00001"."""
    exact = Decimal(repr(value))
    if not exact.is_finite():
        return repr(value), "not a finite number"
    text = format(exact.normalize(), "f")
    return ("0" if text == "-0" else text), None


class SheetReader:
    """The first sheet's rows, as ``base.read_rows`` reads a ``csv.reader``: ``next`` gives the next row's
    cells (``[]`` for an empty row), ``line_num`` the sheet row it was. Bad cells are kept in ``errors``.

    A bad cell in a required column reaches the engine empty, which reports it "required" too: ``merged``
    shows the cell's own reason instead (``shadowed`` counts those). A bad cell in an optional column
    blanks its row, so no rule judges the row by a value it does not have.
    """

    def __init__(self, data: bytes, spec: Spec, *, name: str = "the workbook"):
        self.line_num = 0
        self.errors = ErrorList()
        self.shadowed = 0
        self._required = {column.name for column in spec.columns if column.required}
        self._header: list[str] | None = None
        self._pending: tuple[int, list[dict]] | None = None
        self._book = None
        _refuse_unpacked_too_large(data, name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
                self._book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
                sheets = self._book.worksheets
                if not sheets:
                    _refuse(f"{name} has no worksheet: the first sheet holds the rows")
                self._sheet = sheets[0]
                self._source = self._sheet._get_source()
                # The reader openpyxl's read-only sheets use, with the workbook's date formats and epoch.
                parser = _Parser(
                    self._source,
                    self._sheet._shared_strings,
                    data_only=True,
                    epoch=self._book.epoch,
                    date_formats=self._book._date_formats,
                    timedelta_formats=self._book._timedelta_formats,
                )
        except Refusal:
            self.close()
            raise
        except Exception as exc:  # openpyxl raises a dozen kinds for a damaged or foreign archive
            self.close()
            _refuse(f"{name} cannot be read as an Excel workbook ({type(exc).__name__}): {SAVE_AS}")
        self._name = name
        self._rows = parser.parse()

    def close(self) -> None:
        source = getattr(self, "_source", None)
        if source is not None:
            source.close()
        if self._book is not None:
            self._book.close()
            self._book = None

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        if self._header is None:
            return self._read_header()
        if self._pending is None:
            self._pending = self._next_xml_row()
            if self._pending is None:
                raise StopIteration
        row, cells = self._pending
        if row <= self.line_num:
            _refuse(f"{self._name}: the sheet's rows are out of order (row {row} after row {self.line_num})")
        self.line_num += 1
        if row > self.line_num:
            return []  # a row the sheet leaves out: empty, as a blank CSV line
        self._pending = None
        return self._row(row, cells)

    def _next_xml_row(self) -> tuple[int, list[dict]] | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return next(self._rows)
        except StopIteration:
            return None
        except Exception as exc:  # a damaged sheet found while streaming it
            _refuse(f"{self._name}: the sheet cannot be read past row {self.line_num} ({type(exc).__name__})")

    def _read_header(self) -> list[str]:
        while (found := self._next_xml_row()) is not None:
            row, cells = found
            texts = {cell["column"]: cell_text(cell["value"], cell["data_type"]) for cell in cells}
            if not any(text or reason for text, reason in texts.values()):
                continue  # formatted but empty
            if row != 1:
                _refuse(
                    f"row 1 of the first sheet ({self._sheet.title}) is empty: the header must be in row 1"
                    f" (the first values are in row {row})"
                )
            width = max(column for column, (text, reason) in texts.items() if text or reason)
            header = []
            for column in range(1, width + 1):
                text, reason = texts.get(column, ("", None))
                if reason:
                    self.errors.append(RowError(1, get_column_letter(column), text, reason))
                    text = ""
                header.append(text)
            self._header, self.line_num = header, 1
            return header
        _refuse(
            f"the first sheet ({self._sheet.title}) is empty: it needs a header row in row 1 and data rows"
        )

    def _row(self, row: int, cells: list[dict]) -> list[str]:
        header = self._header
        width = len(header)
        values: dict[int, str] = {}
        bad: list[tuple[int, str, str]] = []
        for cell in cells:
            text, reason = cell_text(cell["value"], cell["data_type"])
            column = cell["column"]
            if reason and column <= width:
                bad.append((column, text, reason))
                text = ""
            if text:
                values[column] = text
        if not values and not bad:
            return []
        # Empty cells past the header are no fields (Excel keeps formatted ones); a value there is.
        last = max([width, *values])
        out = [values.get(column, "") for column in range(1, last + 1)]
        blank = False
        for column, text, reason in bad:
            name = header[column - 1].strip() or get_column_letter(column)
            self.errors.append(RowError(row, name, text, reason))
            blank = blank or name not in self._required
        if blank:
            return []
        if len(out) == width and width > 1:
            self.shadowed += len(bad)  # the engine says "required" for each: ``merged`` drops it
        return out

    def merged(self, refusal: Refusal | None) -> Refusal:
        """One refusal of the engine's errors and the sheet's bad cells, each bad cell once."""
        own = {(error.line, error.column) for error in self.errors}
        theirs = [] if refusal is None else [e for e in refusal.errors if (e.line, e.column) not in own]
        count = (
            (0 if refusal is None else refusal.count - self.shadowed) + len(self.errors) + self.errors.dropped
        )
        combined = ErrorList(theirs)
        combined.extend(self.errors)
        result = Refusal(combined)
        result.count = count
        return result


def _refuse_unpacked_too_large(data: bytes, name: str) -> None:
    limit = UNPACKED_TEXT_LIMIT_FACTOR * settings.MAX_UPLOAD_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text = sum(
                info.file_size for info in archive.infolist() if info.filename.endswith("sharedStrings.xml")
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # load_workbook says it cannot be read
    if text > limit:
        _refuse(f"{name} unpacks to {text:,} bytes of text (at most {limit:,}): {SAVE_AS}, or split it")
