"""On-target amounts, payout factors and payout lines (DESIGN §4.1, §4.6, §4.7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from .money import exact, to_cents
from .tables import clean
from .types import ONE, ZERO, ComponentSpec, EngineWarning


def overlap_days(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Days of [start, end] inside the period, both ends inclusive; an open end runs past the period."""
    first = max(start, period_start)
    last = min(end, period_end) if end is not None else period_end
    return max((last - first).days + 1, 0)


def on_target_amounts(assignments: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Per CSM: OTI = Σ on_target_amount × days inside the quarter / days of the quarter, and the goals
    of the assignment in force last in the quarter. CSMs without overlapping assignments are absent."""
    period_days = (end - start).days + 1
    rows = []
    for eid, a_start, a_end, amount, nrr_goal, kpi_goal in assignments[
        ["employee_id", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"]
    ].itertuples(index=False, name=None):
        days = overlap_days(a_start, clean(a_end), start, end)
        if days > 0:
            with exact():
                rows.append((eid, a_start, amount * days / period_days, clean(nrr_goal), clean(kpi_goal)))
    frame = pd.DataFrame(
        rows, columns=["employee_id", "start_date", "oti", "nrr_goal", "kpi_goal"], dtype=object
    )
    if frame.empty:
        return frame.drop(columns="start_date")
    frame = frame.sort_values(["employee_id", "start_date"], kind="stable")
    oti = frame.groupby("employee_id")["oti"].sum()
    goals = frame.drop_duplicates("employee_id", keep="last").set_index("employee_id")[
        ["nrr_goal", "kpi_goal"]
    ]
    return goals.assign(oti=oti).reset_index()[["employee_id", "oti", "nrr_goal", "kpi_goal"]]


def payout_factor(attainment: Decimal, component: ComponentSpec) -> Decimal:
    """f: 0 below the threshold, the attainment up to 1, accelerated above 1, then capped (DESIGN §4.6)."""
    with exact():
        if attainment < component.threshold:
            f = ZERO
        elif attainment <= ONE:
            f = attainment
        else:
            f = ONE + component.accelerator * (attainment - ONE)
    return min(f, component.cap) if component.cap is not None else f


def payout_lines(oti: Decimal, lines: list[dict]) -> list[dict]:
    """Fill share and payout on each component line: OTI × weight / Σ applying weights × f, half-up to
    cents, in that order (DESIGN §4.7). A line that does not apply has share 0 and payout 0.00."""
    total_weight = sum((line["weight"] for line in lines if line["applies"]), ZERO)
    for line in lines:
        if line["applies"] and total_weight > 0:
            with exact():
                line["share"] = line["weight"] / total_weight
                line["payout"] = to_cents(oti * line["weight"] / total_weight * line["factor"])
        else:
            line["share"] = ZERO
            line["payout"] = to_cents(ZERO)
    return lines


def unapplied_warnings(
    eid: str, lines: list[dict], reasons: dict[str, str], period: str
) -> list[EngineWarning]:
    """A warning per component that does not apply to a CSM, with ``reasons`` (component → why).

    The components that apply share the whole on-target amount between them (DESIGN §4.7), so one
    that drops out (an empty book, no customer counted) silently raises the others' shares: a reviewer
    sees it before closing. None applying pays 0, with one warning.
    """
    dropped = [line["component"] for line in lines if not line["applies"]]
    if not dropped:
        return []
    why = "; ".join(f"{code}: {reasons.get(code, 'no value')}" for code in dropped)
    carrying = [line["component"] for line in lines if line["applies"]]
    if not carrying:
        return [
            EngineWarning(
                "no_component_applies", f"{eid}: no component applies in {period} ({why}); payout 0.", eid
            )
        ]
    verb = "carries" if len(carrying) == 1 else "carry"
    return [
        EngineWarning(
            "component_not_applied",
            f"{eid}: {code} does not apply in {period} ({reasons.get(code, 'no value')}); "
            f"{', '.join(carrying)} {verb} its weight.",
            eid,
        )
        for code in dropped
    ]
