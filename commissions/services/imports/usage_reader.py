"""Reading a ``usage`` file a chunk at a time (DESIGN §3 ``usage``): CSV in blocks of bytes parsed by
Arrow's CSV reader, or an .xlsx workbook's first sheet streamed row by row (``workbook.SheetReader``).

Each chunk is ``(lines, cells)``: the file line of each row (the header is line 1) and one Arrow string
array per column of ``usage_checks.COLUMNS``. Blank lines are skipped; a row of the wrong width is an
error at its line, as in the generic engine (``base.read_rows``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .base import ErrorList, Refusal, RowError, Spec, check_header

BLOCK_BYTES = 16 * 1024 * 1024  # CSV bytes parsed at a time (about 400,000 usage rows)
SHEET_ROWS = 50_000  # workbook rows checked at a time
BOM = b"\xef\xbb\xbf"
LINE_BREAK = re.compile(r"\r\n|\r|\n")

Chunk = tuple[np.ndarray, list[pa.Array]]


def csv_chunks(spec: Spec, source: IO[bytes], errors: ErrorList) -> Iterator[Chunk]:
    """The chunks of the CSV file ``source``; width errors go to ``errors``. Raises ``Refusal`` for an
    empty file, a bad header, or bytes that are not UTF-8 (at their line, as ``base.decode``)."""
    blocks = _blocks(source)
    block = next(blocks, b"").removeprefix(BOM)
    while not block.strip(b" \t\r\n"):
        following = next(blocks, None)
        if following is None:
            raise Refusal([RowError(1, "", "", "the file is empty: it needs a header row and data rows")])
        block += following
    _check_utf8(block, 1)
    first = _line_end(block)
    try:
        header = next(csv.reader([block[:first].decode("utf-8").rstrip("\r\n")]))
    except (StopIteration, csv.Error) as exc:
        raise Refusal([RowError(1, "", "", f"the header cannot be read ({exc})")]) from exc
    positions = check_header(spec, header)
    width = len(header)
    block, start = block[first:], 2
    while True:
        if block:
            chunk = _parse(block, start, width, positions, errors)
            if chunk is not None:
                yield chunk
            start += _count_lines(block)
        following = next(blocks, None)
        if following is None:
            return
        block = following
        _check_utf8(block, start)


def _blocks(source: IO[bytes]) -> Iterator[bytes]:
    """Blocks of about ``BLOCK_BYTES``, each ending at a line end (the last one may not)."""
    rest = b""
    while data := source.read(BLOCK_BYTES):
        data = rest + data
        cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        if cut == 0:
            rest = data
            continue
        if data[cut - 1 : cut] == b"\r":  # keep a \r\n pair together: the \n may be the next block's
            cut -= 1
            if cut == 0:
                rest = data
                continue
        rest = data[cut:]
        yield data[:cut]
    if rest:
        yield rest


def _line_end(block: bytes) -> int:
    """Where the first line ends (after its line break)."""
    ends = [at for at in (block.find(b"\n"), block.find(b"\r")) if at >= 0]
    if not ends:
        return len(block)
    at = min(ends)
    return at + (2 if block[at : at + 2] == b"\r\n" else 1)


def _count_lines(block: bytes) -> int:
    """Lines in a block ending at a line break (\\n, \\r\\n or \\r, as Arrow and ``csv`` count them)."""
    breaks = block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
    return breaks + (0 if block.endswith((b"\n", b"\r")) else 1)


def _check_utf8(block: bytes, start: int) -> None:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = start + _count_lines(block[: exc.start]) - 1 if exc.start else start
        value = f"byte 0x{block[exc.start]:02x}"
        raise Refusal([RowError(line, "", value, "the file is not UTF-8: save it as UTF-8 CSV")]) from exc


def _parse(block: bytes, start: int, width: int, positions: list[int], errors: ErrorList) -> Chunk | None:
    """One block's rows: Arrow parses it; a row of the wrong width is reported and left out."""
    skipped: list[int] = []  # Arrow's record numbers (1-based) of the rows left out

    def invalid(row) -> str:
        skipped.append(row.number)
        if row.text.strip():  # a line of spaces is blank, as in ``base``
            reason = f"the row has {row.actual_columns} fields, the header has {width}"
            errors.append(RowError(start + row.number - 1, "", row.text[:200], reason))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pa_csv.read_csv(
        pa.BufferReader(block),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pa_csv.ParseOptions(invalid_row_handler=invalid, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,  # checked by ``_check_utf8``
        ),
    )
    cells = [table.column(names[at]).combine_chunks() for at in positions]
    records = np.delete(np.arange(1, table.num_rows + len(skipped) + 1), np.array(skipped, np.int64) - 1)
    lines = start + records - 1
    if table.num_rows + len(skipped) != _count_lines(block):
        lines = lines + _spanned(table, names)  # a quoted value holds a line break
    empty = _all_empty(table, names)
    if empty is not None:  # an empty line is a blank line (skipped), a line of commas a row
        text = LINE_BREAK.split(block.decode("utf-8"))
        blank = np.array([line - start >= len(text) or not text[line - start].strip() for line in lines])
        keep = np.flatnonzero(~(empty & blank))
        lines, cells = lines[keep], [each.take(pa.array(keep)) for each in cells]
    if not len(lines):
        return None
    return lines, cells


def _all_empty(table: pa.Table, names: list[str]) -> np.ndarray | None:
    """Which rows have every cell empty, or None when none has."""
    empty = None
    for name in names:
        column = table.column(name).combine_chunks()
        this = (pc.binary_length(column).to_numpy(zero_copy_only=False)) == 0
        empty = this if empty is None else empty & this
        if not empty.any():
            return None
    return empty


def _spanned(table: pa.Table, names: list[str]) -> np.ndarray:
    """The line breaks inside quoted values of the rows before each row (each shifts later lines)."""
    breaks = np.zeros(table.num_rows, np.int64)
    for name in names:
        column = table.column(name).combine_chunks()
        breaks += pc.count_substring_regex(column, r"\r\n|\r|\n").to_numpy(zero_copy_only=False)
    return np.concatenate([[0], np.cumsum(breaks)[:-1]]) if len(breaks) else breaks


def sheet_chunks(spec: Spec, reader, errors: ErrorList) -> Iterator[Chunk]:
    """The chunks of a workbook's first sheet (``workbook.SheetReader``); width errors go to ``errors``."""
    try:
        header = next(reader)
    except StopIteration as exc:
        raise Refusal([RowError(1, "", "", "the header cannot be read")]) from exc
    positions = check_header(spec, header)
    width = len(header)
    lines: list[int] = []
    records: list[list[str]] = []
    for cells in reader:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            reason = f"the row has {len(cells)} fields, the header has {width}"
            errors.append(RowError(reader.line_num, "", ",".join(cells)[:200], reason))
            continue
        lines.append(reader.line_num)
        records.append(cells)
        if len(records) == SHEET_ROWS:
            yield _columns(lines, records, positions)
            lines, records = [], []
    if records:
        yield _columns(lines, records, positions)


def _columns(lines: list[int], records: list[list[str]], positions: list[int]) -> Chunk:
    columns = list(zip(*records, strict=True))
    return np.array(lines, np.int64), [pa.array(columns[at], pa.string()) for at in positions]
