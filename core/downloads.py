"""The one writer of every CSV and XLSX file Attain hands out (dashboard tables, payroll, audit, API).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or
a carriage return) as a formula: a customer named ``=HYPERLINK(…)`` would become a live link in the
finance team's Excel. Every text cell that starts so is written with a leading single quote, as OWASP
recommends for CSV injection; numbers stay numbers — an ``int``/``Decimal`` is a numeric cell, and the
text of a plain number such as ``-12.50`` (how the payroll writes money) is left as it is, since it can
never be a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def safe_text(text: str) -> str:
    """``text`` that no spreadsheet reads as a formula: quoted when it starts like one."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """A cell value as written: text neutralised, numbers, dates and empty cells untouched."""
    if isinstance(value, str):
        return safe_text(value)
    return value


class SafeCSVWriter:
    """``csv.writer`` whose every row goes through ``safe_cell``."""

    def __init__(self, out: TextIO, **options: Any):
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **options: Any) -> SafeCSVWriter:
    """The CSV writer of every download (``lineterminator`` defaults to ``\\n``)."""
    return SafeCSVWriter(out, **options)


def xlsx_value(value: Any) -> Any:
    """A cell value as Excel can hold it: an aware datetime in the local time zone without its tzinfo
    (Excel has no time zones); a Decimal as a number (Excel keeps binary floats — the exact values are in
    the CSV download). Text is written by ``xlsx_bytes`` as a text cell."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text_cell(sheet, text: str):
    """A cell typed as text: Excel shows ``=1+1`` as those four characters and never evaluates it, so the
    text needs no quote (the CSV, which has no cell types, quotes it: ``safe_text``)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    return cell


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """One sheet titled ``title`` (cut to Excel's 31 characters) with ``header`` and ``rows``; every
    text is a text cell (no formula), every number a number."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=re.sub(r"[:\\/?*\[\]]", " ", title)[:31].strip() or "Sheet")

    def cell(value: Any) -> Any:
        return _text_cell(sheet, value) if isinstance(value, str) else xlsx_value(value)

    sheet.append([cell(label) for label in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
