"""Computing and storing the daily scores of scorecards (docs/design.md §9.4, §9.5).

``compute_days(first, last)`` scores every customer of each scorecard's segments on each day under the
version in force that day (the latest ``effective_from`` on or before it; a backfill may name a version),
and upserts ``DailyScore`` rows on (scorecard, day, customer): running a day twice gives the same rows.
Customers are taken a block at a time (``CUSTOMER_BLOCK``), so memory stays bounded whatever the size,
and a block's usage is read once for all its days. Afterwards the registered listeners hear of the
scores (the commission scorecards' feed into adoption scores, ``commissions.services.scorecard_feed``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from core.errors import AttainError

from ..models import Customer, DailyScore, Scorecard, ScorecardVersion
from ..scoring.definition import MILESTONE, ScorecardSpec
from ..scoring.score import ScoredDay, compute_scores
from . import frames
from .loading import spec_of

CUSTOMER_BLOCK = 25_000
MAX_DAYS = 400


@dataclass
class ScorecardDay:
    """The scores one scorecard version gave on one day to a block of customers: ``scores`` maps a
    customer id to its score (``Decimal`` 0–100, or None when every criterion was excluded)."""

    day: date
    scorecard_id: int
    version: ScorecardVersion
    scores: dict[int, object] = field(default_factory=dict)


Listener = Callable[[list[ScorecardDay]], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Have ``listener`` told of each block's stored scores (in the same transaction)."""
    if listener not in _listeners:
        _listeners.append(listener)


@dataclass(frozen=True)
class Computed:
    """What ``compute_days`` stored: rows written per scorecard code, and the days computed."""

    rows: dict[str, int]
    days: list[date]


def version_in_force(scorecard: Scorecard, day: date, number: int | None = None) -> ScorecardVersion | None:
    """The version of ``scorecard`` that scores ``day``: version ``number`` when named (a backfill,
    docs/design.md §9.1), else the latest one whose ``effective_from`` is on or before ``day``."""
    versions = ScorecardVersion.objects.filter(scorecard=scorecard).select_related("scorecard")
    if number is not None:
        found = versions.filter(version=number).first()
        if found is None:
            raise AttainError(f"{scorecard.code} has no version {number}.")
        return found
    return versions.filter(effective_from__lte=day).order_by("-effective_from").first()


def compute_day(
    day: date,
    *,
    scorecards: Sequence[str] | None = None,
    customer_range: tuple[int, int] | None = None,
    version: int | None = None,
) -> Computed:
    """``compute_days(day, day, …)``: one day's scores."""
    return compute_days(day, day, scorecards=scorecards, customer_range=customer_range, version=version)


def compute_days(
    first: date,
    last: date,
    *,
    scorecards: Sequence[str] | None = None,
    customer_range: tuple[int, int] | None = None,
    version: int | None = None,
    block: int = CUSTOMER_BLOCK,
) -> Computed:
    """Compute and store the scores of ``scorecards`` (codes; default every active scorecard) on each
    day ``first``–``last`` for the customers with ids in ``customer_range`` (inclusive; default all).

    ``version`` (one scorecard only) scores every day under that version instead of the one in force.
    A day before a scorecard's first version is skipped for it. Side effects: upserts ``DailyScore``
    rows, then calls the registered listeners; one transaction per block of customers. Raises
    ``AttainError`` for an unknown scorecard or version, a range over ``MAX_DAYS`` days, or a version
    named for several scorecards.
    """
    if last < first:
        raise AttainError(f"The last day {last} is before the first {first}.")
    if (last - first).days + 1 > MAX_DAYS:
        raise AttainError(f"Compute at most {MAX_DAYS} days at once, not {(last - first).days + 1}.")
    picked = _scorecards(scorecards)
    if version is not None and len(picked) != 1:
        raise AttainError("A version is named for one scorecard: give --scorecard too.")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    plan = {
        s.pk: {day: version_in_force(s, day, version) for day in days} for s in picked
    }  # scorecard → day → version (or None)
    versions = {v.pk: v for by_day in plan.values() for v in by_day.values() if v is not None}
    specs = {pk: spec_of(v) for pk, v in versions.items()}
    counts: dict[str, int] = dict.fromkeys((s.code for s in picked), 0)
    if not specs:
        return Computed(rows=counts, days=days)
    low, high = customer_range or (0, 2**62)
    for block_range in customer_blocks(low, high, block):
        written = _compute_block(picked, plan, specs, days, block_range)
        for code, count in written.items():
            counts[code] += count
    return Computed(rows=counts, days=days)


def customer_blocks(low: int, high: int, size: int) -> list[tuple[int, int]]:
    """Ranges of customer ids ``low``–``high`` holding at most ``size`` customers each."""
    ids = list(Customer.objects.filter(pk__gte=low, pk__lte=high).order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def customer_ranges(shards: int) -> list[tuple[int, int]]:
    """Every customer split into ``shards`` ranges of ids (fewer when there are fewer customers) whose
    counts differ by one at most (for sharded computations)."""
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    shards = max(1, min(shards, len(ids)))
    bounds = [len(ids) * n // shards for n in range(shards + 1)]
    return [(ids[bounds[n]], ids[bounds[n + 1] - 1]) for n in range(shards) if bounds[n + 1] > bounds[n]]


def _scorecards(codes: Sequence[str] | None) -> list[Scorecard]:
    if codes is None:
        return list(Scorecard.objects.filter(active=True).order_by("code"))
    found = list(Scorecard.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {s.code for s in found})
    if unknown:
        raise AttainError(f"No scorecard {', '.join(unknown)}.")
    return found


def _compute_block(picked, plan, specs, days, block_range) -> dict[str, int]:
    first, last = days[0], days[-1]
    longest = max(spec.longest_window_days for spec in specs.values())
    metrics, presence = frames.metrics_read(specs.values())
    # Only the customers some version scores: all of them when one version has no segments.
    segments = (
        None
        if any(not spec.segments for spec in specs.values())
        else set().union(*(spec.segments for spec in specs.values()))
    )
    usage = frames.load_usage(
        customers=block_range,
        first=first - timedelta(days=max(longest - 1, 0)),
        last=last,
        metrics=metrics,
        presence=presence,
        segments=segments,
    )
    names = {c.milestone for spec in specs.values() for c in spec.criteria if c.kind == MILESTONE}
    milestones = frames.load_milestones(customers=block_range, first=first, last=last, names=names)
    customers = pd.DataFrame(
        list(
            Customer.objects.filter(pk__gte=block_range[0], pk__lte=block_range[1]).values_list(
                "pk", "segment", "start_date"
            )
        ),
        columns=["customer_id", "segment", "start_date"],
    )
    usage_of: dict[tuple[str, ...], pd.DataFrame] = {}
    written: dict[str, int] = {}
    results: list[ScorecardDay] = []
    with transaction.atomic():
        for scorecard in picked:
            history = _history(scorecard, plan[scorecard.pk], specs, block_range, first)
            count = 0
            for day in days:
                version = plan[scorecard.pk][day]
                if version is None:
                    continue
                spec = specs[version.pk]
                segments = tuple(sorted(spec.segments))
                if segments not in usage_of:
                    usage_of[segments] = _usage_of_segments(usage, customers, segments)
                chosen = customers[customers["start_date"] <= day]
                if segments:
                    chosen = chosen[chosen["segment"].isin(segments)]
                scored = compute_scores(
                    spec,
                    day=day,
                    customers=chosen["customer_id"].tolist(),
                    usage=usage_of[segments],
                    milestones=milestones,
                    history=history,
                )
                count += write_scores(scorecard.pk, version, scored)
                history = _extend_history(history, scored, spec)
                results.append(_scorecard_day(scorecard.pk, version, scored))
            written[scorecard.code] = count
        for listener in _listeners:
            listener(results)
    return written


def _usage_of_segments(usage: pd.DataFrame, customers: pd.DataFrame, segments: tuple[str, ...]):
    if not segments:
        return usage
    ids = customers.loc[customers["segment"].isin(segments), "customer_id"]
    return usage[usage["customer_id"].isin(ids)]


def _history(scorecard, by_day, specs, block_range, first) -> pd.DataFrame | None:
    """Earlier measured values for ``last_known`` criteria: the longest ``days`` of the versions used."""
    used = [specs[v.pk] for v in by_day.values() if v is not None]
    rules = [c for spec in used for c in spec.criteria if c.missing.rule == "last_known"]
    if not rules:
        return None
    return frames.load_history(
        scorecard_id=scorecard.pk,
        customers=block_range,
        before=first,
        days=max(c.missing.days or 0 for c in rules),
        codes={c.code for c in rules},
    )


def _extend_history(history: pd.DataFrame | None, scored: ScoredDay, spec: ScorecardSpec):
    """The history with the day just scored, for the next day of a range (its ``last_known``)."""
    if history is None:
        return None
    measured = scored.criteria[scored.criteria["value"].notna()]
    if measured.empty:
        return history
    new = measured[["customer_id", "criterion", "measured_on", "value", "raw"]]
    return pd.concat([history, new], ignore_index=True) if not history.empty else new.reset_index(drop=True)


def _scorecard_day(scorecard_id: int, version: ScorecardVersion, scored: ScoredDay) -> ScorecardDay:
    scores = dict(zip(scored.scores["customer_id"].tolist(), scored.scores["score"].tolist(), strict=True))
    return ScorecardDay(day=scored.day, scorecard_id=scorecard_id, version=version, scores=scores)


def criteria_json(scored: ScoredDay) -> dict[int, str]:
    """Each customer's criteria as the JSON text stored in ``DailyScore.criteria``: criterion code →
    value, raw (ratios as text, None for milestones), points (text, None when excluded), weight,
    decision, band and measured_on (ISO date).

    Written as text, the few distinct codes, bands, decisions and days quoted once: at 100,000
    customers a ``json.dumps`` per customer took most of a day's time."""
    criteria = scored.criteria
    quoted: dict[object, str] = {None: "null"}
    for column in ("criterion", "band", "decision", "measured_on"):
        for value in criteria[column].dropna().unique().tolist():
            quoted[value] = json.dumps(value.isoformat() if isinstance(value, date) else value)
    columns = [criteria[name].tolist() for name in ("customer_id", "criterion", "weight", "band", "decision")]
    numbers = [
        ["null" if v is None else f'"{v}"' for v in criteria[name].tolist()]
        for name in ("points", "raw", "value")
    ]
    days = [quoted[d if isinstance(d, date) else None] for d in criteria["measured_on"].tolist()]
    parts: dict[int, list[str]] = {}
    for customer_id, code, weight, band, decision, points, raw, value, day in zip(
        *columns, *numbers, days, strict=True
    ):
        parts.setdefault(customer_id, []).append(
            f'{quoted[code]}: {{"band": {quoted[band]}, "decision": {quoted[decision]}, '
            f'"measured_on": {day}, "points": {points}, "raw": {raw}, "value": {value}, "weight": {weight}}}'
        )
    return {int(c): "{" + ", ".join(texts) + "}" for c, texts in parts.items()}


def write_scores(scorecard_id: int, version: ScorecardVersion, scored: ScoredDay) -> int:
    """Upsert one day's scores of one scorecard (key: scorecard, day, customer); returns the rows.

    PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … ON CONFLICT DO UPDATE``; SQLite:
    ``executemany`` of the same upsert. Runs in the caller's transaction."""
    criteria = criteria_json(scored)
    now = timezone.now()
    rows = [
        (scorecard_id, scored.day, int(c), version.pk, score, bool(partial), criteria.get(int(c), "{}"), now)
        for c, score, partial in zip(
            scored.scores["customer_id"].tolist(),
            scored.scores["score"].tolist(),
            scored.scores["partial"].tolist(),
            strict=True,
        )
    ]
    if not rows:
        return 0
    table = DailyScore._meta.db_table
    columns = "scorecard_id, day, customer_id, version_id, score, partial, criteria, computed_at"
    update = (
        "version_id = EXCLUDED.version_id, score = EXCLUDED.score, partial = EXCLUDED.partial, "
        "criteria = EXCLUDED.criteria, computed_at = EXCLUDED.computed_at"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS dailyscore_load (LIKE {table}) ON COMMIT DELETE ROWS"
            )
            cursor.cursor.copy_expert(
                f"COPY dailyscore_load ({columns}) FROM STDIN", _CopyText(_copy_lines(rows))
            )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM dailyscore_load "  # noqa: S608
                f"ON CONFLICT (scorecard_id, day, customer_id) DO UPDATE SET {update}"
            )
            cursor.execute("TRUNCATE dailyscore_load")
        else:
            ops = connection.ops
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (scorecard_id, day, customer_id) DO UPDATE SET {update}",
                [
                    (
                        s,
                        ops.adapt_datefield_value(d),
                        c,
                        v,
                        None if score is None else str(score),
                        p,
                        j,
                        ops.adapt_datetimefield_value(at),
                    )
                    for s, d, c, v, score, p, j, at in rows
                ],
            )
    return len(rows)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_lines(rows: Iterable[tuple]) -> Iterable[str]:
    null = "\\N"
    for scorecard_id, day, customer_id, version_id, score, partial, criteria, now in rows:
        fields = (
            str(scorecard_id),
            day.isoformat(),
            str(customer_id),
            str(version_id),
            null if score is None else str(score),
            "t" if partial else "f",
            criteria.translate(_ESCAPES),
            now.isoformat(),
        )
        yield "\t".join(fields) + "\n"


class _CopyText:
    """A file-like source for ``copy_expert`` reading the lines a generator makes, a batch at a time."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._buffer = ""

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._buffer) < size:
            batch = "".join(line for _, line in zip(range(10_000), self._lines, strict=False))
            if not batch:
                break
            self._buffer += batch
        if size < 0:
            text, self._buffer = self._buffer, ""
        else:
            text, self._buffer = self._buffer[:size], self._buffer[size:]
        return text


def last_computed_day(scorecard: Scorecard) -> date | None:
    """The latest day with stored scores of ``scorecard``."""
    return (
        DailyScore.objects.filter(scorecard=scorecard).order_by("-day").values_list("day", flat=True).first()
    )
