"""The checks of a ``usage`` import (DESIGN §3 ``usage``, §9.3), a chunk of rows at a time.

A usage file is large (a quarter of daily usage for 100,000 customers is about 37 million rows), so its
rows are never held as Python objects: each chunk arrives as Arrow string arrays, one per column, and
each column is checked through its distinct cells (a chunk of 400,000 rows names a few dozen dates and
metrics and at most every customer once). The errors are those of the generic engine (``base``): a
``RowError`` per bad cell with its line, the first ``MAX_REPORTED_ERRORS`` by line kept and the others
counted (``ErrorList``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from adoption.models import Customer, UsageRecord
from core.text import CONTROL_CHARACTERS

from . import parsers as p
from .base import MAX_REPORTED_ERRORS, ErrorList, RowError
from .parsers import Invalid

COLUMNS = ("customer_id", "date", "metric", "value")
KEY = ("customer_id", "date", "metric")
# A metric is a name of lowercase letters, digits and _, or such a name after ``feature:`` or
# ``feature_users:`` (DESIGN §9.3: active_users, licensed_seats, feature:reports, feature_users:reports).
METRIC_RE = re.compile(r"(?:feature:|feature_users:)?[a-z0-9_]+")
METRIC_LENGTH = UsageRecord._meta.get_field("metric").max_length
CUSTOMER_ID_LENGTH = Customer._meta.get_field("customer_id").max_length
MAX_VALUE = 2**63 - 1  # the largest bigint
DIGITS = "^[0-9]{1,18}$"  # a whole number that always fits a bigint: checked without Python
SLOT_BITS = 32  # a row's key packs its customer's primary key above its (date, metric) slot


def metric(raw: str) -> str:
    """A usage metric name (``METRIC_RE``, at most 80 characters), or ``Invalid``."""
    if len(raw) > METRIC_LENGTH:
        raise Invalid(f"must be at most {METRIC_LENGTH} characters")
    if not METRIC_RE.fullmatch(raw):
        raise Invalid(
            "a metric is lowercase letters, digits and _, optionally after feature: or feature_users:"
            " (active_users, licensed_seats, feature:reports)"
        )
    return raw


def usage_value(raw: str) -> int:
    """A usage count: a whole number from 0 to 2**63 - 1, digits only, or ``Invalid``."""
    if raw.isascii() and raw.isdigit():
        value = int(raw)
        if value > MAX_VALUE:
            raise Invalid(f"too large: at most {MAX_VALUE}")
        return value
    if p.NUMBER_RE.match(raw):
        raise Invalid("value must be a whole number ≥ 0 (a count)")
    raise Invalid("not a whole number")


@dataclass
class Checked:
    """A chunk's valid rows, as the staging table takes them: customer primary keys, dates and metrics
    as their text (checked), values; ``keys`` pack each row's natural key into one integer."""

    lines: np.ndarray
    customer: np.ndarray
    date: pa.Array
    metric: pa.Array
    value: np.ndarray
    keys: np.ndarray

    def __len__(self) -> int:
        return len(self.lines)


class UsageChecker:
    """Checks the chunks of one usage file, in line order; ``errors`` collects every bad cell.

    ``customers`` maps each ``customer_id`` to its primary key (the one lookup of the file's references).
    """

    def __init__(self, customers: dict[str, int]):
        if customers and max(customers.values()) >= 2**SLOT_BITS:
            raise ValueError("customer primary keys above 2**32 cannot be packed into a usage key")
        self.customers = customers
        self.errors = ErrorList()
        self.rows = 0
        # What each distinct cell reads as, or why it is refused, over the whole file (dates and metrics
        # repeat on every chunk).
        self._dates: dict[str, tuple[bool, int | str]] = {}
        self._metrics: dict[str, tuple[bool, str]] = {}
        self._values: dict[str, tuple[bool, int | str]] = {}
        # Each (date, metric) pair of the file gets a slot number: with the customer, the row's key.
        self.slots: dict[tuple[str, str], int] = {}

    def check(self, lines: np.ndarray, cells: list[pa.Array]) -> Checked:
        """Check a chunk: ``lines`` (int64) of its rows and their cells in ``COLUMNS`` order. Returns the
        valid rows; the others' errors go to ``errors``."""
        customer, date_text, metric_text, value_text = (pc.utf8_trim_whitespace(each) for each in cells)
        ok_customer, customer_codes, customer_keys = self._customers(lines, customer)
        ok_date, date_codes, date_cells = self._coded(lines, date_text, "date", self._dates, _date)
        ok_metric, metric_codes, metric_cells = self._coded(
            lines, metric_text, "metric", self._metrics, metric
        )
        ok_value, values = self._check_values(lines, value_text)
        valid = ok_customer & ok_date & ok_metric & ok_value
        self.rows += int(valid.sum())
        if not valid.all():
            where = np.flatnonzero(valid)
            lines, customer_codes, values = lines[where], customer_codes[where], values[where]
            date_codes, metric_codes = date_codes[where], metric_codes[where]
            picked = pa.array(where)
            date_text, metric_text = date_text.take(picked), metric_text.take(picked)
        slot = self._slot_of(date_codes, metric_codes, date_cells, metric_cells)
        pks = customer_keys[customer_codes]
        keys = (pks.astype(np.uint64) << np.uint64(SLOT_BITS)) | slot.astype(np.uint64)
        return Checked(lines, pks, date_text, metric_text, values, keys)

    def _customers(self, lines: np.ndarray, cells: pa.Array):
        """Each row's customer: whether known, its code into the chunk's distinct ids, and their keys."""
        encoded = pc.dictionary_encode(cells)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        distinct = encoded.dictionary.to_pylist()
        keys = np.fromiter((self.customers.get(each, -1) for each in distinct), np.int64, len(distinct))
        known = keys >= 0
        if not known.all():
            reasons = {i: _customer_reason(distinct[i]) for i in np.flatnonzero(~known)}
            self._report(lines, codes, known, distinct, reasons, "customer_id")
        return known[codes], codes, keys

    def _coded(self, lines, cells: pa.Array, column: str, cache: dict, parse: Callable):
        """A column of few distinct cells (dates, metrics): each row's validity and code, and the
        distinct cells."""
        encoded = pc.dictionary_encode(cells)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        distinct = encoded.dictionary.to_pylist()
        for cell in distinct:
            if cell not in cache:
                cache[cell] = _parsed(cell, parse)
        good = np.fromiter((cache[cell][0] for cell in distinct), bool, len(distinct))
        if not good.all():
            reasons = {i: cache[distinct[i]][1] for i in np.flatnonzero(~good)}
            self._report(lines, codes, good, distinct, reasons, column)
        return good[codes], codes, distinct

    def _check_values(self, lines: np.ndarray, cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """Each row's value (int64) and whether it is one; digits only are checked without Python."""
        plain = pc.match_substring_regex(cells, DIGITS)
        if pc.all(plain).as_py() is not False:  # every cell (or none: an empty chunk)
            values = pc.cast(cells, pa.int64()).to_numpy(zero_copy_only=False)
            return np.ones(len(cells), bool), values
        mask = plain.to_numpy(zero_copy_only=False)
        values = np.zeros(len(cells), np.int64)
        values[mask] = pc.cast(cells.filter(plain), pa.int64()).to_numpy(zero_copy_only=False)
        others = np.flatnonzero(~mask)
        encoded = pc.dictionary_encode(cells.take(pa.array(others)))
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        distinct = encoded.dictionary.to_pylist()
        for cell in distinct:
            if cell not in self._values:
                self._values[cell] = _parsed(cell, usage_value)
        good = np.fromiter((self._values[cell][0] for cell in distinct), bool, len(distinct))
        if good.any():  # digits beyond 18, still a bigint
            numbers = np.array(
                [self._values[cell][1] if ok else 0 for cell, ok in zip(distinct, good, strict=True)],
                np.int64,
            )
            values[others] = numbers[codes]
        if not good.all():
            reasons = {i: self._values[distinct[i]][1] for i in np.flatnonzero(~good)}
            self._report(lines[others], codes, good, distinct, reasons, "value")
        ok = mask.copy()
        ok[others] = good[codes]
        return ok, values

    def _report(self, lines, codes, good, distinct, reasons: dict[int, str], column: str) -> None:
        """An error for each row whose cell is refused: the first ``MAX_REPORTED_ERRORS`` of the chunk's
        column as ``RowError``s (the chunk's rows are in line order), the others counted."""
        bad = np.flatnonzero(~good[codes])
        for i in bad[:MAX_REPORTED_ERRORS]:
            code = int(codes[i])
            self.errors.append(RowError(int(lines[i]), column, distinct[code], reasons[code]))
        self.errors.dropped += max(0, len(bad) - MAX_REPORTED_ERRORS)

    def _slot_of(self, date_codes, metric_codes, date_cells: list, metric_cells: list) -> np.ndarray:
        """Each row's (date, metric) slot number, the same for the same pair in every chunk."""
        width = max(len(metric_cells), 1)
        pairs = date_codes.astype(np.int64) * width + metric_codes
        distinct, inverse = np.unique(pairs, return_inverse=True)
        numbers = np.empty(len(distinct), np.int64)
        for i, pair in enumerate(distinct.tolist()):
            name = (date_cells[pair // width], metric_cells[pair % width])
            numbers[i] = self.slots.setdefault(name, len(self.slots))
        return numbers[inverse.reshape(-1)]

    def slot_name(self, slot: int) -> tuple[str, str]:
        """The (date, metric) of a slot number."""
        if not hasattr(self, "_names") or len(self._names) != len(self.slots):
            self._names = {number: name for name, number in self.slots.items()}
        return self._names[slot]


def _date(raw: str) -> int:
    return p.iso_date(raw).toordinal()


def _parsed(cell: str, parse: Callable) -> tuple[bool, object]:
    """``(True, value)`` for a good cell, ``(False, reason)`` for a refused one (as ``base._Chunk``)."""
    if found := CONTROL_CHARACTERS.search(cell):
        return False, f"holds the control character U+{ord(found.group()):04X}: remove it"
    if not cell:
        return False, "required"
    try:
        return True, parse(cell)
    except Invalid as exc:
        return False, exc.reason


def _customer_reason(cell: str) -> str:
    if found := CONTROL_CHARACTERS.search(cell):
        return f"holds the control character U+{ord(found.group()):04X}: remove it"
    if not cell:
        return "required"
    if len(cell) > CUSTOMER_ID_LENGTH:
        return f"must be at most {CUSTOMER_ID_LENGTH} characters"
    return f"unknown customer {cell!r}: not in the database"


def day_text(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()
