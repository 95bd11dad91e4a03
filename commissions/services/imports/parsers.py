"""Cell parsers for CSV imports (DESIGN §3): each turns a stripped, non-empty string into a value or
raises ``Invalid`` with the reason a person reads. Money, scores and rates become ``Decimal``, never float.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from accounts.models import Role
from core.calendar import CalendarError, FiscalQuarter, FiscalYear
from core.currencies import is_currency

Parser = Callable[[str], Any]

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
GEO_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")


class Invalid(ValueError):
    """A cell that cannot be read; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise Invalid(f"must be at most {max_length} characters")
        return raw

    return parse


def text_for(model: type[models.Model], field: str) -> Parser:
    return text(model._meta.get_field(field).max_length)


def iso_date(raw: str) -> date:
    if not DATE_RE.match(raw):
        raise Invalid("not a date: write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(f"not a valid date ({exc})") from exc


def number(
    max_digits: int,
    places: int,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    positive: bool = False,
    label: str = "the value",
) -> Parser:
    """A plain decimal number that fits ``max_digits``/``places`` exactly: too many decimals is refused,
    not rounded."""

    def parse(raw: str) -> Decimal:
        if not NUMBER_RE.match(raw):
            raise Invalid("not a number")
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only plain numbers
            raise Invalid("not a number") from exc
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise Invalid(f"at most {places} decimal places")
        if abs(value) >= Decimal(10) ** (max_digits - places):
            raise Invalid(f"too large: at most {max_digits - places} digits before the decimal point")
        if positive and value <= 0:
            raise Invalid(f"{label} must be greater than 0")
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            raise Invalid(f"{label} must be between {minimum} and {maximum}")
        if minimum is not None and value < minimum:
            raise Invalid(f"{label} must be at least {minimum}")
        return value

    return parse


def number_for(model: type[models.Model], field: str, **rules: Any) -> Parser:
    """A number parser with the precision of ``model.field``."""
    model_field = model._meta.get_field(field)
    return number(model_field.max_digits, model_field.decimal_places, **rules)


def score(label: str) -> Parser:
    """Scores are 0–100 with two decimals (adoption ``score_field``)."""
    return number(5, 2, minimum=Decimal(0), maximum=Decimal(100), label=label)


def period(raw: str) -> str:
    try:
        return FiscalQuarter.parse(raw).code
    except CalendarError as exc:
        raise Invalid(str(exc)) from exc


def fiscal_year(raw: str) -> str:
    try:
        return FiscalYear.parse(raw).code
    except CalendarError as exc:
        raise Invalid(str(exc)) from exc


def currency(raw: str) -> str:
    if not is_currency(raw):
        raise Invalid("unknown currency code: use an ISO 4217 code such as USD or EUR")
    return raw


def geo(raw: str) -> str:
    if not GEO_RE.match(raw):
        raise Invalid("a geo is an upper-case code such as AMER, EMEA, APAC or JAPAN")
    return raw


def email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError as exc:
        raise Invalid("not an e-mail address") from exc
    if len(raw) > 254:
        raise Invalid("must be at most 254 characters")
    return raw.lower()


def choice(values: list[str], label: str) -> Parser:
    allowed = frozenset(values)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise Invalid(f"{label} must be one of {', '.join(values)}")
        return raw

    return parse


def roles(raw: str) -> frozenset[str]:
    """``;``-separated roles of DESIGN §1."""
    codes = [code.strip() for code in raw.split(";") if code.strip()]
    unknown = [code for code in codes if code not in Role.values]
    if unknown:
        raise Invalid(f"unknown role {unknown[0]!r}: roles are {', '.join(Role.values)}, separated by ';'")
    return frozenset(codes)
