"""Reading stored daily scores: a customer's trend, and the days the daily job has yet to compute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max

from ..models import Customer, DailyScore, Scorecard, ScorecardVersion
from .computing import last_computed_day

TREND_DAYS = (30, 90)


@dataclass(frozen=True)
class Trend:
    """A score's signed change over ``days`` days (docs/design.md §9.6).

    ``change``: score on ``day`` − score on ``day − days``, in points (``Decimal``, 2 places), None when
    either day has no score. ``versions_differ``: the window's scores come from more than one version of
    the scorecard, so part of the change may be the new version's rules rather than the customer's use.
    """

    day: date
    days: int
    start: Decimal | None
    end: Decimal | None
    change: Decimal | None
    versions_differ: bool
    versions: tuple[int, ...]


def score_trend(customer: Customer, scorecard: Scorecard, day: date, days: int = 30) -> Trend:
    """The trend of ``customer``'s score under ``scorecard`` over the ``days`` (30 or 90) days to ``day``.

    Two queries, on the daily scores' (customer, scorecard, day) index. Raises ``ValueError`` for
    another number of days.
    """
    if days not in TREND_DAYS:
        raise ValueError(f"a trend is over {' or '.join(map(str, TREND_DAYS))} days, not {days}")
    start_day = day - timedelta(days=days)
    rows = DailyScore.objects.filter(customer=customer, scorecard=scorecard, day__gte=start_day, day__lte=day)
    ends = dict(rows.filter(day__in=[start_day, day]).values_list("day", "score"))
    version_ids = set(rows.values_list("version_id", flat=True).distinct())
    numbers = tuple(
        sorted(ScorecardVersion.objects.filter(pk__in=version_ids).values_list("version", flat=True))
    )
    start, end = ends.get(start_day), ends.get(day)
    change = end - start if start is not None and end is not None else None
    return Trend(
        day=day,
        days=days,
        start=start,
        end=end,
        change=change,
        versions_differ=len(numbers) > 1,
        versions=numbers,
    )


def days_to_catch_up(scorecard: Scorecard, *, today: date, limit: int) -> list[date]:
    """The days up to yesterday that the daily job has not computed for ``scorecard``: those after its
    last computed day (none computed: from its first version's effective date), at most the ``limit``
    most recent, and none before its first version takes effect."""
    yesterday = today - timedelta(days=1)
    first_version = scorecard.versions.order_by("effective_from").values_list("effective_from", flat=True)
    effective = first_version.first()
    if effective is None:
        return []
    last = last_computed_day(scorecard)
    start = max(
        effective, last + timedelta(days=1) if last else effective, yesterday - timedelta(days=limit - 1)
    )
    return [start + timedelta(days=n) for n in range((yesterday - start).days + 1)]


# --- What the score pages read (docs/scorecards.md "Pages") ---------------------------------------------


def commission_scorecards(fiscal_year: str) -> list[Scorecard]:
    """The commission scorecards of ``fiscal_year`` (docs/design.md §9.5), by code."""
    return list(Scorecard.objects.filter(commission_years__fiscal_year=fiscal_year).order_by("code"))


def scorecards_scoring(customer: Customer) -> list[Scorecard]:
    """The scorecards that have scored ``customer`` on some day, by code (two queries)."""
    ids = DailyScore.objects.filter(customer=customer).values_list("scorecard_id", flat=True).distinct()
    return list(Scorecard.objects.filter(pk__in=list(ids)).order_by("code"))


def daily_score(customer: Customer, scorecard: Scorecard, on: date | None = None) -> DailyScore | None:
    """``customer``'s latest stored score under ``scorecard`` on or before ``on`` (default: the latest),
    with its version and the version's scorecard; None when there is none."""
    rows = DailyScore.objects.filter(customer=customer, scorecard=scorecard)
    if on is not None:
        rows = rows.filter(day__lte=on)
    return rows.select_related("version__scorecard").order_by("-day").first()


def score_history(
    customer: Customer, scorecard: Scorecard, *, last: date, days: int
) -> list[tuple[date, Decimal | None, bool, int]]:
    """(day, score, partial, version number) of ``customer`` under ``scorecard`` over the ``days`` days
    up to ``last`` (both ends included), oldest first. One query."""
    rows = DailyScore.objects.filter(
        customer=customer, scorecard=scorecard, day__gte=last - timedelta(days=days), day__lte=last
    ).order_by("day")
    return list(rows.values_list("day", "score", "partial", "version__version"))


def latest_scored_day(scorecards: list[Scorecard], on: date | None = None) -> date | None:
    """The latest day, on or before ``on`` when given, on which any of ``scorecards`` has scores."""
    rows = DailyScore.objects.filter(scorecard__in=scorecards)
    if on is not None:
        rows = rows.filter(day__lte=on)
    return rows.order_by("-day").values_list("day", flat=True).first()


def scores_on(scorecards: list[Scorecard], day: date, customers) -> dict[int, dict]:
    """Customer pk → {score, partial, scorecard code, version number} on ``day`` under ``scorecards``
    for ``customers`` (a queryset of customers or of their pks, used as a subquery). One query. Several
    scorecards scoring one customer (tracking scorecards) give the first by code."""
    rows = (
        DailyScore.objects.filter(scorecard__in=scorecards, day=day, customer__in=customers)
        .order_by("customer_id", "-scorecard__code")
        .values_list("customer_id", "score", "partial", "scorecard__code", "version__version")
    )
    return {
        customer_id: {"score": score, "partial": partial, "code": code, "version": version}
        for customer_id, score, partial, code, version in rows
    }


def most_scoring_scorecard(on: date | None = None) -> tuple[Scorecard | None, date | None, int]:
    """The scorecard that scored the most customers on the latest computed day (on or before ``on``),
    ties by code, with that day and its count; ``(None, None, 0)`` when nothing is computed. Two
    queries. The portfolio's default when the year has no commission scorecard (docs/scorecards.md
    "Pages")."""
    day = latest_scored_day(list(Scorecard.objects.all()), on)
    if day is None:
        return None, None, 0
    counts = (
        DailyScore.objects.filter(day=day)
        .values("scorecard_id", "scorecard__code")
        .annotate(customers=Count("customer_id", distinct=True))
        .order_by("-customers", "scorecard__code")
        .first()
    )
    return Scorecard.objects.get(pk=counts["scorecard_id"]), day, counts["customers"]


def segments_on(scorecards: list[Scorecard], day: date | None) -> set[str] | None:
    """The customer segments ``scorecards`` cover on ``day`` (each one's version in effect then, else its
    first): None when one of them covers every customer (a version without segments). One query."""
    versions = ScorecardVersion.objects.filter(scorecard__in=scorecards).order_by(
        "scorecard_id", "effective_from"
    )
    chosen: dict[int, ScorecardVersion] = {}
    for version in versions:
        if version.scorecard_id not in chosen or day is None or version.effective_from <= day:
            chosen[version.scorecard_id] = version
    covered: set[str] = set()
    for version in chosen.values():
        if not version.segments:
            return None
        covered.update(version.segments)
    return covered


def latest_days(customer_ids: list[str]) -> dict[str, date]:
    """Customer id (``CUST-0001``) → the latest day any scorecard scored it. One query."""
    rows = (
        DailyScore.objects.filter(customer__customer_id__in=customer_ids)
        .values_list("customer__customer_id")
        .annotate(last=Max("day"))
    )
    return dict(rows)
