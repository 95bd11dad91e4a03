"""Loading a commission plan from YAML (DESIGN §3 "Plans", §6 ``load_plan``).

``parse``: YAML to exact values, and the field reader; ``validate``: the plan's rules, every problem at
once; ``write``: the upsert, refused once a quarter the plan was calculated in is closed; ``computed``:
which KPIs plans compute, and the unit every writer gives a line's metric value.
"""

from .computed import computed_kpis, kpi_unit, line_kind, line_unit, line_value_text, unit_value_text
from .validate import DEFAULT_NRR_FLOOR, component_errors, parse_plan
from .write import (
    PlanLoaded,
    change_notice,
    closed_quarters_of,
    describe_plan,
    load_message,
    load_plan,
    plan_is_locked,
    plan_matches,
    upsert_plan,
)

__all__ = [
    "DEFAULT_NRR_FLOOR",
    "PlanLoaded",
    "change_notice",
    "closed_quarters_of",
    "component_errors",
    "computed_kpis",
    "kpi_unit",
    "line_kind",
    "line_unit",
    "line_value_text",
    "unit_value_text",
    "describe_plan",
    "load_message",
    "load_plan",
    "parse_plan",
    "plan_is_locked",
    "plan_matches",
    "upsert_plan",
]
