"""Reading plan YAML (DESIGN §3 "Plans"): exact decimals from the YAML text, and a field reader that
records every problem it meets under the field's name, so a file is refused with all of them at once.

Numbers become ``Decimal`` from their YAML text: the loader never lets a float stand for a weight, goal
or cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import models

MAX_DAYS = 2_147_483_647  # the largest PositiveIntegerField the database stores


class DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping of a plan file: YAML would keep the last silently."""


def _written(node: yaml.Node, key: Any) -> str:
    """A key as the file writes it: ``true``, ``1``, ``'1'`` (its quotes kept)."""
    if isinstance(node, yaml.ScalarNode):
        quote = node.style if node.style in ("'", '"') else ""
        return f"{quote}{node.value}{quote}"
    return _show(key)


def _duplicate_message(first_key: Any, key: Any, first: yaml.Node, again: yaml.Node) -> str:
    """``duplicate key 'renewal' on line 8 (first on line 6)``: lines counted from 1, as an editor does.

    Two keys written differently that are one key once read (``1`` and ``true``, ``0`` and ``false``,
    ``1`` and ``1.0``) are named both as written: ``duplicate key: 1 and true, both on line 5, are the
    same key once read``."""
    line, first_line = again.start_mark.line + 1, first.start_mark.line + 1
    rule = "each key may be written once"
    if type(first_key) is type(key) and _show(first_key) == _show(key):
        where = (
            f"written twice on line {line}"
            if line == first_line
            else f"on line {line} (first on line {first_line})"
        )
        return f"duplicate key {_show(key)} {where}: {rule}"
    one, other = _written(first, first_key), _written(again, key)
    both = (
        f"{one} and {other}, both on line {line},"
        if line == first_line
        else f"{one} on line {first_line} and {other} on line {line}"
    )
    return f"duplicate key: {both} are the same key once read: {rule}"


class _PlanLoader(yaml.SafeLoader):
    """``SafeLoader`` that reads YAML floats as ``Decimal`` from their text (``1.10`` stays ``1.10``) and
    refuses a key written twice in one mapping (DESIGN §3 "Plans"), naming the key and both lines. Keys
    are compared as the mapping read keys them, by equality: ``1`` and ``true`` (Python's ``True == 1``)
    would merge into one key silently, so they are refused too, each named as written."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, tuple[Any, yaml.Node]] = {}
            # Before merge keys (<<) are flattened in: a key written here may override a merged one.
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first_key, first = seen.setdefault(key, (key, key_node))
                except TypeError:  # an unhashable key: the constructor below refuses it
                    continue
                if first is not key_node:
                    raise DuplicateKey(_duplicate_message(first_key, key, first, key_node))
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # .inf, .nan and YAML 1.1 sexagesimals: let the validation below refuse or convert them.
        return loader.construct_yaml_float(node)


_PlanLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


@dataclass
class _Errors:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)


def _show(value: Any) -> str:
    """A value as the plan's author wrote it: ``1.10`` stays ``1.10``, ``True`` is ``true``, ``None`` is
    "nothing (null)" (an empty value or ``null`` in the YAML)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _plain(value: Decimal) -> str:
    """``Decimal('1.000000')`` → ``1``, ``Decimal('1.10')`` → ``1.1``; never scientific notation."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _a(word: str) -> str:
    return f"an {word}" if word in ("adoption", "nrr") else f"a {word}"  # "an NRR", "a KPI"


def _model_field(model: type[models.Model], name: str) -> models.DecimalField:
    return model._meta.get_field(name)  # type: ignore[return-value]


class _Reader:
    """Reads and checks the fields of one mapping, recording problems under ``label``."""

    def __init__(self, data: dict, label: str, errors: _Errors, *, scope: str | None = None):
        self.data = data
        self.label = label  # prefixes every message: "", "adoption." or "components[1] (NRR): "
        self.scope = label if scope is None else scope  # prefixes the unknown-key message
        self.errors = errors

    def error(self, message: str) -> None:
        self.errors.add(f"{self.label}{message}")

    def text(self, key: str, *, required: bool, max_length: int) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{key} is required")
            return None
        if not isinstance(value, str):
            self.error(f"{key} must be text, got {_show(value)}")
            return None
        value = value.strip()
        if not value:
            if required:
                self.error(f"{key} is required")
            return None
        if len(value) > max_length:
            self.error(f"{key} is longer than {max_length} characters")
            return None
        return value

    def choice(self, key: str, choices: list[str], default: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(f"{key} must be one of {', '.join(choices)}, got {_show(value)}")
            return None
        return value

    def number(self, key: str, *, model: type[models.Model], field_name: str | None = None) -> Decimal | None:
        """A number as ``Decimal``; ``None`` when missing or bad (bad ones are recorded)."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.error(f"{key} must be a number, got {_show(value)}")
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            self.error(f"{key} must be a finite number, got {_show(value)}")
            return None
        db_field = _model_field(model, field_name or key)
        places = db_field.decimal_places
        whole_digits = db_field.max_digits - places
        if abs(number) >= Decimal(10) ** whole_digits:
            self.error(
                f"{key} ({_show(number)}) is too large: at most {whole_digits} digits before the point"
            )
            return None
        if number.as_tuple().exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
            self.error(f"{key} ({_show(number)}) has more than {places} decimal places")
            return None
        return number

    def whole_number(self, key: str, default: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{key} must be a whole number of days, got {_show(value)}")
            return None
        if value < 0:
            self.error(f"{key} ({value}) must be 0 or more")
            return None
        return value

    def days(self, key: str, *, absent: str) -> int | None:
        """An optional whole number of days, at least 1; ``None`` when absent or bad (bad ones recorded).

        ``absent`` says what leaving the key out means, for the message ("no clawback")."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{key} must be a whole number of days (1 or more), got {_show(value)}")
            return None
        if value < 1:
            self.error(f"{key} ({value}) must be 1 or more; leave it out for {absent}")
            return None
        if value > MAX_DAYS:
            self.error(f"{key} ({value}) is too large: at most {MAX_DAYS}")
            return None
        return value

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                self.errors.add(
                    f"{self.scope}unknown key {_show(key)}; allowed keys are {', '.join(allowed)}"
                )
