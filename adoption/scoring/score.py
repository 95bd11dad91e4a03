"""A day's adoption scores for a scorecard (docs/design.md §9.4).

score = Σ weight × points ÷ Σ weight over the criteria that count, 0–100, ``Decimal`` half-up to 2
decimals. A milestone earns 100 points when met on the day (achieved on or before it, and not lost on or
before it), else 0. A measure without data follows its missing-data rule: ``zero`` counts 0 points,
``exclude`` drops the criterion (the weights re-normalise and the score is *partial*), ``last_known`` uses
the last value measured within N days before the day (day N included) and falls back to ``exclude`` when
there is none. A customer whose every criterion is excluded has no score that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .definition import MILESTONE, Criterion, ScorecardSpec
from .measures import UsageWindow, measure
from .points import points_for

SCORE_PLACES = Decimal("0.01")
HUNDRED, ZERO = Decimal(100), Decimal(0)

MET, NOT_MET, MEASURED, ZERO_FOR_MISSING, EXCLUDED, LAST_KNOWN = (
    "met",
    "not met",
    "measured",
    "missing: zero",
    "missing: excluded",
    "missing: last known",
)
CRITERIA_COLUMNS = [
    "customer_id",
    "criterion",
    "value",
    "raw",
    "points",
    "weight",
    "decision",
    "band",
    "measured_on",
]


@dataclass(frozen=True)
class ScoredDay:
    """``scores``: one row per customer (``customer_id``, ``score`` Decimal or None, ``partial`` bool).
    ``criteria``: one row per customer and criterion (CRITERIA_COLUMNS): the value that earned the points
    (ratio 0–1, None for milestones), the raw value, points 0–100 (None when excluded), weight, decision,
    band label, and the day the value was measured (earlier than the scored day for ``last_known``)."""

    day: date
    scores: pd.DataFrame
    criteria: pd.DataFrame


def compute_scores(
    spec: ScorecardSpec,
    *,
    day: date,
    customers: Iterable[int],
    usage: pd.DataFrame,
    milestones: pd.DataFrame,
    history: pd.DataFrame | None = None,
) -> ScoredDay:
    """Score ``customers`` on ``day``.

    ``usage``: see ``measures``; ``milestones``: ``customer_id``, ``milestone``, ``achieved_on`` (date),
    ``lost_on`` (date or None); ``history``: earlier measured values for ``last_known``: ``customer_id``,
    ``criterion``, ``measured_on`` (date), ``value`` and ``raw`` (Decimal).
    """
    customers = sorted(set(customers))
    window = UsageWindow(usage, day, spec.longest_window_days)
    met = _milestones_met(milestones, day)
    rows: list[tuple] = []
    for criterion in spec.criteria:
        if criterion.kind == MILESTONE:
            rows.extend(_milestone_rows(criterion, customers, met))
        else:
            rows.extend(_measure_rows(criterion, customers, window, history, day))
    criteria = pd.DataFrame(rows, columns=CRITERIA_COLUMNS)
    return ScoredDay(day=day, scores=_roll_up(criteria, customers), criteria=criteria)


def _milestones_met(milestones: pd.DataFrame, day: date) -> set[tuple[int, str]]:
    met = set()
    for customer_id, milestone, achieved_on, lost_on in milestones[
        ["customer_id", "milestone", "achieved_on", "lost_on"]
    ].itertuples(index=False, name=None):
        lost = lost_on if isinstance(lost_on, date) else None
        if achieved_on <= day and (lost is None or lost > day):
            met.add((int(customer_id), milestone))
    return met


def _milestone_rows(criterion: Criterion, customers: list[int], met: set[tuple[int, str]]):
    for customer_id in customers:
        done = (customer_id, criterion.milestone) in met
        yield (
            customer_id,
            criterion.code,
            None,
            None,
            HUNDRED if done else ZERO,
            criterion.weight,
            MET if done else NOT_MET,
            "",
            None,
        )


def _measure_rows(criterion, customers, window, history, day):
    measured = measure(window, criterion)
    values = dict(zip(measured.index, zip(measured["value"], measured["raw"], strict=True), strict=True))
    carried = _last_known(history, criterion, day) if criterion.missing.rule == "last_known" else {}
    for customer_id in customers:
        if customer_id in values:
            value, raw = values[customer_id]
            decision, measured_on = MEASURED, day
        elif criterion.missing.rule == "zero":
            yield (
                customer_id,
                criterion.code,
                None,
                None,
                ZERO,
                criterion.weight,
                ZERO_FOR_MISSING,
                "",
                None,
            )
            continue
        elif customer_id in carried:
            measured_on, value, raw = carried[customer_id]
            decision = LAST_KNOWN
        else:
            yield (customer_id, criterion.code, None, None, None, criterion.weight, EXCLUDED, "", None)
            continue
        points, band = points_for(value, criterion.points)
        yield (
            customer_id,
            criterion.code,
            value,
            raw,
            points,
            criterion.weight,
            decision,
            band.label if band else "",
            measured_on,
        )


def _last_known(history: pd.DataFrame | None, criterion: Criterion, day: date) -> dict:
    """customer_id → (measured_on, value, raw) of the latest value in [day − N days, day)."""
    if history is None or history.empty:
        return {}
    earliest = day - timedelta(days=criterion.missing.days)
    rows = history[
        (history["criterion"] == criterion.code)
        & (history["measured_on"] >= earliest)
        & (history["measured_on"] < day)
        & history["value"].notna()
    ]
    latest = rows.sort_values("measured_on").groupby("customer_id").tail(1)
    return {
        int(c): (on, value, raw)
        for c, on, value, raw in latest[["customer_id", "measured_on", "value", "raw"]].itertuples(
            index=False, name=None
        )
    }


def _roll_up(criteria: pd.DataFrame, customers: list[int]) -> pd.DataFrame:
    weighted: dict[int, Decimal] = dict.fromkeys(customers, ZERO)
    weights: dict[int, int] = dict.fromkeys(customers, 0)
    partial: dict[int, bool] = dict.fromkeys(customers, False)
    for customer_id, points, weight in criteria[["customer_id", "points", "weight"]].itertuples(
        index=False, name=None
    ):
        if points is None:
            partial[customer_id] = True
            continue
        weighted[customer_id] += weight * points
        weights[customer_id] += weight
    scores = [
        (weighted[c] / weights[c]).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP) if weights[c] else None
        for c in customers
    ]
    return pd.DataFrame(
        {"customer_id": customers, "score": scores, "partial": [partial[c] for c in customers]}
    ).astype({"score": object})
