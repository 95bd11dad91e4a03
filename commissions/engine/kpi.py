"""KPI attainment (DESIGN §4.5): value ÷ goal where higher is better; where lower is better, 1 at or below
the goal falling linearly to 0 at the plan's ceiling (§10.3). Imported and computed KPIs alike."""

from __future__ import annotations

from decimal import Decimal

from .money import exact
from .types import ONE, ZERO, ComponentSpec, EngineWarning

# Days named in a warning about a computed KPI's missing days; the count is always given.
DAYS_NAMED = 5


def lower_is_better_attainment(
    value: Decimal, goal: Decimal, ceiling: Decimal, *, accelerated: bool
) -> Decimal:
    """Attainment of a KPI where a lower value is better (DESIGN §4.5, §10.3), exact.

    (ceiling − value) ÷ (ceiling − goal): 1 at the goal, falling linearly to 0 at the ceiling, 0 at or
    above it. Below the goal the formula goes above 1, which only an ``accelerated`` component keeps
    (its accelerator and cap then apply in ``payout_factor``); otherwise attainment stops at 1. Raises
    ``ValueError`` when the ceiling is not above the goal (``load_plan`` refuses such a plan).
    """
    if ceiling <= goal:
        raise ValueError(f"the ceiling ({ceiling}) must be above the goal ({goal})")
    if value >= ceiling:
        return ZERO
    with exact():
        attainment = (ceiling - value) / (ceiling - goal)
    return attainment if accelerated else min(attainment, ONE)


def kpi_attainment(
    value: Decimal | None,
    goal: Decimal | None,
    eid: str,
    component: ComponentSpec,
    period: str,
    warnings: list[EngineWarning],
) -> Decimal:
    """A CSM's attainment on a KPI component (DESIGN §4.5): value ÷ goal, or the lower-is-better rule.

    A missing value, or a missing goal, gives 0 with a warning (``missing_kpi``, ``missing_goal``); so
    does a lower-is-better goal that is not below the ceiling (``goal_not_below_ceiling``: an
    assignment's ``kpi_goal`` overrides the plan's goal, which ``load_plan`` checked).
    """
    if value is None:
        why = ""
        if component.source == "computed":  # the daily KPI job stored nothing the measure reads
            why = (
                " (no daily value stored for the quarter's last day)"
                if component.measure != "quarter_average"
                else " (no daily value stored in the quarter)"
            )
        warnings.append(
            EngineWarning(
                "missing_kpi",
                f"{eid} has no {component.kpi} KPI value for {period}{why}; attainment 0.",
                eid,
            )
        )
        return ZERO
    if component.direction != "lower":
        if goal is None or goal <= 0:
            warnings.append(_no_goal(eid, component, period))
            return ZERO
        with exact():
            return value / goal
    if goal is None or goal < 0 or component.ceiling is None:
        warnings.append(_no_goal(eid, component, period))
        return ZERO
    if goal >= component.ceiling:
        warnings.append(
            EngineWarning(
                "goal_not_below_ceiling",
                f"{eid}'s {component.kpi} goal ({_plain(goal)}) is not below the ceiling "
                f"({_plain(component.ceiling)}) of {component.code} in {period}: lower is better needs a "
                "goal below the ceiling; attainment 0. Correct the assignment's KPI goal.",
                eid,
            )
        )
        return ZERO
    return lower_is_better_attainment(value, goal, component.ceiling, accelerated=component.accelerator > 0)


def kpi_detail(component: ComponentSpec, goal: Decimal | None, days: tuple[int, str] | None) -> dict:
    """The line detail of a KPI component: its code and goal; for a computed or lower-is-better KPI also
    its source, measure, direction and ceiling, and for a computed one the stored days its value is made
    of (``days``: count, missing days joined by ",")."""
    detail = {"kpi": component.kpi, "goal": goal}
    if component.source == "imported" and component.direction == "higher":
        return detail
    detail.update(
        source=component.source,
        measure=component.measure,
        direction=component.direction,
        ceiling=component.ceiling,
    )
    if component.source == "computed":
        count, missing = days if days is not None else (0, "")
        detail.update(days=count, missing_days=len(_days(missing)))
    return detail


def missing_days_warning(
    eid: str, component: ComponentSpec, period: str, days: tuple[int, str] | None
) -> EngineWarning | None:
    """A warning when a computed KPI's value is made of fewer days than the quarter has: some days were
    not stored by the daily KPI job, or were stored without a value (no customer of the book measured,
    docs/kpis.md) (DESIGN §4.5). The quarter-end measure reads its last day only:
    a missing last day is the ``missing_kpi`` warning, other days do not matter to it."""
    if component.source != "computed" or component.measure != "quarter_average" or days is None:
        return None
    count, missing = days
    listed = _days(missing)
    if not listed:
        return None
    shown = ", ".join(listed[:DAYS_NAMED]) + (", …" if len(listed) > DAYS_NAMED else "")
    noun = "day" if len(listed) == 1 else "days"
    return EngineWarning(
        "kpi_days_missing",
        f"{eid}: {component.kpi} has no stored value on {len(listed)} {noun} of {period} ({shown}); "
        f"the quarter's average of {component.code} is the mean of the {count} days with a value.",
        eid,
    )


def _days(missing: str) -> list[str]:
    return [day for day in (missing or "").split(",") if day]


def _no_goal(eid: str, component: ComponentSpec, period: str) -> EngineWarning:
    return EngineWarning(
        "missing_goal", f"{eid} has no {component.kpi} KPI goal for {period}; attainment 0.", eid
    )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
