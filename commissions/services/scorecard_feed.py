"""The commission scorecards' daily scores fed into the adoption scores a quarter's pull reads
(docs/design.md §9.5).

For a day of a fiscal year whose score source is ``scorecard``, each customer's score under the year's
commission scorecard becomes its ``ScoreObservation`` of that day, with ``source`` naming the version
(``scorecard core v2``). Nothing is decided silently:

- a day inside a closed quarter is never fed — the quarter's inputs are frozen (``commissions.closed``)
  — and a ``closed`` warning says so;
- where an imported score (source ``import``) of the same customer and day has another value, a
  ``conflict`` warning records both values, and the year's source decides: the scorecard's score.

Lives in commissions, above adoption, because it reads the closed quarters; adoption's computing tells
it of each block of scores through ``adoption.scorecards.computing.register_listener``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date

from django.db import connection

from adoption.models import CommissionScorecard, ScoreFeedWarning, ScoreObservation, ScoreSource
from adoption.scorecards.computing import ScorecardDay
from core.fiscal import calendar

from ..closed import closed_quarters

BATCH = 5000


def feed_scores(results: list[ScorecardDay]) -> int:
    """Write the commission scorecards' scores of ``results`` into ``ScoreObservation`` (upsert on
    customer and day) and record the warnings above; returns the observations written. Runs in the
    caller's transaction."""
    by_day: dict[date, list[ScorecardDay]] = defaultdict(list)
    for result in results:
        by_day[result.day].append(result)
    closed = closed_quarters()
    written = 0
    for day, day_results in sorted(by_day.items()):
        fiscal_year = calendar().fiscal_year_of(day).code
        source = ScoreSource.objects.filter(fiscal_year=fiscal_year).values_list("source", flat=True).first()
        if source != ScoreSource.Source.SCORECARD:
            continue
        commission = set(
            CommissionScorecard.objects.filter(fiscal_year=fiscal_year).values_list("scorecard_id", flat=True)
        )
        for result in day_results:
            if result.scorecard_id not in commission:
                continue
            quarter = next((q for q in closed if q.start <= day <= q.end), None)
            if quarter is not None:
                _warn_closed(result, fiscal_year, quarter.code)
                continue
            written += _feed(result, fiscal_year)
    return written


def _warn_closed(result: ScorecardDay, fiscal_year: str, quarter: str) -> None:
    if ScoreFeedWarning.objects.filter(
        day=result.day, scorecard_id=result.scorecard_id, kind=ScoreFeedWarning.Kind.CLOSED
    ).exists():
        return
    ScoreFeedWarning.objects.create(
        day=result.day,
        fiscal_year=fiscal_year,
        kind=ScoreFeedWarning.Kind.CLOSED,
        scorecard_id=result.scorecard_id,
        message=(
            f"{quarter} is closed: scores dated in it cannot change, so the {result.version.label} scores "
            f"of {result.day} were not written as adoption scores (ops may re-open it, with a reason)."
        ),
    )


def _feed(result: ScorecardDay, fiscal_year: str) -> int:
    scores = {c: s for c, s in result.scores.items() if s is not None}
    if not scores:
        return 0
    label = result.version.label
    # Only an imported score can conflict; a scorecard's own earlier score is simply replaced.
    existing = ScoreObservation.objects.filter(
        as_of=result.day, source="import", customer_id__in=list(scores)
    ).values_list("customer_id", "score", "source")
    warned = set(
        ScoreFeedWarning.objects.filter(
            day=result.day,
            scorecard_id=result.scorecard_id,
            kind=ScoreFeedWarning.Kind.CONFLICT,
            customer_id__in=list(scores),
        ).values_list("customer_id", flat=True)
    )
    conflicts = []
    for customer_id, score, source in existing.iterator(chunk_size=20_000):
        new = scores[customer_id]
        if source == "import" and score != new and customer_id not in warned:
            conflicts.append(
                ScoreFeedWarning(
                    day=result.day,
                    fiscal_year=fiscal_year,
                    kind=ScoreFeedWarning.Kind.CONFLICT,
                    scorecard_id=result.scorecard_id,
                    customer_id=customer_id,
                    imported_score=score,
                    scorecard_score=new,
                    message=(
                        f"The imported score {score} of {result.day} differs from {label}'s {new}; "
                        f"{fiscal_year}'s score source is the commission scorecards, so {new} is used."
                    ),
                )
            )
    ScoreFeedWarning.objects.bulk_create(conflicts, batch_size=BATCH)
    _upsert(result.day, label, scores)
    return len(scores)


def _upsert(day: date, label: str, scores: dict[int, object]) -> None:
    """Upsert the day's observations on (customer, as_of). PostgreSQL: ``COPY`` into a temporary table
    and one ``INSERT … ON CONFLICT`` (100,000 rows in about a second, against ten through the ORM)."""
    if connection.vendor != "postgresql":
        ScoreObservation.objects.bulk_create(
            [ScoreObservation(customer_id=c, as_of=day, score=s, source=label) for c, s in scores.items()],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["customer", "as_of"],
            update_fields=["score", "source"],
        )
        return
    table = ScoreObservation._meta.db_table
    text = "".join(f"{c}\t{s}\n" for c, s in scores.items())
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS score_feed_load (customer_id bigint, score numeric) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.cursor.copy_expert("COPY score_feed_load (customer_id, score) FROM STDIN", io.StringIO(text))
        cursor.execute(
            f"INSERT INTO {table} (customer_id, as_of, score, source) "  # noqa: S608 - the model's table
            "SELECT customer_id, %s, score, %s FROM score_feed_load "
            "ON CONFLICT (customer_id, as_of) DO UPDATE SET score = EXCLUDED.score, source = EXCLUDED.source",
            [day, label],
        )
        cursor.execute("TRUNCATE score_feed_load")


def register() -> None:
    """Listen to adoption's computing of daily scores (called from ``CommissionsConfig.ready``)."""
    from adoption.scorecards.computing import register_listener

    register_listener(feed_scores)
