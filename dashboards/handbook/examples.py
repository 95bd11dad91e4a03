"""Worked examples of a plan at 50%, 100% and 150% attainment (docs/handbook.md "Worked examples"),
computed by the engine: each component's factor is ``payout.payout_factor``'s and the lines are
``payout.payout_lines``' (OTI × weight ÷ Σ weights × factor, half-up to cents, DESIGN §4.6–4.7); a plan's
escalators are applied by ``escalators.escalate`` and ``escalation_amounts`` (docs/design.md §11.2).
Nothing here re-states a formula of the engine; it only chooses the attainments and says what metric value
reaches them. No database.

Every component is taken at the same attainment, and as applying (DESIGN §4.7: one that does not apply
hands its share to the others). A component that cannot reach the level (adoption above the customer cap,
a lower-is-better KPI without an accelerator above 100%) is taken at the most it reaches, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from commissions.engine import ComponentSpec, PlanSpec
from commissions.engine.escalators import Standing, escalate, escalation_amounts
from commissions.engine.money import exact, to_cents
from commissions.engine.payout import payout_factor, payout_lines
from commissions.services.plans.computed import unit_value_text
from core import formatting as fmt

from .rules import DEFAULT_NRR_FLOOR, goal_of, top_attainment

LEVELS = (Decimal("0.5"), Decimal("1"), Decimal("1.5"))
# The on-target amount of the examples for a reader who is not on the plan in the quarter shown (a manager,
# ops, finance): a round amount per quarter in the plan's currency (docs/handbook.md).
EXAMPLE_OTI = Decimal("10000.00")


@dataclass(frozen=True)
class ExampleLine:
    """One component at one attainment: what metric value reaches it, the engine's factor and payout."""

    code: str
    attainment: Decimal
    limited: bool  # the level is above what the component reaches: taken at its highest
    takes: str
    factor: Decimal
    share: Decimal
    payout: Decimal


@dataclass(frozen=True)
class WorkedExample:
    """Every component at ``level``; ``total`` is the sum of the rounded lines (DESIGN §4.7) and
    ``unrounded`` the sum of the same lines before each is rounded, then rounded once, to the cent.
    ``escalators``: for the escalated example, each escalator's code and the amount it added.
    ``rounding_note``: the sentence saying why ``total`` differs from ``unrounded`` ("" when it does not)."""

    level: Decimal
    lines: tuple[ExampleLine, ...]
    total: Decimal
    unrounded: Decimal
    escalators: tuple[tuple[str, Decimal], ...] = ()
    rounding_note: str = ""


def worked_examples(
    spec: PlanSpec,
    oti: Decimal,
    *,
    goals: Mapping[str, Decimal | None] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[WorkedExample]:
    """The plan at each of ``LEVELS`` for an on-target amount ``oti`` (per quarter, the plan's currency).
    ``goals`` and ``units`` as ``rules.component_rules`` takes them."""
    return [_example(spec, oti, level, goals or {}, units or {}) for level in LEVELS]


def escalated_example(
    spec: PlanSpec,
    oti: Decimal,
    *,
    goals: Mapping[str, Decimal | None] | None = None,
    units: Mapping[str, str] | None = None,
) -> WorkedExample | None:
    """The plan at 100% for a person who qualifies for every escalator; None for a plan without any."""
    if not spec.escalators:
        return None
    qualified = [Standing(escalator, (), True) for escalator in spec.escalators]
    return _example(spec, oti, Decimal(1), goals or {}, units or {}, qualified=qualified)


def _example(spec, oti, level, goals, units, *, qualified: list[Standing] | None = None) -> WorkedExample:
    lines, reached = [], {}
    for c in spec.components:
        goal = goal_of(c, goals)
        highest = top_attainment(c, spec, goal=goal)
        attainment = level if highest is None else min(level, highest)
        reached[c.code] = (attainment, attainment < level, _takes(c, attainment, goal, units.get(c.code, "")))
        lines.append(
            {
                "component": c.code,
                "metric": c.metric,
                "weight": c.weight,
                "applies": True,
                "factor": payout_factor(attainment, c),
                "detail": {},
            }
        )
    if qualified:
        escalate(lines, qualified)
    payout_lines(oti, lines)
    weights = sum((line["weight"] for line in lines), Decimal(0))
    with exact():
        # Each line as ``payout_lines`` computes it, OTI × weight ÷ Σ weights × factor, before it is
        # rounded to the cent (DESIGN §4.7); the sum is rounded once.
        exact_lines = (oti * line["weight"] / weights * line["factor"] for line in lines) if weights else ()
        unrounded = to_cents(sum(exact_lines, Decimal(0)))
    added: dict[str, Decimal] = {}
    if qualified:
        escalation_amounts(oti, lines)
        for line in lines:
            for entry in line["detail"].get("escalators", ()):
                added[entry["code"]] = added.get(entry["code"], Decimal(0)) + entry["added"]
    shown = tuple(
        ExampleLine(
            line["component"], *reached[line["component"]], line["factor"], line["share"], line["payout"]
        )
        for line in lines
    )
    total = sum((line.payout for line in shown), Decimal(0))
    return WorkedExample(
        level=level,
        lines=shown,
        total=total,
        unrounded=unrounded,
        escalators=tuple(added.items()),
        rounding_note=rounding_note(total, unrounded, oti=oti, currency=spec.currency),
    )


def rounding_note(total: Decimal, unrounded: Decimal, *, oti: Decimal, currency: str) -> str:
    """Why a worked example's ``total`` (the sum of its rounded lines) is not ``unrounded`` (the lines'
    exact sum, rounded once): each line is rounded to the cent before the lines are added (DESIGN §4.7),
    so they may part by a cent or two. Names the on-target amount when that is what the lines add up to
    unrounded (every component at 100%), else the unrounded sum. "" when the two agree. Money in
    ``currency``."""
    if total == unrounded:
        return ""
    what = "the on-target amount" if unrounded == to_cents(oti) else "the lines' unrounded sum"
    return (
        "Each line is rounded to the cent before the lines are added, so the total may differ from "
        f"{what} by a cent or two: here {fmt.money(total, currency)} against "
        f"{fmt.money(unrounded, currency)}."
    )


def _takes(c: ComponentSpec, attainment: Decimal, goal: Decimal | None, unit: str) -> str:
    """The metric value that gives ``attainment`` (the inverse of DESIGN §4.3–4.5's attainment)."""
    if c.metric == "adoption":
        return f"adoption A of {fmt.percent(attainment)}"
    if goal is None:
        return "— (the goal is set per person)"
    with exact():
        if c.metric == "nrr":
            floor = c.floor if c.floor is not None else DEFAULT_NRR_FLOOR
            return f"NRR of {fmt.percent(floor + attainment * (goal - floor))}"
        if c.direction == "lower" and c.ceiling is not None:
            value = max(Decimal(0), c.ceiling - attainment * (c.ceiling - goal))
        else:
            value = goal * attainment
    return f"{c.kpi} of {unit_value_text(value, unit)}"
