"""The scorecard calculation written the simple way: one customer and one criterion at a time, in
``Decimal``, straight from docs/design.md §9.3–§9.4. The property tests hold ``adoption.scoring``'s
column-at-a-time integer calculation to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from adoption.scoring.definition import MILESTONE, Criterion, ScorecardSpec
from adoption.scoring.measures import ACTIVE, MAU, SEATS, to_ratio
from adoption.scoring.points import points_for
from adoption.scoring.score import EXCLUDED, LAST_KNOWN, MEASURED, MET, NOT_MET, ZERO_FOR_MISSING

SCORE_PLACES = Decimal("0.01")
HUNDRED, ZERO = Decimal(100), Decimal(0)


@dataclass(frozen=True)
class Row:
    """One customer's criterion: value and raw (Decimal or None), points (None when excluded), weight,
    decision, band label, measured_on."""

    value: Decimal | None
    raw: Decimal | None
    points: Decimal | None
    weight: int
    decision: str
    band: str
    measured_on: date | None


def reference_scores(
    spec: ScorecardSpec,
    *,
    day: date,
    customers: list[int],
    usage: pd.DataFrame,
    milestones: pd.DataFrame,
    history: pd.DataFrame | None = None,
) -> tuple[dict[int, tuple[Decimal | None, bool]], dict[tuple[int, str], Row]]:
    """customer → (score, partial), and (customer, criterion code) → Row."""
    rows: dict[tuple[int, str], Row] = {}
    for criterion in spec.criteria:
        for customer in sorted(set(customers)):
            if criterion.kind == MILESTONE:
                rows[customer, criterion.code] = _milestone(criterion, customer, milestones, day)
            else:
                rows[customer, criterion.code] = _measure_row(criterion, customer, usage, history, day)
    scores = {}
    for customer in sorted(set(customers)):
        counted = [rows[customer, c.code] for c in spec.criteria]
        weights = sum(r.weight for r in counted if r.points is not None)
        weighted = sum((r.weight * r.points for r in counted if r.points is not None), ZERO)
        score = (weighted / weights).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP) if weights else None
        scores[customer] = (score, any(r.points is None for r in counted))
    return scores, rows


def _milestone(criterion: Criterion, customer: int, milestones: pd.DataFrame, day: date) -> Row:
    met = False
    for c, name, achieved, lost in milestones[
        ["customer_id", "milestone", "achieved_on", "lost_on"]
    ].itertuples(index=False, name=None):
        lost = lost if isinstance(lost, date) else None
        if c == customer and name == criterion.milestone and achieved <= day and (lost is None or lost > day):
            met = True
    return Row(None, None, HUNDRED if met else ZERO, criterion.weight, MET if met else NOT_MET, "", None)


def _measure_row(criterion: Criterion, customer: int, usage: pd.DataFrame, history, day: date) -> Row:
    measured = measure_of(criterion, customer, usage, day)
    if measured is not None:
        value, raw = measured
        decision, measured_on = MEASURED, day
    elif criterion.missing.rule == "zero":
        return Row(None, None, ZERO, criterion.weight, ZERO_FOR_MISSING, "", None)
    else:
        carried = (
            _last_known(history, criterion, customer, day) if criterion.missing.rule == "last_known" else None
        )
        if carried is None:
            return Row(None, None, None, criterion.weight, EXCLUDED, "", None)
        measured_on, value, raw = carried
        decision = LAST_KNOWN
    points, band = points_for(value, criterion.points)
    return Row(value, raw, points, criterion.weight, decision, band.label if band else "", measured_on)


def _last_known(history, criterion: Criterion, customer: int, day: date):
    if history is None:
        return None
    earliest = day - timedelta(days=criterion.missing.days)
    found = None
    for c, code, on, value, raw in history[
        ["customer_id", "criterion", "measured_on", "value", "raw"]
    ].itertuples(index=False, name=None):
        in_window = c == customer and code == criterion.code and earliest <= on < day and value is not None
        if in_window and (found is None or on > found[0]):
            found = (on, value, raw)
    return found


def _days(usage: pd.DataFrame, customer: int, day: date, days: int) -> dict[int, dict[str, int]]:
    """Age in days (0 = the scored day) → metric → value, for the customer's rows in the window."""
    by_age: dict[int, dict[str, int]] = {}
    for c, stamp, metric, value in usage[["customer_id", "date", "metric", "value"]].itertuples(
        index=False, name=None
    ):
        age = (day - pd.Timestamp(stamp).date()).days
        if c == customer and 0 <= age < days:
            by_age.setdefault(age, {})[str(metric)] = int(value)
    return by_age


def measure_of(criterion: Criterion, customer: int, usage: pd.DataFrame, day: date):
    """(value, raw) of one customer, or None when it lacks the data (docs/design.md §9.3)."""
    if criterion.measure == "weeks_active":
        by_age = _days(usage, customer, day, 7 * criterion.window_weeks)
        if not by_age:
            return None
        weeks = {age // 7 for age, metrics in by_age.items() if metrics.get(ACTIVE, 0) > 0}
        ratio = to_ratio(len(weeks), criterion.window_weeks)
        return ratio, ratio
    by_age = _days(usage, customer, day, criterion.window_days)
    if criterion.measure == "feature_adoption":
        if not by_age:
            return None
        adopted = 0
        for feature in criterion.features:
            uses = sum(m.get(f"feature:{feature}", 0) for m in by_age.values())
            users = max((m.get(f"feature_users:{feature}", 0) for m in by_age.values()), default=0)
            adopted += uses >= criterion.min_uses and users >= criterion.min_users
        ratio = to_ratio(adopted, len(criterion.features))
        return ratio, ratio
    denominator_metric = SEATS if criterion.measure == "license_utilisation" else MAU
    numerator = raw = denominator = 0
    for metrics in by_age.values():
        if ACTIVE in metrics and metrics.get(denominator_metric, 0) > 0:
            active, other = metrics[ACTIVE], metrics[denominator_metric]
            numerator += min(active, other) if criterion.measure == "license_utilisation" else active
            raw += active
            denominator += other
    if not denominator:
        return None
    return to_ratio(numerator, denominator), to_ratio(raw, denominator)


def as_decimal(units, places: int) -> Decimal | None:
    """An integer in units of 10^-places (or <NA>) as a Decimal (or None)."""
    return (
        None
        if units is pd.NA or units is None or (isinstance(units, float) and np.isnan(units))
        else (Decimal(int(units)).scaleb(-places))
    )
