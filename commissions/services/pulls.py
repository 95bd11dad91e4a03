"""The quarter-end score pull (DESIGN §2, §4.3)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from accounts.models import User
from adoption.models import ScoreObservation
from adoption.scorecards.commission import score_source_of
from core.calendar import FiscalQuarter
from core.errors import Conflict
from core.fiscal import calendar

from ..bulk import ANALYZE_AFTER_ROWS, refresh_statistics
from ..models import Period, PulledScore, ScorePull
from .periods import open_period_for_writing, parse_quarter, period_lock, require_open, require_plan


def pull_scores(*, period: Period, user: User | None = None, trigger: str = "command") -> ScorePull:
    """Capture, for every customer, the latest score with as_of ≤ the quarter's last day, of the
    quarter's fiscal year's score source only (imported, or computed by the commission scorecards:
    docs/design.md §9.5).

    Re-runnable while the quarter is open: each pull is a new ScorePull (the latest wins; earlier pulls
    are kept). Raises ``NotAllowed`` unless ``user`` may pull (``access.may_pull``; None is the
    schedule), ``PeriodClosed`` on a closed quarter, ``Conflict`` before the quarter has ended (scores
    are pulled once it is over, from the first day after it: DESIGN §2). Takes the period lock.
    """
    access.require(access.may_pull(user, period))
    require_ended(period)
    with period_lock(period):
        period.refresh_from_db()
        require_open(period, action="pull scores")
        with transaction.atomic():
            pull = ScorePull.objects.create(period=period, started_by=user, trigger=trigger)
            count = capture_scores(pull, period)
            ScorePull.objects.filter(pk=pull.pk).update(customers=count)
            pull.customers = count
    if count >= ANALYZE_AFTER_ROWS:
        refresh_statistics(PulledScore)
    return pull


def period_to_pull(code: str) -> Period:
    """The Period row of ``code`` for a pull by a person or a schedule, created open only once the quarter
    is over and a plan covers it: a refused pull leaves no quarter behind (it would show in every quarter
    list). Raises ``AttainError`` for a code that is no quarter or that no plan covers
    (``open_period_for_writing``) and ``Conflict`` before the quarter has ended (``require_ended``)."""
    fiscal = parse_quarter(code)
    if not Period.objects.filter(code=fiscal.code).exists():
        require_plan(fiscal)  # a quarter no plan covers is named as such, whenever it ends
    start, end = calendar().bounds(fiscal)
    _require_over(fiscal.code, start, end)
    return open_period_for_writing(fiscal.code)


def require_ended(period: Period) -> None:
    """Refuse, with ``Conflict`` naming the first day it may run, a pull of a quarter not over yet: a pull
    captures the scores as of the quarter's last day, so before that day has passed it would freeze
    scores that can still change (DESIGN §2 "pulled on the first day of the month after each quarter")."""
    _require_over(period.code, period.start, period.end)


def first_pull_day(end: date) -> date:
    """The first day a quarter ending on ``end`` may be pulled: the day after its last day (DESIGN §2)."""
    return end + timedelta(days=1)


def _require_over(code: str, start: date, end: date) -> None:
    today = timezone.localdate()
    if today <= end:
        state = (
            f"has not started (it runs from {start:%Y-%m-%d} to {end:%Y-%m-%d})"
            if today < start
            else f"is under way (it ends {end:%Y-%m-%d})"
        )
        raise Conflict(
            f"{code} {state}: its scores can be pulled from {first_pull_day(end):%Y-%m-%d}, the first day "
            "after it ends."
        )


def _source_filter(period: Period) -> tuple[str, Q]:
    """The quarter's year's score source as a ``LIKE`` pattern on ``ScoreObservation.source``, and as a
    ``Q``: ``import``, or any scorecard version's label (``scorecard core v2``)."""
    source = score_source_of(FiscalQuarter.parse(period.code).fy.code)
    if source == "import":
        return "import", Q(source="import")
    return "scorecard %", Q(source__startswith="scorecard ")


def capture_scores(pull: ScorePull, period: Period) -> int:
    """Write ``pull``'s scores of ``period`` (the latest observation of each customer with as_of ≤ its last
    day, of the year's score source); returns how many customers it captured."""
    pattern, of_source = _source_filter(period)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {PulledScore._meta.db_table} (pull_id, customer_id, as_of, score)
                SELECT DISTINCT ON (customer_id) %s, customer_id, as_of, score
                FROM {ScoreObservation._meta.db_table}
                WHERE as_of <= %s AND source LIKE %s
                ORDER BY customer_id, as_of DESC
                """,  # noqa: S608 - table names come from the models, values are parameters
                [pull.pk, period.end, pattern],
            )
            return cursor.rowcount
    latest = (
        ScoreObservation.objects.filter(of_source, as_of__lte=period.end)
        .order_by("customer_id", "-as_of")
        .values_list("customer_id", "as_of", "score")
    )
    rows, seen = [], set()
    for customer_id, as_of, score in latest.iterator(chunk_size=20000):
        if customer_id not in seen:
            seen.add(customer_id)
            rows.append(PulledScore(pull=pull, customer_id=customer_id, as_of=as_of, score=score))
    PulledScore.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def latest_pull(period: Period) -> ScorePull | None:
    return ScorePull.objects.filter(period=period).order_by("-id").first()
