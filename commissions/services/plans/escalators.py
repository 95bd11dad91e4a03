"""The ``escalators`` of a plan (docs/design.md §11.2): each key checked and named, every problem at once.

An escalator multiplies a component's factor (``applies_to`` its code) or every component's (``total``)
when the person's gating metric (a person metric, §11.1) is at least a bar over the quarter or in each of
its months. A metric code the database holds no value of yet is allowed: metrics are data. A built-in
metric (§11.1 "Built-in metrics") is checked by what it names: ``kpi.<code>`` a KPI the settings compute,
``attainment.<code>`` one of the plan's components; ``attainment`` and ``attainment.<code>`` are a
quarter's figures, so only ``over: quarter`` is allowed for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from commissions.engine.builtin_metrics import (
    ATTAINMENT,
    SCORECARD_AVERAGE,
    attainment_component,
    is_attainment,
    is_builtin,
    kpi_code,
)
from commissions.models import Component, PersonMetric
from commissions.models.person_metrics import ESCALATOR_OVER, ESCALATOR_TOTAL, METRIC_CODE_RE

from .parse import _Errors, _model_field, _Reader, _show, did_you_mean

ESCALATOR_KEYS = ("code", "metric", "at_least", "over", "multiplier", "applies_to")
ESCALATOR_FIELDS = ("metric", "at_least", "over", "multiplier", "applies_to")
DEFAULT_OVER = ESCALATOR_OVER[0]
DEFAULT_APPLIES_TO = ESCALATOR_TOTAL
CODE_LENGTH = _model_field(Component, "code").max_length
METRIC_LENGTH = _model_field(PersonMetric, "metric").max_length
METRIC_RE = re.compile(METRIC_CODE_RE)


@dataclass
class _EscalatorSpec:
    code: str
    metric: str
    at_least: Decimal
    over: str
    multiplier: Decimal
    applies_to: str


def parse_escalators(items: Any, component_codes: set[str], errors: _Errors) -> list[_EscalatorSpec]:
    """The plan's escalators (none when the key is absent); problems recorded in ``errors``, each naming
    ``escalators[i] (code)`` and its key. A key written with no value is refused, naming it (DESIGN §3
    "Plans"); the caller refuses ``escalators`` itself written so."""
    if items is None:
        return []
    if not isinstance(items, list):
        errors.add(f"escalators must be a list of escalators, got {_show(items)}")
        return []
    specs: list[_EscalatorSpec] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.add(
                f"escalators[{index}] must be a mapping such as "
                "{code: quality, metric: data_quality, at_least: 95, multiplier: 1.10}"
            )
            continue
        code = item.get("code").strip() if isinstance(item.get("code"), str) else ""
        label = f"escalators[{index}] ({code}): " if code else f"escalators[{index}]: "
        if code in first_index:
            errors.add(f"{label}code {code} is already used by escalators[{first_index[code]}]")
        elif code:
            first_index[code] = index
        spec = _parse_escalator(_Reader(item, label, errors), component_codes)
        if spec is not None:
            specs.append(spec)
    return specs


def _parse_escalator(item: _Reader, component_codes: set[str]) -> _EscalatorSpec | None:
    before = len(item.errors.messages)
    item.unknown_keys(ESCALATOR_KEYS)
    code = item.text("code", required=True, max_length=CODE_LENGTH)
    metric = item.text("metric", required=True, max_length=METRIC_LENGTH)
    if metric is not None and is_builtin(metric):
        _check_builtin(item, metric, component_codes)
    elif metric is not None and not METRIC_RE.match(metric):
        item.error(
            f"metric must be a person metric's code (lower-case letters, digits and _, starting with a "
            f"letter), got {_show(metric)}"
        )
    at_least = item.number(
        "at_least",
        model=PersonMetric,
        field_name="value",  # a metric's precision
        required="at_least is required: the bar the metric must reach (inclusive)",
    )
    if at_least is not None and at_least < 0:
        item.error(f"at_least ({_show(at_least)}) must be 0 or more: a person metric is never negative")
    over = item.choice("over", list(ESCALATOR_OVER), DEFAULT_OVER)
    if metric is not None and is_attainment(metric) and over == "months":
        item.error(
            f"over: months is not possible for {metric}: a quarter's attainment is known for the whole "
            "quarter only, in its calculation; use over: quarter"
        )
    multiplier = item.number(
        "multiplier",
        model=Component,
        field_name="accelerator",
        required="multiplier is required: a number greater than 0, such as 1.10",
    )
    if multiplier is not None and multiplier <= 0:
        item.error(f"multiplier ({_show(multiplier)}) must be greater than 0")
    applies_to = item.data.get("applies_to", DEFAULT_APPLIES_TO)
    known = ", ".join(sorted(component_codes)) or "none"
    if item.written_empty(
        "applies_to",
        write=f"{DEFAULT_APPLIES_TO} or a component's code ({known})",
        absent=f"the default, {DEFAULT_APPLIES_TO}",
    ):
        applies_to = None
    elif applies_to != DEFAULT_APPLIES_TO and applies_to not in component_codes:
        item.error(
            f"applies_to must be total or a component's code ({known}), got {_show(applies_to)}"
            f"{did_you_mean(applies_to, [DEFAULT_APPLIES_TO, *sorted(component_codes)])}"
        )
    if len(item.errors.messages) > before:
        return None
    return _EscalatorSpec(
        code=code, metric=metric, at_least=at_least, over=over, multiplier=multiplier, applies_to=applies_to
    )


def _check_builtin(item: _Reader, metric: str, component_codes: set[str]) -> None:
    """A built-in metric's name (docs/design.md §11.1): the KPI or component it names must exist."""
    if metric in (SCORECARD_AVERAGE, ATTAINMENT):
        return
    if is_attainment(metric):
        if attainment_component(metric) not in component_codes:
            known = ", ".join(f"{ATTAINMENT}.{code}" for code in sorted(component_codes)) or "none"
            near = did_you_mean(metric, sorted(component_codes), prefix=f"{ATTAINMENT}.")
            item.error(
                f"metric {metric}{near} names no component of the plan: a component's attainment is "
                f"attainment.<component code> ({known}), the plan's is {ATTAINMENT}"
            )
        return
    kpi = kpi_code(metric)
    from adoption.kpis import kpi_codes
    from adoption.portfolio.inputs import kpi_rules

    try:
        codes = list(kpi_codes(kpi_rules()))
    except ValueError as exc:
        item.error(f"metric {metric} cannot be read: the KPI settings are invalid ({exc})")
        return
    if kpi not in codes:
        near = did_you_mean(metric, codes, prefix="kpi.")
        item.error(
            f"metric {metric}{near} names no computed KPI; the computed KPIs per CSM are "
            f"{', '.join('kpi.' + code for code in codes)}"
        )


def escalators_json(items: list[_EscalatorSpec]) -> list[dict[str, str]]:
    """The escalators as ``Plan.escalators`` stores them: numbers as their exact text."""
    return [
        {
            "code": item.code,
            "metric": item.metric,
            "at_least": format(item.at_least, "f"),
            "over": item.over,
            "multiplier": format(item.multiplier, "f"),
            "applies_to": item.applies_to,
        }
        for item in items
    ]


def stored_escalators(stored: list[dict[str, Any]] | None) -> list[_EscalatorSpec]:
    """``Plan.escalators`` read back, numbers as ``Decimal``: what the calculation and comparisons use."""
    return [
        _EscalatorSpec(
            code=item["code"],
            metric=item["metric"],
            at_least=Decimal(str(item["at_least"])),
            over=item.get("over", DEFAULT_OVER),
            multiplier=Decimal(str(item["multiplier"])),
            applies_to=item.get("applies_to", DEFAULT_APPLIES_TO),
        )
        for item in stored or []
    ]
