"""Writing a validated plan (DESIGN §6 ``load_plan``): an upsert by plan code in one transaction, refused
once the plan's fiscal year has a closed quarter."""

from __future__ import annotations

from django.db import transaction

from commissions.models import Component, Plan
from core.errors import PeriodClosed

from .parse import _plain
from .validate import parse_plan


def plan_is_locked(plan: Plan) -> bool:
    """Whether ``plan`` may no longer change because its fiscal year has a closed period (DESIGN §3)."""
    from commissions.models import Period

    closed = Period.objects.filter(status=Period.Status.CLOSED)
    return closed.filter(code__startswith=f"{plan.fiscal_year}-").exists()


def load_plan(*, source: str, file_name: str = "") -> Plan:
    """Create or replace the plan described by the YAML ``source``; return it with its components.

    Validates the whole file first and raises ``PlanInvalid`` with every problem. Upserts by plan code in
    one transaction (the existing plan row is locked with ``select_for_update``): plan fields and
    ``source`` are overwritten, components are matched by code (updated, created, or deleted when gone
    from the file). Raises ``PeriodClosed`` when the existing plan is locked (``plan_is_locked``).
    """
    spec = parse_plan(source, file_name=file_name)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(code=spec.code).first()
        if plan is not None and plan_is_locked(plan):
            raise PeriodClosed(
                f"Plan {plan.code} cannot change: fiscal year {plan.fiscal_year} already has a closed period."
            )
        plan = plan or Plan(code=spec.code)
        plan.name = spec.name
        plan.fiscal_year = spec.fiscal_year
        plan.currency = spec.currency
        plan.credit_date = spec.credit_date
        plan.new_customer_window_days = spec.new_customer_window_days
        plan.clawback_days = spec.clawback_days
        plan.negative_balance = spec.negative_balance
        plan.adoption_formula = spec.adoption_formula
        plan.adoption_weighting = spec.adoption_weighting
        plan.customer_cap = spec.customer_cap
        plan.source = source
        plan.save()

        existing = {component.code: component for component in plan.components.all()}
        plan.components.exclude(code__in=[c.code for c in spec.components]).delete()
        for position, item in enumerate(spec.components):
            component = existing.get(item.code) or Component(plan=plan, code=item.code)
            component.position = position
            component.metric = item.metric
            component.kpi = item.kpi
            component.weight = item.weight
            component.goal = item.goal
            component.floor = item.floor
            component.threshold = item.threshold
            component.accelerator = item.accelerator
            component.cap = item.cap
            component.source = item.source
            component.measure = item.measure
            component.direction = item.direction
            component.ceiling = item.ceiling
            component.save()
    return Plan.objects.prefetch_related("components").get(pk=plan.pk)


def describe_plan(plan: Plan) -> str:
    """One line for people: ``CS-FY22 (FY22, USD): 3 components ADOPTION 1, NRR 1, KPI 1``, followed by
    the prior-period options that differ from their defaults (``; clawback within 90 days; negative
    balance paid negative``)."""
    components = list(plan.components.all())
    parts = ", ".join(f"{c.code} {_plain(c.weight)}" for c in components)
    noun = "component" if len(components) == 1 else "components"
    line = f"{plan.code} ({plan.fiscal_year}, {plan.currency}): {len(components)} {noun} {parts}"
    options = []
    if plan.clawback_days is not None:
        day = "day" if plan.clawback_days == 1 else "days"
        options.append(f"clawback within {plan.clawback_days} {day}")
    if plan.negative_balance != Plan.NegativeBalance.CARRY_FORWARD:
        options.append(f"negative balance {Plan.NegativeBalance(plan.negative_balance).label.lower()}")
    return "; ".join([line, *options])
