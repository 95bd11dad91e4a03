"""A scorecard's definition, parsed and validated from its YAML mapping (docs/design.md §9.1).

Shapes: thresholds and measure values are ratios 0–1 (``Decimal``), points 0–100, weights integers 1–5,
windows in days (``window_weeks`` in weeks). Every fault raises ``ScorecardError`` naming the field by its
path, e.g. ``criteria[2].weight: must be an integer from 1 to 5, not 7``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.suggest import did_you_mean

MILESTONE = "milestone"
MEASURE = "measure"
KINDS = (MILESTONE, MEASURE)
MEASURES = ("license_utilisation", "dau_mau", "weeks_active", "feature_adoption")
MISSING_RULES = ("zero", "exclude", "last_known")
HUNDRED = Decimal(100)
# A scorecard's code names it in page addresses (docs/scorecards.md): letters, digits, - and _.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
SCORECARD_KEYS = ("code", "name", "version", "effective_from", "description", "segments", "criteria")
CRITERION_KEYS = ("code", "name", "kind", "weight")
MILESTONE_KEYS = (*CRITERION_KEYS, "milestone")
MEASURE_KEYS = (*CRITERION_KEYS, "measure", "points", "missing")
WINDOW_KEYS = {
    "license_utilisation": ("window_days",),
    "dau_mau": ("window_days",),
    "weeks_active": ("window_weeks",),
    "feature_adoption": ("window_days", "features", "min_uses", "min_users"),
}
BAND_KEYS = ("lower", "upper", "points", "label", "colour")
MISSING_KEYS = ("rule", "days")


class ScorecardError(ValueError):
    """A scorecard definition that cannot be used; the message names the field and the fault."""


@dataclass(frozen=True)
class LinearPoints:
    """Points linear between knots ``(value, points)``; flat before the first and after the last."""

    knots: tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True)
class Band:
    """One band: values up to and including ``upper`` (from the previous band's upper edge, exclusive)."""

    upper: Decimal
    points: Decimal
    label: str
    colour: str = ""


@dataclass(frozen=True)
class BandPoints:
    """Bands in rising order; the first also includes its ``lower`` edge (docs/design.md §9.2)."""

    lower: Decimal
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class MissingRule:
    """What a measure without data counts as: ``zero`` points, ``exclude`` (weights re-normalise and the
    score is partial) or ``last_known`` (the last measured value within ``days`` days)."""

    rule: str
    days: int | None = None


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    kind: str
    weight: int
    milestone: str = ""
    measure: str = ""
    window_days: int = 0
    window_weeks: int = 0
    features: tuple[str, ...] = ()
    min_uses: int = 1
    min_users: int = 1
    points: LinearPoints | BandPoints | None = None
    missing: MissingRule = MissingRule("zero")


@dataclass(frozen=True)
class ScorecardSpec:
    code: str
    name: str
    version: int
    effective_from: date
    segments: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    description: str = ""

    @property
    def longest_window_days(self) -> int:
        """The days of usage before (and including) the scored day that any criterion reads."""
        days = [c.window_days or 7 * c.window_weeks for c in self.criteria if c.kind == MEASURE]
        return max(days, default=0)


def parse_scorecard(data: Mapping[str, Any]) -> ScorecardSpec:
    """Validate a scorecard mapping (as read from YAML) into a ``ScorecardSpec``.

    Raises ``ScorecardError`` for the first fault, naming the field. The code is letters, digits, - and
    _; no key is unknown at any level (a typo is refused, naming the known keys); criterion codes are
    unique; every measure has a window, a points mapping and an explicit missing-data rule (issue 17:
    never an implicit ``zero``), and ``last_known`` needs ``days``.
    """
    if not isinstance(data, Mapping):
        raise ScorecardError("a scorecard is a mapping of code, name, version, effective_from and criteria")
    _refuse_unknown_keys(data, SCORECARD_KEYS, "")
    code = _text(data, "code", "code")
    if not CODE_PATTERN.fullmatch(code):
        raise ScorecardError(f"code: letters, digits, - and _ only, not {code!r}")
    criteria_data = data.get("criteria")
    if not isinstance(criteria_data, Sequence) or isinstance(criteria_data, str) or not criteria_data:
        raise ScorecardError("criteria: give at least one criterion")
    criteria = tuple(_criterion(item, f"criteria[{i}]") for i, item in enumerate(criteria_data))
    seen: set[str] = set()
    for i, criterion in enumerate(criteria):
        if criterion.code in seen:
            raise ScorecardError(f"criteria[{i}].code: {criterion.code!r} is used twice")
        seen.add(criterion.code)
    segments = data.get("segments") or ()
    if isinstance(segments, str) or not all(isinstance(s, str) and s for s in segments):
        raise ScorecardError("segments: a list of customer segment names")
    return ScorecardSpec(
        code=code,
        name=_text(data, "name", "name"),
        version=_integer(data, "version", "version", low=1),
        effective_from=_date(data.get("effective_from"), "effective_from"),
        segments=tuple(segments),
        criteria=criteria,
        description=str(data.get("description") or ""),
    )


def _criterion(data: Any, path: str) -> Criterion:
    if not isinstance(data, Mapping):
        raise ScorecardError(f"{path}: a criterion is a mapping")
    kind = data.get("kind")
    if kind not in KINDS:
        raise ScorecardError(f"{path}.kind: one of {', '.join(KINDS)}, not {kind!r}")
    measure = data.get("measure")
    if kind == MILESTONE:
        _refuse_unknown_keys(data, MILESTONE_KEYS, path)
    elif measure in WINDOW_KEYS:
        _refuse_unknown_keys(data, (*MEASURE_KEYS, *WINDOW_KEYS[measure]), path)
    common = {
        "code": _text(data, "code", f"{path}.code"),
        "name": _text(data, "name", f"{path}.name"),
        "kind": kind,
        "weight": _integer(data, "weight", f"{path}.weight", low=1, high=5),
    }
    if kind == MILESTONE:
        return Criterion(**common, milestone=_text(data, "milestone", f"{path}.milestone"))
    if measure not in MEASURES:
        raise ScorecardError(f"{path}.measure: one of {', '.join(MEASURES)}, not {measure!r}")
    window: dict[str, Any] = {}
    if measure == "weeks_active":
        window["window_weeks"] = _integer(data, "window_weeks", f"{path}.window_weeks", low=1, high=52)
    else:
        window["window_days"] = _integer(data, "window_days", f"{path}.window_days", low=1, high=366)
    if measure == "feature_adoption":
        features = data.get("features")
        if not isinstance(features, Sequence) or isinstance(features, str) or not features:
            raise ScorecardError(f"{path}.features: name at least one key feature")
        if len(set(features)) != len(features):
            raise ScorecardError(f"{path}.features: a feature is named twice")
        window["features"] = tuple(str(f) for f in features)
        window["min_uses"] = _integer(data, "min_uses", f"{path}.min_uses", low=1)
        window["min_users"] = _integer(data, "min_users", f"{path}.min_users", low=1)
    return Criterion(
        **common,
        measure=measure,
        **window,
        points=_points(data.get("points"), f"{path}.points"),
        missing=_missing(data.get("missing"), f"{path}.missing"),
    )


def _points(data: Any, path: str) -> LinearPoints | BandPoints:
    if isinstance(data, Mapping):
        _refuse_unknown_keys(data, ("linear", "bands"), path)
    if not isinstance(data, Mapping) or len(data) != 1 or not ({"linear", "bands"} & set(data)):
        raise ScorecardError(f"{path}: give either linear: [[value, points], …] or bands: […]")
    if "linear" in data:
        knots = data["linear"]
        if not isinstance(knots, Sequence) or len(knots) < 2:
            raise ScorecardError(f"{path}.linear: at least two [value, points] knots")
        parsed = []
        for i, knot in enumerate(knots):
            if not isinstance(knot, Sequence) or isinstance(knot, str) or len(knot) != 2:
                raise ScorecardError(f"{path}.linear[{i}]: a knot is [value, points]")
            parsed.append(
                (_decimal(knot[0], f"{path}.linear[{i}]"), _points_value(knot[1], f"{path}.linear[{i}]"))
            )
        for i in range(1, len(parsed)):
            if parsed[i][0] <= parsed[i - 1][0]:
                raise ScorecardError(f"{path}.linear[{i}]: knot values must rise strictly")
        return LinearPoints(tuple(parsed))
    bands = data["bands"]
    if not isinstance(bands, Sequence) or not bands:
        raise ScorecardError(f"{path}.bands: at least one band")
    lower = _decimal(
        bands[0].get("lower", 0) if isinstance(bands[0], Mapping) else None, f"{path}.bands[0].lower"
    )
    parsed_bands = []
    previous = lower
    for i, band in enumerate(bands):
        where = f"{path}.bands[{i}]"
        if not isinstance(band, Mapping):
            raise ScorecardError(f"{where}: a band is a mapping of upper, points and label")
        _refuse_unknown_keys(band, BAND_KEYS, where)
        if i and "lower" in band:
            raise ScorecardError(f"{where}.lower: only the first band has a lower edge")
        upper = _decimal(band.get("upper"), f"{where}.upper")
        if upper < previous or (i and upper == previous):
            raise ScorecardError(f"{where}.upper: bands must rise, {upper} is not above {previous}")
        previous = upper
        parsed_bands.append(
            Band(
                upper=upper,
                points=_points_value(band.get("points"), f"{where}.points"),
                label=_text(band, "label", f"{where}.label"),
                colour=str(band.get("colour") or ""),
            )
        )
    return BandPoints(lower=lower, bands=tuple(parsed_bands))


def _missing(data: Any, path: str) -> MissingRule:
    if data is None:
        # What a measure without data counts as is always said, never assumed (docs/design.md §9.1).
        raise ScorecardError(f"{path}: required, one of {', '.join(MISSING_RULES)} (last_known with days: N)")
    if isinstance(data, str):
        data = {"rule": data}
    if isinstance(data, Mapping):
        _refuse_unknown_keys(data, MISSING_KEYS, path)
    if not isinstance(data, Mapping) or data.get("rule") not in MISSING_RULES:
        raise ScorecardError(f"{path}: one of {', '.join(MISSING_RULES)} (last_known with days: N)")
    if data["rule"] == "last_known":
        return MissingRule("last_known", _integer(data, "days", f"{path}.days", low=1, high=366))
    if "days" in data:
        raise ScorecardError(f"{path}.days: only last_known takes days")
    return MissingRule(data["rule"])


def _refuse_unknown_keys(data: Mapping[str, Any], known: tuple[str, ...], path: str) -> None:
    for key in data:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            raise ScorecardError(
                f"{where}: unknown key{did_you_mean(key, known)}; the known keys are {', '.join(known)}"
            )


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScorecardError(f"{path}: required text")
    return value.strip()


def _integer(data: Mapping[str, Any], key: str, path: str, *, low: int, high: int | None = None) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
        span = f"from {low} to {high}" if high else f"of at least {low}"
        raise ScorecardError(f"{path}: must be an integer {span}, not {value!r}")
    return value


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ScorecardError(f"{path}: a number is required")
    try:
        # str() first: a YAML float such as 0.6 becomes Decimal("0.6"), not its binary expansion.
        number = Decimal(str(value))
    except InvalidOperation:
        raise ScorecardError(f"{path}: {value!r} is not a number") from None
    if not number.is_finite():
        raise ScorecardError(f"{path}: {value!r} is not a number")
    return number


def _points_value(value: Any, path: str) -> Decimal:
    number = _decimal(value, path)
    if not 0 <= number <= HUNDRED:
        raise ScorecardError(f"{path}: points run from 0 to 100, not {number}")
    return number


def _date(value: Any, path: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScorecardError(f"{path}: an ISO date such as 2026-01-01, not {value!r}") from None
