"""The segment rules of docs/design.md §10.5: which customers a rule selects on a day.

Pure like ``adoption.kpis`` (numpy and pandas, no Django, no database): ``rule_frame`` lays out a day's
inputs once — every customer's ``adoption.kpis.customer_values`` beside the usage and the activities —
and ``members`` gives one rule's members from it. ``validate_params`` reads and checks a rule's
``params`` (the ``Segment.params`` JSON), filling the defaults.

Every comparison with a threshold is exact, as in §10.2: utilisations, drops and shares are compared as
cross-multiplied integers, never as rounded ratios. A customer without the value a rule reads (no
utilisation that day, no usage in a period) is not a member: missing, not zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from adoption.kpis import KpiRules, customer_values
from adoption.scoring.measures import ACTIVE, Usage

PAST_ONBOARDING = "past_onboarding"
USAGE_DROP = "usage_drop"
TOP_USAGE = "top_usage"
LOW_UTILISATION = "low_utilisation"
RISING_UTILISATION = "rising_utilisation"
LOW_ENGAGEMENT_AFTER_ONBOARDING = "low_engagement_after_onboarding"
KEY_USER_LEFT = "key_user_left"

ONBOARDING_COMPLETED, KEY_USER_LEFT_ACTIVITY = "onboarding_completed", "key_user_left"
DROP_DAYS = 30  # a drop compares the 30 days to D with the 30 before (frequency), or D with D − 30
LOOKBACK_DAYS = 2 * DROP_DAYS - 1  # the oldest usage day a rule reads: D − 59
MEASURES = ("utilisation", "frequency")


class SegmentParamsError(ValueError):
    """A segment's ``params`` do not fit its rule; the message names the rule and the param."""


@dataclass(frozen=True)
class Param:
    """One param of a rule: how a value is read (raises ``ValueError`` with what it must be) and its
    default (None: none, or the KPI setting, as the rule's docstring says)."""

    read: Callable[[Any], Any]
    default: Any = None
    words: str = ""


MAX_DAYS = 3650  # a rule's ``days`` reach back at most ten years
MAX_TOP = 1_000_000  # top_usage's ``top``: more than any portfolio's customers


def _whole(minimum: int, maximum: int) -> Callable[[Any], int]:
    """A whole number from ``minimum`` to ``maximum``, both included (a huge number would push a rule's
    date arithmetic out of the calendar: refused when loaded, not when the daily job runs)."""
    what = f"a whole number from {minimum} to {maximum:,}"

    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"must be {what}")
        try:
            number = int(str(value).strip()) if isinstance(value, str) else value
        except ValueError:
            raise ValueError(f"must be {what}") from None
        if not minimum <= number <= maximum:
            raise ValueError(f"must be {what}")
        return number

    return read


def _decimal(value: Any, what: str) -> Decimal:
    """A number as an exact Decimal: YAML's 0.6 is read from its text (``str``), never as a binary float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"must be {what}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"must be {what}") from None
    if not number.is_finite():
        raise ValueError(f"must be {what}")
    return number


def _ratio(value: Any) -> Decimal:
    number = _decimal(value, "a ratio from 0 to 1 (0.6 for 60 %)")
    if not Decimal(0) <= number <= Decimal(1):
        raise ValueError("must be a ratio from 0 to 1 (0.6 for 60 %)")
    return number


def _drop_percent(value: Any) -> Decimal:
    number = _decimal(value, "a percentage from 0 to less than 100")
    if not Decimal(0) <= number < Decimal(100):
        raise ValueError("must be a percentage from 0 to less than 100")
    return number


def _top_percent(value: Any) -> Decimal:
    number = _decimal(value, "a percentage above 0, at most 100")
    if not Decimal(0) < number <= Decimal(100):
        raise ValueError("must be a percentage above 0, at most 100")
    return number


def _measure(value: Any) -> str:
    if value not in MEASURES:
        raise ValueError(f"must be one of {', '.join(MEASURES)}")
    return value


# Each rule's params with their defaults (docs/design.md §10.5). A ratio param left out means the KPI
# utilisation threshold of the settings (§10.2), read when the rule is evaluated.
PARAMS: dict[str, dict[str, Param]] = {
    PAST_ONBOARDING: {},
    USAGE_DROP: {
        "measure": Param(_measure, "utilisation", "utilisation or frequency"),
        "drop_percent": Param(_drop_percent, Decimal(20), "more than this relative drop, in %"),
    },
    TOP_USAGE: {
        "top": Param(_whole(1, MAX_TOP), None, "the N customers with the most active users"),
        "top_percent": Param(_top_percent, None, "or this share of them, in %"),
    },
    LOW_UTILISATION: {"threshold": Param(_ratio, None, "below this utilisation, 0–1")},
    RISING_UTILISATION: {},
    LOW_ENGAGEMENT_AFTER_ONBOARDING: {
        "days": Param(_whole(0, MAX_DAYS), 30, "onboarding completed at least this many days ago"),
        "max_utilisation": Param(_ratio, None, "and utilisation below this, 0–1"),
    },
    KEY_USER_LEFT: {"days": Param(_whole(1, MAX_DAYS), 30, "a key user left within this many days")},
}
TOP_DEFAULT = 10  # top_usage without ``top`` or ``top_percent``


def validate_params(rule: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` of ``rule`` read and checked, with every default filled: ``{name: value}`` (ratios and
    percentages as ``Decimal``, counts as ``int``; a ratio left out stays None: the KPI threshold).

    Raises ``SegmentParamsError`` naming the rule and the param: an unknown rule, an unknown param (with
    the known ones), a value of the wrong kind or range, or top_usage given both ``top`` and
    ``top_percent``."""
    if rule not in PARAMS:
        raise SegmentParamsError(f"unknown rule {rule!r}: the rules are {', '.join(PARAMS)}")
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise SegmentParamsError(f"{rule}: params must be a mapping of names to values, not {params!r}")
    known = PARAMS[rule]
    unknown = sorted(str(name) for name in params if name not in known)
    if unknown:
        takes = f"it takes {', '.join(known)}" if known else "it takes none"
        raise SegmentParamsError(f"{rule}: unknown param {', '.join(unknown)} ({takes})")
    read: dict[str, Any] = {}
    for name, param in known.items():
        value = params.get(name)
        if value is None:
            read[name] = param.default
            continue
        try:
            read[name] = param.read(value)
        except ValueError as exc:
            raise SegmentParamsError(f"{rule}: {name} {exc}, not {value!r}") from None
    if rule == TOP_USAGE:
        if read["top"] is not None and read["top_percent"] is not None:
            raise SegmentParamsError(f"{rule}: give top or top_percent, not both")
        if read["top"] is None and read["top_percent"] is None:
            read["top"] = TOP_DEFAULT
    return read


def describe(rule: str, params: Mapping[str, Any] | None, rules: KpiRules | None = None) -> str:
    """The rule in words with its params (docs/design.md §10.5), for the pages: "Utilisation below 60 %"."""
    p = validate_params(rule, params)
    threshold = (rules or KpiRules()).utilisation_threshold

    def pct(ratio: Decimal | None) -> str:
        return f"{_plain(Decimal(ratio if ratio is not None else threshold) * 100)} %"

    if rule == PAST_ONBOARDING:
        return "Onboarding completed on or before the day"
    if rule == USAGE_DROP:
        what = (
            "utilisation on the day against 30 days before"
            if p["measure"] == "utilisation"
            else ("days with active users in the last 30 days against the 30 before")
        )
        return f"More than {_plain(p['drop_percent'])} % drop in {what}"
    if rule == TOP_USAGE:
        top = f"{p['top']}" if p["top"] is not None else f"{_plain(p['top_percent'])} %"
        return f"Top {top} of customers by active users on the day (ties included)"
    if rule == LOW_UTILISATION:
        return f"Utilisation below {pct(p['threshold'])}"
    if rule == RISING_UTILISATION:
        rules = rules or KpiRules()
        points, days = _plain(rules.rise_points), rules.rise_days
        return f"Utilisation up more than {points} points against {days} days before"
    if rule == LOW_ENGAGEMENT_AFTER_ONBOARDING:
        below = pct(p["max_utilisation"])
        return f"Onboarding completed at least {p['days']} days ago and utilisation below {below}"
    return f"A key user left in the last {p['days']} days"


def _plain(number: Decimal) -> str:
    text = format(Decimal(number).normalize(), "f")
    return text


@dataclass(frozen=True)
class RuleFrame:
    """One day's inputs to every rule: ``values`` is ``customer_values`` of every customer evaluated
    (index ``customer_id``, ascending), ``usage`` the day's usage window laid out, ``activities`` the
    activities on or before the day (customer_id, date, type), ``rules`` the KPI settings."""

    day: date
    values: pd.DataFrame
    usage: Usage
    activities: pd.DataFrame
    rules: KpiRules

    @property
    def customers(self) -> np.ndarray:
        return self.values.index.to_numpy(dtype=np.int64)


def rule_frame(
    *,
    day: date,
    usage: pd.DataFrame | Usage,
    activities: pd.DataFrame,
    customers: Iterable[int],
    quarter_start: date,
    rules: KpiRules | None = None,
) -> RuleFrame:
    """Lay out ``day``'s inputs for ``members`` (inputs as ``adoption.kpis.customer_values`` takes them;
    ``usage`` must reach back ``LOOKBACK_DAYS`` days for the frequency drop). Raises ``ValueError`` as
    ``customer_values`` does."""
    rules = rules or KpiRules()
    laid_out = usage if isinstance(usage, Usage) else Usage(usage)
    values = customer_values(
        day=day,
        usage=laid_out,
        activities=activities,
        customers=customers,
        quarter_start=quarter_start,
        rules=rules,
    )
    return RuleFrame(day=day, values=values, usage=laid_out, activities=activities, rules=rules)


def members(rule: str, params: Mapping[str, Any] | None, frame: RuleFrame) -> np.ndarray:
    """The ids of ``frame``'s customers that ``rule`` with ``params`` selects on ``frame.day``, ascending
    (docs/design.md §10.5; each rule's function below says its formula). Raises ``SegmentParamsError``
    for bad params."""
    read = validate_params(rule, params)
    selected = RULES[rule](frame, read)
    return frame.customers[np.asarray(selected, dtype=bool)]


def past_onboarding(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """An ``onboarding_completed`` activity on or before D (the KPIs' "past onboarding", §10.2)."""
    return frame.values["qbr_eligible"].to_numpy(dtype=bool)


def low_utilisation(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """A utilisation on D strictly below ``threshold`` (default the KPI threshold, 60 %): exactly the
    threshold is not low; no utilisation on D is not a member."""
    return _below(frame, params["threshold"])


def rising_utilisation(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """The KPI rule (§10.2): utilisation on D strictly more than 10 percentage points above D − 30's, both
    days having one (points and days are the KPI settings); exactly +10 points is not rising."""
    return frame.values["rose"].to_numpy(dtype=bool)


def low_engagement_after_onboarding(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """An ``onboarding_completed`` activity on or before D − ``days`` (completed at least ``days`` days
    ago, default 30) and a utilisation on D strictly below ``max_utilisation`` (default the KPI
    threshold)."""
    since = _with_activity(frame, ONBOARDING_COMPLETED, last=frame.day - timedelta(days=params["days"]))
    return since & _below(frame, params["max_utilisation"])


def key_user_left(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """A ``key_user_left`` activity in the last ``days`` days (default 30): dated D − days + 1 … D, both
    included (the day counts as the first of them, as the KPIs' weeks do)."""
    first = frame.day - timedelta(days=params["days"] - 1)
    return _with_activity(frame, KEY_USER_LEFT_ACTIVITY, last=frame.day, first=first)


def usage_drop(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """More than ``drop_percent`` X % relative drop (default 20 %): (before − now) ÷ before > X ÷ 100, so a
    drop of exactly X % is not a drop. ``measure`` utilisation: utilisation on D against D − 30, both days
    having one and D − 30's above 0. ``measure`` frequency: the days with active users (active_users > 0)
    in D − 29 … D against D − 59 … D − 30, each period having an active_users row and the earlier one at
    least one active day."""
    drop = Fraction(params["drop_percent"]) / 100
    p, q = drop.numerator, drop.denominator
    if params["measure"] == "utilisation":
        values = frame.values
        a, s = _ints(values["util_active"]), _ints(values["util_seats"])
        a0, s0 = _ints(values["earlier_active"]), _ints(values["earlier_seats"])
        has = values["has_util"].to_numpy(dtype=bool) & values["has_earlier"].to_numpy(dtype=bool)
        has &= a0 > 0
        # (a0/s0 − a/s) ÷ (a0/s0) > p/q  ⇔  (a0·s − a·s0)·q > p·a0·s   (s, s0, a0 > 0)
        dropped = (a0 * s - a * s0) * q > p * a0 * s
        return has & np.asarray(dropped, dtype=bool)
    earlier_end = frame.day - timedelta(days=DROP_DAYS)
    now, had_now = _active_days(frame, frame.day)
    before, had_before = _active_days(frame, earlier_end)
    has = had_now & had_before & (before > 0)
    # (before − now) ÷ before > p/q  ⇔  (before − now)·q > p·before   (before > 0)
    dropped = (before - now) * q > p * before
    return has & np.asarray(dropped, dtype=bool)


def top_usage(frame: RuleFrame, params: dict[str, Any]) -> np.ndarray:
    """The customers with the most active users on D: the first ``top`` N (or ceil(``top_percent`` % ×
    the customers ranked), at least 1) by active_users, every customer tied with the last one included.
    Only customers with an active_users row on D above 0 are ranked; fewer than N ranked are all
    members."""
    active, present = _on_day(frame, ACTIVE)
    ranked = present & (active > 0)
    count = int(ranked.sum())
    if count == 0:
        return ranked
    if params["top"] is not None:
        n = params["top"]
    else:
        share = Fraction(params["top_percent"]) * count / 100
        n = max(1, math.ceil(share))
    if n >= count:
        return ranked
    cut_off = np.sort(active[ranked])[::-1][n - 1]
    return ranked & (active >= cut_off)


RULES: dict[str, Callable[[RuleFrame, dict[str, Any]], np.ndarray]] = {
    PAST_ONBOARDING: past_onboarding,
    USAGE_DROP: usage_drop,
    TOP_USAGE: top_usage,
    LOW_UTILISATION: low_utilisation,
    RISING_UTILISATION: rising_utilisation,
    LOW_ENGAGEMENT_AFTER_ONBOARDING: low_engagement_after_onboarding,
    KEY_USER_LEFT: key_user_left,
}


def _ints(column: pd.Series) -> np.ndarray:
    """A count column as Python integers: products of seats and counts never overflow."""
    return column.to_numpy(dtype=np.int64).astype(object)


def _below(frame: RuleFrame, threshold: Decimal | None) -> np.ndarray:
    ratio = Fraction(threshold if threshold is not None else frame.rules.utilisation_threshold)
    values = frame.values
    a, s = _ints(values["util_active"]), _ints(values["util_seats"])
    # a ÷ s < p ÷ q  ⇔  a·q < p·s   (s > 0)
    below = a * ratio.denominator < ratio.numerator * s
    return values["has_util"].to_numpy(dtype=bool) & np.asarray(below, dtype=bool)


def _with_activity(frame: RuleFrame, kind: str, *, last: date, first: date | None = None) -> np.ndarray:
    """Whether each customer has a ``kind`` activity dated ``first`` … ``last`` (no lower bound: None)."""
    activities = frame.activities
    if activities.empty:
        return np.zeros(len(frame.customers), dtype=bool)
    dates = pd.to_datetime(activities["date"]).to_numpy().astype("datetime64[D]")
    hit = (activities["type"].to_numpy() == kind) & (dates <= np.datetime64(last, "D"))
    if first is not None:
        hit &= dates >= np.datetime64(first, "D")
    ids = np.unique(activities["customer_id"].to_numpy(dtype=np.int64)[hit])
    return np.isin(frame.customers, ids)


def _by_customer(frame: RuleFrame, per_usage_customer: np.ndarray) -> np.ndarray:
    """Values given per ``frame.usage`` customer, for ``frame``'s customers (0 for one without usage)."""
    usage, ids = frame.usage, frame.customers
    result = np.zeros(len(ids), dtype=per_usage_customer.dtype)
    if len(usage.customers) == 0:
        return result
    at = np.searchsorted(usage.customers, ids)
    inside = at < len(usage.customers)
    found = np.zeros(len(ids), dtype=bool)
    found[inside] = usage.customers[at[inside]] == ids[inside]
    result[found] = per_usage_customer[at[found]]
    return result


def _on_day(frame: RuleFrame, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's ``metric`` on D and whether the row exists."""
    usage = frame.usage
    column = usage.column(frame.day)
    if not 0 <= column < usage.days:
        zeros = np.zeros(len(frame.customers), dtype=np.int64)
        return zeros, zeros.astype(bool)
    values = _by_customer(frame, usage.values(metric)[:, column])
    present = _by_customer(frame, usage.present(metric)[:, column])
    return values, present


def _active_days(frame: RuleFrame, last: date) -> tuple[np.ndarray, np.ndarray]:
    """The days with active users in the ``DROP_DAYS`` days to ``last`` and whether the period has an
    active_users row."""
    usage = frame.usage
    active = usage.window_sum("kpi:active_days", lambda: usage.values(ACTIVE) > 0, last, DROP_DAYS)
    rows = usage.window_sum("segments:active_rows", lambda: usage.present(ACTIVE), last, DROP_DAYS)
    return _by_customer(frame, active).astype(object), _by_customer(frame, rows) > 0
