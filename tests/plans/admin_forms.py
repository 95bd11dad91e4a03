"""The admin's plan form as a test posts it: every field of ``plan`` and its components as stored, with
``changes`` on top (``components-N-<field>`` for the N-th component by position)."""

from __future__ import annotations

from commissions.models import Plan
from commissions.services.plans.validate import COMPONENT_KEYS

COMPONENT_FIELDS = ("position", *COMPONENT_KEYS)


def plan_form(plan: Plan, **changes) -> dict:
    """The POST data of ``/admin/commissions/plan/<pk>/change/`` saving ``plan`` with ``changes``."""
    components = list(plan.components.order_by("position"))
    data = {
        "code": plan.code,
        "name": plan.name,
        "fiscal_year": plan.fiscal_year,
        "currency": plan.currency,
        "credit_date": plan.credit_date,
        "new_customer_window_days": plan.new_customer_window_days,
        "clawback_days": "" if plan.clawback_days is None else plan.clawback_days,
        "negative_balance": plan.negative_balance,
        "adoption_formula": plan.adoption_formula,
        "adoption_weighting": plan.adoption_weighting,
        "customer_cap": plan.customer_cap,
        "components-TOTAL_FORMS": len(components),
        "components-INITIAL_FORMS": len(components),
        "components-MIN_NUM_FORMS": 0,
        "components-MAX_NUM_FORMS": 1000,
    }
    for n, component in enumerate(components):
        data[f"components-{n}-id"] = component.pk
        data[f"components-{n}-plan"] = plan.pk
        for name in COMPONENT_FIELDS:
            value = getattr(component, name)
            data[f"components-{n}-{name}"] = "" if value is None else value
    data.update(changes)
    return data
