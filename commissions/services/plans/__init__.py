"""Loading a commission plan from YAML (DESIGN §3 "Plans", §6 ``load_plan``).

``parse``: YAML to exact values, and the field reader; ``validate``: the plan's rules, every problem at
once; ``write``: the upsert, refused when the fiscal year has a closed quarter; ``computed``: which KPIs
plans compute.
"""

from .computed import computed_kpis
from .validate import DEFAULT_NRR_FLOOR, component_errors, parse_plan
from .write import PlanLoaded, describe_plan, load_plan, plan_is_locked, plan_matches, upsert_plan

__all__ = [
    "DEFAULT_NRR_FLOOR",
    "PlanLoaded",
    "component_errors",
    "computed_kpis",
    "describe_plan",
    "load_plan",
    "parse_plan",
    "plan_is_locked",
    "plan_matches",
    "upsert_plan",
]
