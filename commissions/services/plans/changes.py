"""What loading a plan file changes of the stored plan, for people (DESIGN §6 ``load_plan``): each plan
field, component and escalator that differs, named as the file writes it, with its old → new value when
both are short — ``contraction deals booked → effective date``, ``NRR goal 1.10 → 1.20``, ``component
KPI added``.
``load_message`` says them after ``Changed plan …``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commissions.models import Plan

from .escalators import stored_escalators
from .parse import _plain
from .validate import credit_dates
from .write import COMPONENT_FIELDS, PLAN_FIELDS, _same

# The file's keys of the plan fields stored under other names (DESIGN §3 "Plans").
FILE_KEYS = {
    "adoption_formula": "adoption.formula",
    "adoption_weighting": "adoption.weighting",
    "customer_cap": "adoption.customer_cap",
}
ESCALATOR_FIELDS = ("metric", "at_least", "over", "multiplier", "applies_to")
# An old → new longer than this names the field only ("name changed"): the message stays one line.
SHORT = 60


def plan_changes(plan: Plan, spec) -> tuple[str, ...]:
    """What the parsed file ``spec`` changes of the stored ``plan`` (read before the write), in the
    file's order: the plan fields (crediting compared and said by the date of each deal type, as
    ``plan_matches`` compares it: ``_crediting_changes``), then the components by
    code (added, removed, each changed field, or their order), then the escalators likewise. Values are
    compared as ``plan_matches`` compares them (``None`` and ``""`` alike, Decimals by value), so a plan
    ``plan_matches`` finds changed has at least one change named. One query (the components)."""
    changes: list[str] = []
    for name in PLAN_FIELDS:
        if name not in ("credit_date", "credit_date_by_type"):
            old, new = getattr(plan, name), getattr(spec, name)
            if not _same(old, new):
                changes.append(_changed(FILE_KEYS.get(name, name), old, new))
        elif name == "credit_date":
            changes += _crediting_changes(plan, spec)
    stored = list(plan.components.order_by("position", "pk"))
    changes += _items_changed(
        "component",
        {c.code: c for c in stored},
        {c.code: c for c in spec.components},
        COMPONENT_FIELDS,
    )
    changes += _items_changed(
        "escalator",
        {e.code: e for e in stored_escalators(plan.escalators)},
        {e.code: e for e in spec.escalators},
        ESCALATOR_FIELDS,
        prefix="escalator ",
    )
    return tuple(changes)


def _crediting_changes(plan: Plan, spec) -> list[str]:
    """The deal types credited by another date than before (DESIGN §3 "Plans"), as the money moves:
    ``credit_date booked → effective (every deal type)`` when all of them moved alike, else one entry per
    type moved, ``contraction deals booked → effective date``; a change of spelling alone is none."""
    old = credit_dates(plan.credit_date, plan.credit_date_by_type)
    new = credit_dates(spec.credit_date, spec.credit_date_by_type)
    moved = [(t, old[t], new[t]) for t in old if old[t] != new[t]]
    if not moved:
        return []
    if len(moved) == len(old) and len({(a, b) for _, a, b in moved}) == 1:
        return [f"credit_date {moved[0][1]} → {moved[0][2]} (every deal type)"]
    return [f"{t} deals {a} → {b} date" for t, a, b in moved]


def _items_changed(
    kind: str, old: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...], *, prefix: str = ""
) -> list[str]:
    """The ``kind`` items (components or escalators, by code, each in its order) added, removed or
    changed field by field (``NRR goal 1.10 → 1.20``), and their order when the kept ones moved."""
    changes = [f"{kind} {code} removed" for code in old if code not in new]
    for code, item in new.items():
        if code not in old:
            changes.append(f"{kind} {code} added")
            continue
        for name in fields:
            before, after = getattr(old[code], name), getattr(item, name)
            if not _same(before, after):
                changes.append(_changed(f"{prefix}{code} {name}", before, after))
    kept_before = [code for code in old if code in new]
    kept_after = [code for code in new if code in old]
    if kept_before != kept_after:
        changes.append(_said(f"{kind} order", ", ".join(kept_before), ", ".join(kept_after)))
    return changes


def _changed(what: str, old: Any, new: Any) -> str:
    """``NRR goal 1.10 → 1.20`` (``old`` as stored, ``new`` as the file writes it, ``_value``); ``name
    changed`` when the two values are too long for one line."""
    return _said(what, _value(old, stored=True, like=new), _value(new))


def _said(what: str, before: str, after: str) -> str:
    if len(before) + len(after) > SHORT:
        return f"{what} changed"
    return f"{what} {before} → {after}"


def _value(value: Any, *, stored: bool = False, like: Any = None) -> str:
    """A value as the file writes it: a number of the file as written (``1.20``); a ``stored`` one
    (``Decimal('1.100000')``) plain, with as many places as ``like`` (the file's value it is compared
    with) shows (``1.10``); a mapping in YAML's flow style (``{renewal: effective}``); text
    with a space quoted; nothing as ``none``."""
    if value is None or value == "" or value == {}:
        return "none"
    if isinstance(value, Decimal):
        if not stored:
            return format(value, "f")
        text = _plain(value)
        places = -like.as_tuple().exponent if isinstance(like, Decimal) else 0
        shown = len(text.partition(".")[2])
        if places > shown:
            text = f"{text}{'' if shown else '.'}{'0' * (places - shown)}"
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {when}" for key, when in value.items()) + "}"
    if isinstance(value, str) and " " in value:
        return repr(value)
    return str(value)
