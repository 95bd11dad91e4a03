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

from core.suggest import did_you_mean

MAX_DAYS = 2_147_483_647  # the largest PositiveIntegerField the database stores


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
    records every key written twice in one mapping (DESIGN §3 "Plans"), naming the key and both lines. Keys
    are compared as the mapping read keys them, by equality: ``1`` and ``true`` (Python's ``True == 1``)
    would merge into one key silently, so they are recorded too, each named as written.

    A duplicate does not stop the reading: the mapping keeps the last value, as YAML does, so the rest of
    the file can be checked too; ``validate.parse_plan`` then refuses the file for its duplicates."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[tuple[int, int, str]] = []  # (line, column, message) of each key written again

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
                    mark = key_node.start_mark
                    message = _duplicate_message(first_key, key, first, key_node)
                    self.duplicates.append((mark.line, mark.column, message))
        return super().construct_mapping(node, deep=deep)


def load_plan_yaml(source: str) -> tuple[Any, list[str]]:
    """The plan file's document read by ``_PlanLoader``, and the message of every key written twice in it
    in the file's order (``[]`` when none): each duplicated key holds its last value, as YAML reads it.

    Raises ``yaml.YAMLError`` for text that is not YAML."""
    loader = _PlanLoader(source)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    # Nested mappings are built after the mapping holding them: put the messages back in line order.
    return data, [message for _, _, message in sorted(loader.duplicates)]


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


def is_nothing(value: Any) -> bool:
    """Whether a key is written with no value: ``key:``, ``key: null``, ``key: ~`` or blank text
    (``key: ''``) — one rule for empty and null alike (DESIGN §3 "Plans")."""
    return value is None or (isinstance(value, str) and not value.strip())


def _either(choices: list[str] | tuple[str, ...]) -> str:
    """``booked or effective``; ``progress, ratio or …`` for more."""
    return " or ".join(choices) if len(choices) < 3 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def _a(word: str) -> str:
    return f"an {word}" if word in ("adoption", "nrr") else f"a {word}"  # "an NRR", "a KPI"


def no_value(key: str, *, write: str, absent: str = "") -> str:
    """The refusal of a key written with no value, naming it and what to do (DESIGN §3 "Plans")."""
    left_out = f"leave the key out for {absent}" if absent else "leave the key out"
    return f"{key} has no value: write {write}, or {left_out}"


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

    def written_empty(self, key: str, *, write: str, absent: str = "") -> bool:
        """Whether ``key`` is written with no value (``is_nothing``); if so the problem is recorded,
        naming the key and what to do: ``credit_date has no value: write booked or effective, or leave
        the key out for the default, booked`` (DESIGN §3 "Plans"). ``absent`` says what leaving the key
        out means ("no cap"); ``write`` what a value is ("a number")."""
        if key not in self.data or not is_nothing(self.data[key]):
            return False
        self.error(no_value(key, write=write, absent=absent))
        return True

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
        """One of ``choices``; ``default`` when the key is left out; ``None`` when written with no value
        or another value (recorded)."""
        if self.written_empty(key, write=_either(choices), absent=f"the default, {default}"):
            return None
        value = self.data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(
                f"{key} must be one of {', '.join(choices)}, got {_show(value)}{did_you_mean(value, choices)}"
            )
            return None
        return value

    def number(
        self,
        key: str,
        *,
        model: type[models.Model],
        field_name: str | None = None,
        required: str = "",
        write: str = "a number",
        absent: str = "",
    ) -> Decimal | None:
        """A number as ``Decimal``; ``None`` when missing, written with no value or bad (bad ones are
        recorded). ``required`` (the message, "weight is required: a number greater than 0") makes a
        missing or empty key a problem too; otherwise a key written with no value is refused saying to
        ``write`` a value or leave the key out (for ``absent``)."""
        if key not in self.data or (is_nothing(self.data[key]) and required):
            if required:
                self.error(required)
            return None
        if self.written_empty(key, write=write, absent=absent):
            return None
        value = self.data[key]
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
        """A whole number of days, 0 or more; ``default`` when the key is left out; ``None`` when written
        with no value or bad (recorded)."""
        write = "a whole number of days (0 or more)"
        if self.written_empty(key, write=write, absent=f"the default, {default}"):
            return None
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

        ``absent`` says what leaving the key out means, for the message ("no clawback"). Written with no
        value (``is_nothing``) it means the same as left out: the one key whose empty value DESIGN §3
        "Plans" gives a meaning (``clawback_days``, DESIGN §7)."""
        value = self.data.get(key)
        if is_nothing(value):
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
        """Record each key of the mapping that is not ``allowed``, naming the allowed ones and the one it
        most likely meant (``did_you_mean``): at every level the plan has keys (the top, ``adoption``, each
        component, each escalator)."""
        for key in self.data:
            if key not in allowed:
                self.errors.add(
                    f"{self.scope}unknown key {_show(key)}{did_you_mean(key, allowed)}; allowed keys are "
                    f"{', '.join(allowed)}"
                )
