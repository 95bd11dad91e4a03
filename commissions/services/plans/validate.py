"""The rules of a plan (DESIGN §3 "Plans"): its keys, defaults and components, checked as a whole.

``parse_plan`` validates a whole file before anything is written and reports every problem at once
(``PlanInvalid``), each naming the field it is about; ``component_errors`` applies the same rules to one
component edited in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from commissions.models import Component, Deal, Plan
from core import formatting as fmt
from core.calendar import CalendarError, FiscalYear, not_a_fiscal_year
from core.currencies import is_currency
from core.errors import PlanInvalid

from .escalators import _EscalatorSpec, parse_escalators
from .parse import (
    _a,
    _either,
    _Errors,
    _model_field,
    _Reader,
    _show,
    did_you_mean,
    is_nothing,
    load_plan_yaml,
    no_value,
)

TOP_LEVEL_KEYS = (
    "code",
    "name",
    "fiscal_year",
    "currency",
    "credit_date",
    "credit_date_by_type",
    "new_customer_window_days",
    "clawback_days",
    "negative_balance",
    "adoption",
    "components",
    "escalators",
)
ADOPTION_KEYS = ("formula", "weighting", "customer_cap")
COMPONENT_KEYS = (
    "code",
    "metric",
    "kpi",
    "source",
    "measure",
    "direction",
    "weight",
    "goal",
    "ceiling",
    "floor",
    "threshold",
    "accelerator",
    "cap",
)
# Keys that only a kpi component may have (DESIGN §3 "Plans", §4.5).
KPI_ONLY_KEYS = ("kpi", "source", "measure", "direction", "ceiling")

# Plan defaults of DESIGN §3.
DEFAULT_CREDIT_DATE = Plan.CreditDate.BOOKED
DEFAULT_WINDOW_DAYS = 90
DEFAULT_FORMULA = Plan.Formula.PROGRESS
DEFAULT_WEIGHTING = Plan.Weighting.ARR
DEFAULT_CUSTOMER_CAP = Decimal("1.5")
DEFAULT_NRR_FLOOR = Decimal("1.0")
DEFAULT_THRESHOLD = Decimal("0")
DEFAULT_ACCELERATOR = Decimal("1")
DEFAULT_NEGATIVE_BALANCE = Plan.NegativeBalance.CARRY_FORWARD
DEFAULT_SOURCE = Component.Source.IMPORTED
DEFAULT_MEASURE = Component.Measure.QUARTER_END
DEFAULT_DIRECTION = Component.Direction.HIGHER
# DESIGN §10.3: a lower-is-better KPI's attainment stops at 1 unless the plan gives an accelerator; its
# accelerator defaults to 0 (no reward for beating the goal), which pays the same factor as a stop at 1.
DEFAULT_LOWER_ACCELERATOR = Decimal("0")


@dataclass
class _ComponentSpec:
    code: str
    metric: str
    kpi: str
    weight: Decimal
    goal: Decimal | None
    floor: Decimal | None
    threshold: Decimal
    accelerator: Decimal
    cap: Decimal | None
    source: str = DEFAULT_SOURCE
    measure: str = ""
    direction: str = DEFAULT_DIRECTION
    ceiling: Decimal | None = None


@dataclass
class _PlanSpec:
    code: str
    name: str
    fiscal_year: str
    currency: str
    credit_date: str
    credit_date_by_type: dict[str, str]
    new_customer_window_days: int
    clawback_days: int | None
    negative_balance: str
    adoption_formula: str
    adoption_weighting: str
    customer_cap: Decimal
    components: list[_ComponentSpec]
    escalators: list[_EscalatorSpec]


def parse_plan(source: str, *, file_name: str = "") -> _PlanSpec:
    """Parse and validate plan YAML; raise ``PlanInvalid`` listing every problem found.

    Every key written twice in one mapping is a problem, each named with its line(s) and prefixed with
    ``file_name`` (``plan.yaml: duplicate key 'renewal' written twice on line 5: …``), in the file's
    order and before the others; the rest of the file is still checked, reading each duplicated key's
    last value as YAML does (DESIGN §3 "Plans"), so one refusal names every problem. Text that is not
    YAML is refused on its own."""
    where = file_name or "the plan"
    try:
        data, duplicates = load_plan_yaml(source)
    except yaml.YAMLError as exc:
        raise PlanInvalid([f"{where} is not valid YAML: {exc}"]) from exc
    errors = _Errors([f"{where}: {message}" for message in duplicates])
    if not isinstance(data, dict):
        kind = "empty" if data is None else fmt.with_article(type(data).__name__)
        errors.add(f"{where} must be a YAML mapping of plan fields (code, name, …), but it is {kind}")
        raise PlanInvalid(errors.messages)

    top = _Reader(data, "", errors)
    top.unknown_keys(TOP_LEVEL_KEYS)

    code = top.text("code", required=True, max_length=_model_field(Plan, "code").max_length)
    name = top.text("name", required=True, max_length=_model_field(Plan, "name").max_length)
    fiscal_year = data.get("fiscal_year")
    if is_nothing(fiscal_year):
        top.error("fiscal_year is required")
    else:
        try:
            fiscal_year = FiscalYear.parse(fiscal_year).code
        except CalendarError:
            top.error(f"fiscal_year: {not_a_fiscal_year(fiscal_year)}")
            fiscal_year = None
    currency = top.text("currency", required=True, max_length=10)
    if currency is not None and not is_currency(currency):
        top.error(f"currency must be an ISO 4217 code such as USD or EUR, got {_show(currency)}")
        currency = None
    credit_date = top.choice("credit_date", Plan.CreditDate.values, DEFAULT_CREDIT_DATE)
    credit_date, credit_date_by_type = canonical_credit(credit_date, _credit_date_by_type(top, credit_date))
    window = top.whole_number("new_customer_window_days", DEFAULT_WINDOW_DAYS)
    # Prior-period processing (docs/design.md §7): absent or written with no value, no clawback; a
    # negative quarter total is carried forward unless the plan says to pay it negative.
    clawback_days = top.days("clawback_days", absent="no clawback")
    negative_balance = top.choice("negative_balance", Plan.NegativeBalance.values, DEFAULT_NEGATIVE_BALANCE)

    formula, weighting, customer_cap = DEFAULT_FORMULA, DEFAULT_WEIGHTING, DEFAULT_CUSTOMER_CAP
    adoption = data.get("adoption")
    if top.written_empty("adoption", write=f"a mapping of {', '.join(ADOPTION_KEYS)}", absent="the defaults"):
        adoption = None
    elif adoption is not None and not isinstance(adoption, dict):
        errors.add(f"adoption must be a mapping of {', '.join(ADOPTION_KEYS)}, got {_show(adoption)}")
    elif adoption is not None:
        section = _Reader(adoption, "adoption.", errors, scope="adoption: ")
        section.unknown_keys(ADOPTION_KEYS)
        formula = section.choice("formula", Plan.Formula.values, DEFAULT_FORMULA)
        weighting = section.choice("weighting", Plan.Weighting.values, DEFAULT_WEIGHTING)
        customer_cap = section.number(
            "customer_cap",
            model=Plan,
            write="a number greater than 0",
            absent=f"the default, {DEFAULT_CUSTOMER_CAP}",
        )
        if customer_cap is None and "customer_cap" not in adoption:
            customer_cap = DEFAULT_CUSTOMER_CAP
        elif customer_cap is not None and customer_cap <= 0:
            section.error(f"customer_cap ({_show(customer_cap)}) must be greater than 0")

    components = _parse_components(data.get("components"), errors)
    codes = {item.get("code").strip() for item in data.get("components") or [] if _named(item)}
    escalators = []
    if not top.written_empty("escalators", write="a list of escalators", absent="none"):
        escalators = parse_escalators(data.get("escalators"), codes, errors)  # docs/design.md §11.2

    if errors.messages:
        raise PlanInvalid(errors.messages)
    return _PlanSpec(
        code=code,
        name=name,
        fiscal_year=fiscal_year,
        currency=currency,
        credit_date=credit_date,
        credit_date_by_type=credit_date_by_type,
        new_customer_window_days=window,
        clawback_days=clawback_days,
        negative_balance=negative_balance,
        adoption_formula=formula,
        adoption_weighting=weighting,
        customer_cap=customer_cap,
        components=components,
        escalators=escalators,
    )


def _credit_date_by_type(top: _Reader, credit_date: str | None) -> dict[str, str]:
    """``credit_date_by_type`` (issue 20): a mapping of deal type → booked | effective, each type at most
    once; absent or ``{}``: every type by ``credit_date``. Every problem of every entry is recorded in
    ``top``'s errors: an unknown (or non-text) type, and its value checked all the same, named as written
    (``credit_date_by_type.Renewal must be one of booked, effective, got 'Effective'``). An entry naming
    the plan's ``credit_date`` is that default spelled out and is dropped (DESIGN §3 "Plans"): the result
    holds only the types credited otherwise, so the plan is the same with or without it
    (``canonical_credit`` then folds a rule naming every type into the default)."""
    both = _either(Plan.CreditDate.values)
    example = "{renewal: effective, churn: effective}"
    if top.written_empty(
        "credit_date_by_type",
        write=f"a mapping of deal type to {both}, such as {example}",
        absent="every type by credit_date",
    ):
        return {}
    value = top.data.get("credit_date_by_type")
    if value is None:
        return {}
    if not isinstance(value, dict):
        top.errors.add(
            f"credit_date_by_type must be a mapping of deal type to {both}, such as {example}, "
            f"got {_show(value)}"
        )
        return {}
    rules: dict[str, str] = {}
    for deal_type, when in value.items():
        known = deal_type in Deal.Type.values
        if not known:
            top.errors.add(
                f"credit_date_by_type: unknown deal type {_show(deal_type)}"
                f"{did_you_mean(deal_type, Deal.Type.values)}; deal types are {', '.join(Deal.Type.values)}"
            )
        # The value is checked under an unknown type too, naming the entry as written, so that one
        # refusal names both of its problems (DESIGN §3 "Plans").
        if is_nothing(when):
            top.errors.add(
                no_value(f"credit_date_by_type.{deal_type}", write=both, absent="the plan's credit_date")
            )
        elif when not in Plan.CreditDate.values:
            top.errors.add(
                f"credit_date_by_type.{deal_type} must be one of {', '.join(Plan.CreditDate.values)}, "
                f"got {_show(when)}{did_you_mean(when, Plan.CreditDate.values)}"
            )
        elif known:
            rules[deal_type] = when
    return credit_rules(credit_date, rules)


def credit_rules(credit_date: str | None, by_type: dict[str, str] | None) -> dict[str, str]:
    """``by_type`` without the entries that name ``credit_date`` (the default spelled out), sorted by
    type: the types a plan credits otherwise than its ``credit_date`` (DESIGN §3 "Plans")."""
    return dict(sorted((t, when) for t, when in (by_type or {}).items() if when != credit_date))


def credit_dates(credit_date: str | None, by_type: dict[str, str] | None) -> dict[str, str | None]:
    """The date (``booked`` | ``effective``) that credits each deal type, every type of ``Deal.Type`` in
    its order: the type's entry in ``by_type``, else ``credit_date`` — the engine's
    ``PlanSpec.credit_date_of`` for every type. Two plans with the same ``credit_dates`` credit every deal
    alike, however they spell it (DESIGN §3 "Plans")."""
    return {deal_type: (by_type or {}).get(deal_type, credit_date) for deal_type in Deal.Type.values}


def canonical_credit(credit_date: str | None, by_type: dict[str, str] | None) -> tuple[str | None, dict]:
    """``(credit_date, credit_date_by_type)`` in the one form a plan is stored in (DESIGN §3 "Plans"): the
    rules per type without the entries naming the default (``credit_rules``); and when every deal type is
    credited by the same date, that date is the plan's ``credit_date`` and no rule is left
    (``credit_date: booked`` with all four types ``effective`` is ``credit_date: effective``). The date
    that credits each type (``credit_dates``) is the same before and after. ``credit_date`` ``None`` (a
    bad value, already refused) is left as it is."""
    if credit_date is None:
        return None, dict(by_type or {})
    dates = set(credit_dates(credit_date, by_type).values())
    if len(dates) == 1:
        return dates.pop(), {}
    return credit_date, credit_rules(credit_date, by_type)


def _named(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("code"), str) and bool(item["code"].strip())


def _parse_components(items: Any, errors: _Errors) -> list[_ComponentSpec]:
    if is_nothing(items):
        errors.add("components is required: a list of at least one component")
        return []
    if not isinstance(items, list) or not items:
        errors.add(f"components must be a non-empty list of components, got {_show(items)}")
        return []
    specs: list[_ComponentSpec] = []
    first_index: dict[str, int] = {}
    metric_index: dict[str, int] = {}
    kpi_sources: dict[str, tuple[str, int]] = {}  # kpi code -> (how it is read, first component using it)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.add(f"components[{index}] must be a mapping such as {{code: NRR, metric: nrr, weight: 1}}")
            continue
        code = item.get("code").strip() if isinstance(item.get("code"), str) else ""
        label = f"components[{index}] ({code}): " if code else f"components[{index}]: "
        spec = _parse_component(_Reader(item, label, errors))
        if code in first_index:
            errors.add(f"{label}code {code} is already used by components[{first_index[code]}]")
        elif code:
            first_index[code] = index
        metric = item.get("metric")
        if metric in (Component.Metric.ADOPTION, Component.Metric.NRR):
            if metric in metric_index:
                errors.add(
                    f"{label}a plan has at most one {metric} component; "
                    f"components[{metric_index[metric]}] is one already"
                )
            else:
                metric_index[metric] = index
        if spec is not None:
            specs.append(spec)
            if spec.metric == Component.Metric.KPI:
                _one_source_per_kpi(spec, index, label, kpi_sources, errors)
    return specs


def _one_source_per_kpi(
    spec: _ComponentSpec, index: int, label: str, seen: dict[str, tuple[str, int]], errors: _Errors
) -> None:
    """A KPI code is read one way in a plan (one source, one measure): the run keys a CSM's KPI values
    by code (DESIGN §4.5)."""
    how = spec.source if spec.source != Component.Source.COMPUTED else f"computed ({spec.measure})"
    read, first = seen.setdefault(spec.kpi, (how, index))
    if read != how:
        errors.add(
            f"{label}kpi {spec.kpi} is {read} in components[{first}] and {how} here; "
            "a plan reads a KPI one way"
        )


def _parse_component(item: _Reader) -> _ComponentSpec | None:
    """One component; ``None`` when any of its fields is bad (each problem is recorded)."""
    before = len(item.errors.messages)
    item.unknown_keys(COMPONENT_KEYS)
    code = item.text("code", required=True, max_length=_model_field(Component, "code").max_length)
    metric = item.data.get("metric")
    if is_nothing(metric):
        metric = None
        item.error(f"metric is required: one of {', '.join(Component.Metric.values)}")
    elif metric not in Component.Metric.values:
        item.error(
            f"metric must be one of {', '.join(Component.Metric.values)}, got {_show(metric)}"
            f"{did_you_mean(metric, Component.Metric.values)}"
        )
        metric = None

    kpi = item.text("kpi", required=False, max_length=_model_field(Component, "kpi").max_length)
    if metric == Component.Metric.KPI and kpi is None and not item.data.get("kpi"):
        item.error("kpi (the KPI code, such as prs) is required on kpi components")
    if metric is not None and metric != Component.Metric.KPI:
        for key in KPI_ONLY_KEYS:
            if key in item.data:
                item.error(f"{key} is only allowed on kpi components, not on {_a(metric)} component")
    source, measure, direction = _kpi_source(item, kpi)
    if metric != Component.Metric.KPI:
        direction = DEFAULT_DIRECTION  # refused above on other metrics: no ceiling asked for on top

    weight = item.number("weight", model=Component, required="weight is required: a number greater than 0")
    if weight is not None and weight <= 0:
        item.error(f"weight ({_show(weight)}) must be greater than 0")

    goal = item.number("goal", model=Component)
    if direction == Component.Direction.LOWER:
        if goal is not None and goal < 0:  # lower is better: a goal of 0 (none at all) is a goal
            item.error(f"goal ({_show(goal)}) must be 0 or more")
            goal = None
    elif goal is not None and goal <= 0:
        item.error(f"goal ({_show(goal)}) must be greater than 0")
        goal = None
    ceiling = _ceiling(item, direction, goal)

    floor = item.number("floor", model=Component, absent=f"the default, {DEFAULT_NRR_FLOOR}")
    if metric is not None and metric != Component.Metric.NRR and "floor" in item.data:
        item.error(f"floor is only allowed on nrr components, not on {_a(metric)} component")
    elif metric == Component.Metric.NRR:
        if floor is None and "floor" not in item.data:
            floor = DEFAULT_NRR_FLOOR
        elif floor is not None and floor < 0:
            item.error(f"floor ({_show(floor)}) must be 0 or more")
        if goal is not None and floor is not None and goal <= floor:
            item.error(f"goal ({_show(goal)}) must be greater than floor ({_show(floor)})")

    threshold = item.number("threshold", model=Component, absent=f"the default, {DEFAULT_THRESHOLD}")
    if threshold is None and "threshold" not in item.data:
        threshold = DEFAULT_THRESHOLD
    elif threshold is not None and threshold < 0:
        item.error(f"threshold ({_show(threshold)}) must be 0 or more")

    lower = direction == Component.Direction.LOWER
    default_accelerator = DEFAULT_LOWER_ACCELERATOR if lower else DEFAULT_ACCELERATOR
    accelerator = item.number("accelerator", model=Component, absent=f"the default, {default_accelerator}")
    if accelerator is None and "accelerator" not in item.data:
        accelerator = default_accelerator
    elif accelerator is not None and accelerator < 0:
        item.error(f"accelerator ({_show(accelerator)}) must be 0 or more")

    cap = item.number("cap", model=Component, write="a number greater than 0", absent="no cap")
    if cap is not None:
        if cap <= 0:
            item.error(f"cap ({_show(cap)}) must be greater than 0")
        elif threshold is not None and cap < threshold:
            item.error(f"cap ({_show(cap)}) must be at least threshold ({_show(threshold)})")

    if len(item.errors.messages) > before:
        return None
    kpi_fields = metric == Component.Metric.KPI
    return _ComponentSpec(
        code=code,
        metric=metric,
        kpi=kpi or "",
        weight=weight,
        goal=goal,
        floor=floor if metric == Component.Metric.NRR else None,
        threshold=threshold,
        accelerator=accelerator,
        cap=cap,
        source=source if kpi_fields else DEFAULT_SOURCE,
        measure=measure if kpi_fields else "",
        direction=direction if kpi_fields else DEFAULT_DIRECTION,
        ceiling=ceiling if kpi_fields else None,
    )


def _kpi_source(item: _Reader, kpi: str | None) -> tuple[str | None, str, str | None]:
    """``source``, ``measure`` and ``direction`` of a KPI component (DESIGN §3 "Plans", §4.5); a computed
    KPI must be one Attain computes under the KPI settings, and only it has a measure."""
    source = item.choice("source", Component.Source.values, DEFAULT_SOURCE)
    direction = item.choice("direction", Component.Direction.values, DEFAULT_DIRECTION)
    measure = ""
    if source == Component.Source.COMPUTED:
        measure = item.choice("measure", Component.Measure.values, DEFAULT_MEASURE) or ""
        if kpi is not None:
            _computed_code(item, kpi)
    elif source is not None and "measure" in item.data and item.data.get("metric") == Component.Metric.KPI:
        item.error("measure is only allowed with source: computed; an imported KPI is one value per quarter")
    return source, measure, direction


def _computed_code(item: _Reader, kpi: str) -> None:
    """A computed KPI's code is one the KPI settings compute (``adoption.kpis.kpi_codes``, docs/kpis.md)."""
    from adoption.kpis import kpi_codes
    from adoption.portfolio.inputs import kpi_rules

    try:
        codes = list(kpi_codes(kpi_rules()))
    except ValueError as exc:
        item.error(f"kpi {kpi} cannot be computed: the KPI settings are invalid ({exc})")
        return
    if kpi not in codes:
        item.error(
            f"kpi {_show(kpi)}{did_you_mean(kpi, codes)} is not a computed KPI; computed KPIs are "
            f"{', '.join(codes)}"
        )


def _ceiling(item: _Reader, direction: str | None, goal: Decimal | None) -> Decimal | None:
    """The ceiling of a lower-is-better KPI: required, above 0 and above the goal (DESIGN §10.3); refused
    on a higher-is-better one."""
    lower = direction == Component.Direction.LOWER
    required = (
        "ceiling is required with direction: lower: the value at which attainment falls to 0, above the goal"
    )
    ceiling = item.number("ceiling", model=Component, required=required if lower else "")
    if lower:
        if ceiling is not None and ceiling <= 0:
            item.error(f"ceiling ({_show(ceiling)}) must be greater than 0")
        elif ceiling is not None and goal is not None and ceiling <= goal:
            item.error(
                f"ceiling ({_show(ceiling)}) must be above goal ({_show(goal)}): attainment falls from 1 "
                "at the goal to 0 at the ceiling"
            )
        return ceiling
    if "ceiling" in item.data and direction is not None and item.data.get("metric") == Component.Metric.KPI:
        item.error("ceiling is only allowed with direction: lower")
    return None


def component_errors(values: dict[str, Any]) -> list[str]:
    """The problems ``load_plan`` would find in one component given as field values (empty = left out).

    The admin's component forms use it so that a plan edited there obeys the rules of a loaded one.
    """
    errors = _Errors()
    # A form always has a source and a direction: their defaults mean what leaving them out means.
    defaults = {"source": DEFAULT_SOURCE, "direction": DEFAULT_DIRECTION}
    given = {
        key: value
        for key, value in values.items()
        if key in COMPONENT_KEYS and value not in (None, "") and defaults.get(key) != value
    }
    _parse_component(_Reader(given, "", errors))
    return errors.messages
