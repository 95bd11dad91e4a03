"""What the customer scorecard page shows (docs/scorecards.md "Pages"; the rules: docs/design.md §9).

Everything shown is read from the stored daily scores: the score, and per criterion the value, points,
weight and missing-data decision the daily job stored beside it (``DailyScore.criteria``). Nothing is
computed again here but the sum that explains the score (Σ weight × points and Σ weight), for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404
from django.utils import timezone

from accounts.access import get_visible
from accounts.models import User
from adoption.access import customers_visible_to
from adoption.models import Customer, DailyScore, Scorecard, ScorecardVersion, ScoreObservation
from adoption.scorecards import selectors as scores
from adoption.scorecards.loading import spec_of
from adoption.scoring.definition import MILESTONE, Criterion, ScorecardSpec
from core import formatting as fmt
from core.fiscal import calendar

HISTORY_DAYS = 90  # the history chart's reach before the day shown
TREND_DAYS = scores.TREND_DAYS  # 30 or 90 (docs/design.md §9.6); ``?trend=`` picks, 30 by default
MEASURE_NAMES = {
    "license_utilisation": "license utilisation",
    "dau_mau": "DAU/MAU",
    "weeks_active": "weeks active",
    "feature_adoption": "key features used",
}


def day_asked(text: str | None) -> date | None:
    """``?on=YYYY-MM-DD``, or None when not given. Raises ``Http404`` with a sentence for another form."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Http404(f"{text.strip()!r} is not a day: write it as 2026-11-24.") from None


def trend_asked(text: str | None) -> int:
    """``?trend=30|90`` (days), 30 by default; anything else is a 404 naming the choices."""
    if not text:
        return TREND_DAYS[0]
    if text.strip() not in {str(days) for days in TREND_DAYS}:
        raise Http404(f"A trend is over {' or '.join(map(str, TREND_DAYS))} days, not {text.strip()!r}.")
    return int(text.strip())


def scorecard_asked(code: str | None) -> Scorecard | None:
    """The scorecard ``?scorecard=CODE`` names, None when not given; an unknown code is a 404."""
    if not code or not code.strip():
        return None
    found = Scorecard.objects.filter(code=code.strip()).first()
    if found is None:
        raise Http404(f"There is no scorecard {code.strip()!r}.")
    return found


def customer_shown(user: User, customer_id: str) -> Customer:
    """The customer ``user`` may see (a CSM: their book; a Geo VP: their geo; else all), or 404."""
    return get_visible(customers_visible_to(user), customer_id=customer_id)


def fiscal_year_of(day: date) -> str:
    return calendar().fiscal_year_of(day).code


def default_scorecard(customer: Customer, on: date | None) -> Scorecard | None:
    """The scorecard a customer's page opens on: the year's commission scorecard when it has scored the
    customer, else the first (by code) that has; None when none has."""
    scoring = scores.scorecards_scoring(customer)
    commission = {s.pk for s in scores.commission_scorecards(fiscal_year_of(on or timezone.localdate()))}
    return next((s for s in scoring if s.pk in commission), scoring[0] if scoring else None)


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of a day's score, as the page writes it."""

    code: str
    name: str
    kind: str  # "milestone: sso_integrated", "measure: license utilisation over 30 days"
    value: str  # ratios as percentages, counts as counts, milestones met / not met; "no data"
    band: str
    points: Decimal | None  # None: excluded
    weight: int
    weighted: Decimal | None  # weight × points
    rule: str  # the criterion's missing-data rule
    decision: str  # measured, or what the rule decided: zero, excluded, last known from DATE


@dataclass(frozen=True)
class TrendLine:
    days: int
    start_day: date
    start: Decimal | None
    change: Decimal | None
    versions_differ: bool
    versions: tuple[int, ...]


@dataclass
class CustomerScore:
    """A customer's score on a day under one scorecard, explained criterion by criterion."""

    customer: Customer
    scorecard: Scorecard
    version: ScorecardVersion
    day: date
    score: Decimal | None
    partial: bool
    lines: list[CriterionLine]
    weighted_sum: Decimal
    weight_sum: int
    trend: TrendLine
    history: list[tuple[date, Decimal | None, bool, int]] = field(default_factory=list)
    is_commission: bool = False


def customer_score(
    customer: Customer, scorecard: Scorecard, *, on: date | None = None, trend_days: int = 30
) -> CustomerScore | None:
    """``customer``'s latest score under ``scorecard`` on or before ``on`` (default: its latest), with
    each criterion, the trend over ``trend_days`` and the history of the ``HISTORY_DAYS`` before it;
    None when the scorecard has no score of the customer by then. Six queries."""
    daily = scores.daily_score(customer, scorecard, on)
    if daily is None:
        return None
    spec = spec_of(daily.version)
    lines = criterion_lines(spec, daily.criteria)
    counted = [line for line in lines if line.weighted is not None]
    trend = scores.score_trend(customer, scorecard, daily.day, trend_days)
    commission = {s.pk for s in scores.commission_scorecards(fiscal_year_of(daily.day))}
    return CustomerScore(
        customer=customer,
        scorecard=scorecard,
        version=daily.version,
        day=daily.day,
        score=daily.score,
        partial=daily.partial,
        lines=lines,
        weighted_sum=sum((line.weighted for line in counted), Decimal(0)),
        weight_sum=sum(line.weight for line in counted),
        trend=TrendLine(
            days=trend_days,
            start_day=daily.day - timedelta(days=trend_days),
            start=trend.start,
            change=trend.change,
            versions_differ=trend.versions_differ,
            versions=trend.versions,
        ),
        history=scores.score_history(customer, scorecard, last=daily.day, days=HISTORY_DAYS),
        is_commission=scorecard.pk in commission,
    )


def adoption_score(customer: Customer, on: date | None) -> ScoreObservation | None:
    """The adoption score the quarter-end pull reads (imported, or a commission scorecard's), latest on
    or before ``on``: shown beside the scorecard's so a difference is explained, not hidden."""
    rows = ScoreObservation.objects.filter(customer=customer, as_of__lte=on or timezone.localdate())
    return rows.order_by("-as_of").first()


def criterion_lines(spec: ScorecardSpec, stored: dict[str, Any]) -> list[CriterionLine]:
    """Each criterion of ``spec`` with what the day's score stored for it (``DailyScore.criteria``)."""
    lines = []
    for criterion in spec.criteria:
        row = stored.get(criterion.code) or {}
        points = _decimal(row.get("points"))
        weight = int(row.get("weight") or criterion.weight)
        lines.append(
            CriterionLine(
                code=criterion.code,
                name=criterion.name,
                kind=kind_text(criterion),
                value=value_text(criterion, row),
                band=str(row.get("band") or ""),
                points=points,
                weight=weight,
                weighted=None if points is None else weight * points,
                rule=rule_text(criterion),
                decision=decision_text(row),
            )
        )
    return lines


def kind_text(criterion: Criterion) -> str:
    """The criterion's kind and what it measures over which window."""
    if criterion.kind == MILESTONE:
        return f"milestone: {criterion.milestone}"
    name = MEASURE_NAMES.get(criterion.measure, criterion.measure)
    if criterion.measure == "weeks_active":
        return f"measure: {name} of the last {criterion.window_weeks} weeks"
    if criterion.measure == "feature_adoption":
        features = ", ".join(criterion.features)
        return (
            f"measure: {name} ({features}; at least {criterion.min_uses} uses and "
            f"{criterion.min_users} users) over {criterion.window_days} days"
        )
    return f"measure: {name} over {criterion.window_days} days"


def rule_text(criterion: Criterion) -> str:
    """The criterion's missing-data rule in words; a milestone has none (it is met or not)."""
    if criterion.kind == MILESTONE:
        return "none: met or not met"
    rule = criterion.missing
    if rule.rule == "last_known":
        return f"last known within {rule.days} days, else excluded"
    return {"zero": "zero points", "exclude": "excluded (the weights re-normalise)"}[rule.rule]


def value_text(criterion: Criterion, row: dict[str, Any]) -> str:
    """What was measured: a ratio as a percentage (utilisation beside its uncapped value), weeks and
    features as counts, a milestone met or not met; "no data" when nothing was measured."""
    decision = row.get("decision") or ""
    if criterion.kind == MILESTONE:
        return decision or "no data"
    value, raw = _decimal(row.get("value")), _decimal(row.get("raw"))
    if value is None:
        return "no data"
    if criterion.measure == "weeks_active":
        return f"{_count(value, criterion.window_weeks)} of {criterion.window_weeks} weeks"
    if criterion.measure == "feature_adoption":
        total = len(criterion.features)
        return f"{_count(value, total)} of {total} key features"
    if raw is not None and raw != value:
        return f"{fmt.percent(raw)} (capped at 100% a day: {fmt.percent(value)})"
    return fmt.percent(value)


def decision_text(row: dict[str, Any]) -> str:
    """What the day's score did about missing data (docs/design.md §9.4)."""
    decision = row.get("decision") or ""
    if decision in ("met", "not met"):
        return "—"
    if decision == "measured":
        return "measured"
    if decision == "missing: zero":
        return "no data: zero points"
    if decision == "missing: excluded":
        return "no data: excluded"
    if decision == "missing: last known":
        return f"no data: last known from {row.get('measured_on') or '?'}"
    return decision or "—"


def _count(ratio: Decimal, total: int) -> int:
    """A count from its stored ratio (count ÷ total, 6 places): exact once rounded to a whole number."""
    return int((ratio * total).to_integral_value())


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def versions_of(scorecard: Scorecard) -> list[ScorecardVersion]:
    return list(scorecard.versions.order_by("version"))


def version_asked(text: str) -> int:
    """A version number as a URL writes it (``v3``): a positive integer without leading zeros; anything
    else (``0``, ``00``, ``01``) is the 404 naming it."""
    if not (text.isascii() and text.isdigit() and text[0] != "0"):
        raise Http404(f"“v{text[:20]}” is not a scorecard version: versions are v1, v2, …")
    return int(text)


def version_shown(code: str, number: int | None) -> ScorecardVersion:
    """Version ``number`` of scorecard ``code`` (default its latest), or a 404 naming what is missing."""
    scorecard = Scorecard.objects.filter(code=code).first()
    if scorecard is None:
        raise Http404(f"There is no scorecard {code!r}.")
    versions = ScorecardVersion.objects.filter(scorecard=scorecard).select_related("scorecard", "loaded_by")
    found = versions.filter(version=number).first() if number else versions.order_by("-version").first()
    if found is None:
        raise Http404(f"Scorecard {code} has no version {number}." if number else f"{code} has no version.")
    return found


def has_scores(customer: Customer) -> bool:
    return DailyScore.objects.filter(customer=customer).exists()
