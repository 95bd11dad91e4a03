"""A day's adoption scores for a scorecard (docs/design.md §9.4).

score = Σ weight × points ÷ Σ weight over the criteria that count, 0–100, ``Decimal`` half-up to 2
decimals. A milestone earns 100 points when met on the day (achieved on or before it, and not lost on or
before it), else 0. A measure without data follows its missing-data rule: ``zero`` counts 0 points,
``exclude`` drops the criterion (the weights re-normalise and the score is *partial*), ``last_known`` uses
the last value measured within N days before the day (day N included) and falls back to ``exclude`` when
there is none. A customer whose every criterion is excluded has no score that day.

Computed column by column over every customer at once, in integers: ratios in millionths, points and
scores in cents, each rounded half-up once from exact integer quotients, so the result is the one the
per-customer ``Decimal`` arithmetic of ``points.points_for`` and ``measures.to_ratio`` gives; ``Decimal``
only for the final scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from .definition import MILESTONE, Criterion, ScorecardSpec
from .measures import Usage, UsageWindow, half_up_div, measure_sums
from .points import points_cents

MET, NOT_MET, MEASURED, ZERO_FOR_MISSING, EXCLUDED, LAST_KNOWN = (
    "met",
    "not met",
    "measured",
    "missing: zero",
    "missing: excluded",
    "missing: last known",
)
DECISIONS = (MET, NOT_MET, MEASURED, ZERO_FOR_MISSING, EXCLUDED, LAST_KNOWN)
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
NO_DAY = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class ScoredDay:
    """``scores``: one row per customer, ascending (``customer_id``, ``score`` Decimal 0–100 with 2
    decimals or None, ``partial`` bool).

    ``criteria``: one row per customer and criterion (CRITERIA_COLUMNS), criterion by criterion in the
    scorecard's order, customers ascending within each: ``value`` (the ratio that earned the points) and
    ``raw`` in millionths and ``points`` in cents (nullable ``Int64``: <NA> for a milestone's value and
    for excluded points), ``weight``, and as categoricals the criterion code, the ``decision``, the
    ``band`` label ("" without bands) and ``measured_on`` (a ``date``; earlier than the scored day for
    ``last_known``, missing when nothing was measured)."""

    day: date
    scores: pd.DataFrame
    criteria: pd.DataFrame


@dataclass(frozen=True)
class _Outcome:
    """One criterion's outcome for every customer (arrays aligned with the customers)."""

    criterion: Criterion
    decision: np.ndarray  # index into DECISIONS
    value: np.ndarray  # millionths, where has_value
    raw: np.ndarray
    has_value: np.ndarray
    points: np.ndarray  # cents, where counted
    counted: np.ndarray
    band: np.ndarray  # index into labels, -1 for none
    labels: tuple[str, ...]
    measured_on: np.ndarray  # datetime64[D], NaT when nothing was measured


def compute_scores(
    spec: ScorecardSpec,
    *,
    day: date,
    customers: Iterable[int],
    usage: pd.DataFrame | Usage,
    milestones: pd.DataFrame,
    history: pd.DataFrame | None = None,
) -> ScoredDay:
    """Score ``customers`` on ``day``.

    ``usage``: the frame of ``measures`` (or a ``Usage`` built from it once for several days);
    ``milestones``: ``customer_id``, ``milestone``, ``achieved_on``, ``lost_on`` (dates, or datetime64;
    ``lost_on`` None/NaT when not lost); ``history``: earlier measured values for ``last_known``:
    ``customer_id``, ``criterion``, ``measured_on`` (date or datetime64), ``value`` and ``raw``
    (``Decimal``, or integers in millionths). Raises ``ValueError`` for a history value with more than
    6 decimals.
    """
    ids = np.unique(np.fromiter((int(c) for c in customers), dtype=np.int64))
    if isinstance(usage, pd.DataFrame):
        usage = UsageWindow(usage, day, spec.longest_window_days).usage
    history = normalise_history(history)
    outcomes = [
        _milestone(criterion, ids, milestones, day)
        if criterion.kind == MILESTONE
        else _measure(criterion, ids, usage, history, day)
        for criterion in spec.criteria
    ]
    return ScoredDay(day=day, scores=_roll_up(outcomes, ids), criteria=_criteria_frame(outcomes, ids))


def _as_days(column: pd.Series) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(column):
        column = pd.to_datetime(column.astype(object))
    return column.to_numpy().astype("datetime64[D]")


def _milestone(criterion: Criterion, ids: np.ndarray, milestones: pd.DataFrame, day: date) -> _Outcome:
    rows = milestones[milestones["milestone"] == criterion.milestone]
    achieved, lost = _as_days(rows["achieved_on"]), _as_days(rows["lost_on"])
    on = np.datetime64(day, "D")
    met_ids = rows["customer_id"].to_numpy(dtype=np.int64)[(achieved <= on) & (np.isnat(lost) | (lost > on))]
    met = np.isin(ids, met_ids)
    n = len(ids)
    zeros = np.zeros(n, dtype=np.int64)
    return _Outcome(
        criterion=criterion,
        decision=np.where(met, DECISIONS.index(MET), DECISIONS.index(NOT_MET)),
        value=zeros,
        raw=zeros,
        has_value=np.zeros(n, dtype=bool),
        points=np.where(met, 10_000, 0),
        counted=np.ones(n, dtype=bool),
        band=np.full(n, -1),
        labels=(),
        measured_on=np.full(n, NO_DAY),
    )


def _matched(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each id, its position in the ascending ``keys`` and whether it is there."""
    if not len(keys):
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
    return at, keys[at] == ids


def _measure(criterion: Criterion, ids: np.ndarray, usage: Usage, history, day: date) -> _Outcome:
    n = len(ids)
    sums = measure_sums(usage, criterion, day)
    at, found = _matched(sums.customers, ids)
    value = np.zeros(n, dtype=np.int64)
    raw = np.zeros(n, dtype=np.int64)
    value[found] = sums.value()[at[found]]
    raw[found] = sums.raw()[at[found]]
    decision = np.full(n, DECISIONS.index(MEASURED))
    measured_on = np.where(found, np.datetime64(day, "D"), NO_DAY)
    has_value = found.copy()
    rule = criterion.missing.rule
    if rule == "zero":
        decision[~found] = DECISIONS.index(ZERO_FOR_MISSING)
    else:
        decision[~found] = DECISIONS.index(EXCLUDED)
    if rule == "last_known":
        carried = _last_known(history, criterion, day)
        at, known = _matched(carried["customer_id"].to_numpy(dtype=np.int64), ids)
        known &= ~found
        for column, target in (("value", value), ("raw", raw)):
            target[known] = carried[column].to_numpy(dtype=np.int64)[at[known]]
        measured_on[known] = carried["measured_on"].to_numpy()[at[known]]
        decision[known] = DECISIONS.index(LAST_KNOWN)
        has_value |= known
    points = np.zeros(n, dtype=np.int64)
    band = np.full(n, -1)
    cents, bands = points_cents(value[has_value], criterion.points)
    points[has_value] = cents
    labels: tuple[str, ...] = ()
    if bands is not None:
        band[has_value] = bands
        labels = tuple(b.label for b in criterion.points.bands)
    return _Outcome(
        criterion=criterion,
        decision=decision,
        value=value,
        raw=raw,
        has_value=has_value,
        points=points,
        counted=has_value | (rule == "zero"),
        band=band,
        labels=labels,
        measured_on=measured_on,
    )


def normalise_history(history: pd.DataFrame | None) -> pd.DataFrame:
    """``history`` (see ``compute_scores``) with measured values only, ``measured_on`` as datetime64[D]
    and ``value`` and ``raw`` as int64 millionths. Raises ``ValueError`` for a value with more than 6
    decimals (the values stored are ``measures.to_ratio``'s)."""
    if history is None or history.empty:
        return pd.DataFrame(
            {
                "customer_id": pd.Series(dtype=np.int64),
                "criterion": pd.Series(dtype=object),
                "measured_on": pd.Series(dtype="datetime64[s]"),
                "value": pd.Series(dtype=np.int64),
                "raw": pd.Series(dtype=np.int64),
            }
        )
    history = history[history["value"].notna()]
    columns = {
        "customer_id": history["customer_id"].to_numpy(dtype=np.int64),
        "criterion": history["criterion"],
    }
    columns["measured_on"] = _as_days(history["measured_on"])
    for name in ("value", "raw"):
        column = history[name]
        columns[name] = (
            column.to_numpy(dtype=np.int64)
            if pd.api.types.is_integer_dtype(column)
            else np.array([_millionths(v) for v in column.tolist()], dtype=np.int64)
        )
    return pd.DataFrame(columns, index=pd.RangeIndex(len(history)))


def _millionths(value) -> int:
    scaled = Decimal(value).scaleb(6)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a measured value has at most 6 decimals, not {value}")
    return int(scaled)


def _last_known(history: pd.DataFrame, criterion: Criterion, day: date) -> pd.DataFrame:
    """The latest value of each customer measured in [day − N days, day), customers ascending."""
    on = np.datetime64(day, "D")
    earliest = np.datetime64(day - timedelta(days=criterion.missing.days), "D")
    measured_on = history["measured_on"].to_numpy().astype("datetime64[D]")
    rows = history[
        (history["criterion"] == criterion.code).to_numpy() & (measured_on >= earliest) & (measured_on < on)
    ]
    rows = rows.assign(measured_on=rows["measured_on"].to_numpy().astype("datetime64[D]"))
    latest = rows.sort_values(["customer_id", "measured_on"], kind="stable")
    return latest.drop_duplicates("customer_id", keep="last")


def _roll_up(outcomes: list[_Outcome], ids: np.ndarray) -> pd.DataFrame:
    weighted = np.zeros(len(ids), dtype=np.int64)
    weights = np.zeros(len(ids), dtype=np.int64)
    partial = np.zeros(len(ids), dtype=bool)
    for outcome in outcomes:
        weight = outcome.criterion.weight
        weighted += np.where(outcome.counted, weight * outcome.points, 0)
        weights += np.where(outcome.counted, weight, 0)
        partial |= ~outcome.counted
    cents = half_up_div(weighted, np.maximum(weights, 1))
    scores = [
        Decimal(c).scaleb(-2) if w else None for c, w in zip(cents.tolist(), weights.tolist(), strict=True)
    ]
    return pd.DataFrame({"customer_id": ids, "score": pd.Series(scores, dtype=object), "partial": partial})


def _criteria_frame(outcomes: list[_Outcome], ids: np.ndarray) -> pd.DataFrame:
    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(o, name) for o in outcomes])

    n = len(ids)
    bands = ["", *sorted({label for o in outcomes for label in o.labels})]
    # Each outcome's band indices to codes among ``bands``; index -1 (no band) takes the last entry, "".
    band_codes = np.concatenate(
        [np.asarray([bands.index(label) for label in o.labels] + [0])[o.band] for o in outcomes]
    )
    measured_on = joined("measured_on").astype("datetime64[D]")
    known = ~np.isnat(measured_on)
    days = np.unique(measured_on[known])
    day_codes = np.full(len(measured_on), -1)
    day_codes[known] = np.searchsorted(days, measured_on[known])
    has_value, counted = joined("has_value").astype(bool), joined("counted").astype(bool)
    return pd.DataFrame(
        {
            "customer_id": np.tile(ids, len(outcomes)),
            "criterion": pd.Categorical.from_codes(
                np.repeat(np.arange(len(outcomes)), n), categories=[o.criterion.code for o in outcomes]
            ),
            "value": pd.arrays.IntegerArray(joined("value").astype(np.int64), ~has_value),
            "raw": pd.arrays.IntegerArray(joined("raw").astype(np.int64), ~has_value),
            "points": pd.arrays.IntegerArray(joined("points").astype(np.int64), ~counted),
            "weight": np.repeat([o.criterion.weight for o in outcomes], n).astype(np.int64),
            "decision": pd.Categorical.from_codes(
                joined("decision").astype(np.int64), categories=list(DECISIONS)
            ),
            "band": pd.Categorical.from_codes(band_codes, categories=bands),
            "measured_on": pd.Categorical.from_codes(
                day_codes, categories=pd.Index([d.item() for d in days], dtype=object)
            ),
        }
    )
