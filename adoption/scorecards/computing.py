"""Computing and storing the daily scores of scorecards (docs/design.md §9.4, §9.5).

``compute_days(first, last)`` scores every customer of each scorecard's segments on each day under the
version in force that day (the latest ``effective_from`` on or before it; a backfill may name a version),
and upserts ``DailyScore`` rows on (scorecard, day, customer): running a day twice gives the same rows.
Customers are taken a block at a time (``CUSTOMER_BLOCK``), so memory stays bounded whatever the size,
and a block's usage is read once for all its days. Afterwards the registered listeners hear of the
scores (the commission scorecards' feed into adoption scores, ``commissions.services.scorecard_feed``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from core.errors import AttainError

from ..models import Customer, DailyScore, Scorecard, ScorecardVersion
from ..scoring.definition import MILESTONE
from ..scoring.measures import Usage
from ..scoring.score import (
    EXCLUDED,
    LAST_KNOWN,
    MEASURED,
    ScoredDay,
    compute_scores,
    normalise_history,
)
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
    """What ``compute_days`` stored: rows written per scorecard code, the days computed, and the version
    numbers that scored them per scorecard code (empty when no version was in force on any day)."""

    rows: dict[str, int]
    days: list[date]
    versions: dict[str, list[int]] = field(default_factory=dict)


def refuse_days_not_ended(first: date, last: date, *, today: date | None = None) -> None:
    """Raise ``AttainError`` when ``first``–``last`` reaches past yesterday (``today``: default the
    current day, UTC), naming the first such day: a day is scored once it has ended, and a future day's
    scores would show as every page's latest (docs/design.md §9.4)."""
    yesterday = (today or timezone.now().date()) - timedelta(days=1)
    if last > yesterday:
        day = max(first, yesterday + timedelta(days=1))
        raise AttainError(f"{day} has not ended: scores are computed for days up to yesterday, {yesterday}.")


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
    rows, then calls the registered listeners; one transaction per block of customers and day. Raises
    ``AttainError`` for an unknown scorecard or version, a day after yesterday, a range over ``MAX_DAYS``
    days, or a version named for several scorecards.
    """
    if last < first:
        raise AttainError(f"The last day {last} is before the first {first}.")
    refuse_days_not_ended(first, last)
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
    used = {
        s.code: sorted({v.version for v in plan[s.pk].values() if v is not None})
        for s in picked
        if any(v is not None for v in plan[s.pk].values())
    }
    if not specs:
        return Computed(rows=counts, days=days, versions=used)
    low, high = customer_range or (0, 2**62)
    blocks = customer_blocks(low, high, block)
    for block_range, inputs in zip(blocks, _block_inputs(specs, days, blocks), strict=True):
        written = _compute_block(picked, plan, specs, days, block_range, inputs)
        for code, count in written.items():
            counts[code] += count
    return Computed(rows=counts, days=days, versions=used)


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


@dataclass(frozen=True)
class _Inputs:
    """A block's inputs: its usage laid out, its milestones (dates as datetime64) and its customers."""

    usage: Usage
    milestones: pd.DataFrame
    customers: pd.DataFrame


def _block_inputs(specs, days, blocks) -> Iterator[_Inputs]:
    """Each block's inputs in turn. On PostgreSQL outside a transaction, the next block's are read on a
    second connection in a thread while the caller computes and writes the current one, so reading
    (the database's work) and computing (ours) overlap on two cores. Inside a caller's transaction
    they are read in turn on its connection: another connection would not see its uncommitted rows."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(blocks) < 2:
        for block_range in blocks:
            yield _load_inputs(specs, days, block_range)
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(_load_inputs_apart, specs, days, blocks[0])
        for following in [*blocks[1:], None]:
            inputs = pending.result()
            if following is not None:
                pending = reader.submit(_load_inputs_apart, specs, days, following)
            yield inputs


def _load_inputs_apart(specs, days, block_range) -> _Inputs:
    """``_load_inputs`` in a reader thread, on its own connection, closed afterwards."""
    try:
        return _load_inputs(specs, days, block_range)
    finally:
        connections.close_all()


def _load_inputs(specs, days, block_range) -> _Inputs:
    first, last = days[0], days[-1]
    longest = max(spec.longest_window_days for spec in specs.values())
    metrics, presence = frames.metrics_read(specs.values())
    # Only the customers some version scores: all of them when one version has no segments.
    segments = (
        None
        if any(not spec.segments for spec in specs.values())
        else set().union(*(spec.segments for spec in specs.values()))
    )
    # Laid out once for every day and scorecard of the block: each day's windows are differences of
    # cumulative sums, so a range of days costs little more than one.
    usage = Usage(
        frames.load_usage(
            customers=block_range,
            first=first - timedelta(days=max(longest - 1, 0)),
            last=last,
            metrics=metrics,
            presence=presence,
            segments=segments,
        )
    )
    names = {c.milestone for spec in specs.values() for c in spec.criteria if c.kind == MILESTONE}
    milestones = frames.load_milestones(customers=block_range, first=first, last=last, names=names)
    milestones = milestones.assign(
        achieved_on=pd.to_datetime(milestones["achieved_on"].astype(object)),
        lost_on=pd.to_datetime(milestones["lost_on"].astype(object)),
    )
    customers = pd.DataFrame(
        list(
            Customer.objects.filter(pk__gte=block_range[0], pk__lte=block_range[1]).values_list(
                "pk", "segment", "start_date"
            )
        ),
        columns=["customer_id", "segment", "start_date"],
    )
    return _Inputs(usage=usage, milestones=milestones, customers=customers)


def _compute_block(picked, plan, specs, days, block_range, inputs: _Inputs) -> dict[str, int]:
    """Score the block's customers on each day, one transaction (and one call of the listeners) per
    day: a quarter's backfill holds one day's scores at a time, not the quarter's."""
    usage, milestones, customers = inputs.usage, inputs.milestones, inputs.customers
    histories = {s.pk: _history(s, plan[s.pk], specs, block_range, days[0]) for s in picked}
    written = dict.fromkeys((s.code for s in picked), 0)
    for day in days:
        results: list[ScorecardDay] = []
        with transaction.atomic():
            for scorecard in picked:
                version = plan[scorecard.pk][day]
                if version is None:
                    continue
                spec = specs[version.pk]
                chosen = customers[customers["start_date"] <= day]
                if spec.segments:
                    chosen = chosen[chosen["segment"].isin(spec.segments)]
                history, carried = histories[scorecard.pk]
                scored = compute_scores(
                    spec,
                    day=day,
                    customers=chosen["customer_id"].tolist(),
                    usage=usage,
                    milestones=milestones,
                    history=history,
                )
                written[scorecard.code] += write_scores(scorecard.pk, version, scored)
                if carried:
                    histories[scorecard.pk] = (_extend_history(history, scored, carried), carried)
                results.append(_scorecard_day(scorecard.pk, version, scored))
            for listener in _listeners:
                listener(results)
    return written


def _history(scorecard, by_day, specs, block_range, first) -> tuple[pd.DataFrame | None, dict[str, int]]:
    """Earlier measured values for ``last_known`` criteria (the longest ``days`` of the versions used),
    and each such criterion code's longest ``days``."""
    used = [specs[v.pk] for v in by_day.values() if v is not None]
    carried: dict[str, int] = {}
    for criterion in (c for spec in used for c in spec.criteria if c.missing.rule == "last_known"):
        carried[criterion.code] = max(carried.get(criterion.code, 0), criterion.missing.days or 0)
    if not carried:
        return None, carried
    history = frames.load_history(
        scorecard_id=scorecard.pk,
        customers=block_range,
        before=first,
        days=max(carried.values()),
        codes=set(carried),
    )
    return normalise_history(history), carried


def _extend_history(history: pd.DataFrame, scored: ScoredDay, carried: dict[str, int]) -> pd.DataFrame:
    """The history with the values measured on the day just scored, for the next day of a range (its
    ``last_known``), less the values too old for any later day."""
    criteria = scored.criteria
    measured = criteria[
        (criteria["decision"] == MEASURED).to_numpy() & criteria["criterion"].isin(list(carried)).to_numpy()
    ]
    new = pd.DataFrame(
        {
            "customer_id": measured["customer_id"].to_numpy(dtype=np.int64),
            "criterion": measured["criterion"].astype(object).to_numpy(),
            "measured_on": np.full(len(measured), np.datetime64(scored.day, "D")),
            "value": measured["value"].to_numpy(dtype=np.int64),
            "raw": measured["raw"].to_numpy(dtype=np.int64),
        }
    )
    kept = history[history["measured_on"] >= pd.Timestamp(scored.day - timedelta(days=max(carried.values())))]
    return pd.concat([kept, new], ignore_index=True) if not kept.empty else new


def _scorecard_day(scorecard_id: int, version: ScorecardVersion, scored: ScoredDay) -> ScorecardDay:
    scores = dict(zip(scored.scores["customer_id"].tolist(), scored.scores["score"].tolist(), strict=True))
    return ScorecardDay(day=scored.day, scorecard_id=scorecard_id, version=version, scores=scores)


def criteria_json(scored: ScoredDay) -> dict[int, str]:
    """Each customer's criteria as the JSON text stored in ``DailyScore.criteria``: criterion code →
    value, raw (ratios as text with 6 decimals, None for milestones), points (text, None when excluded:
    a milestone's and a missing-zero's whole, "100" or "0"; a measure's with 2 decimals), weight,
    decision, band and measured_on (ISO date)."""
    texts = criteria_texts(scored)
    return dict(zip(scored.scores["customer_id"].tolist(), texts.tolist(), strict=True))


def criteria_texts(scored: ScoredDay) -> np.ndarray:
    """``criteria_json``'s texts as an array in the order of ``scored.scores``.

    Built a criterion at a time over every customer (the criteria frame holds one block per criterion,
    customers in the order of the scores): numbers formatted from their integers, the few distinct
    codes, bands, decisions and days quoted once."""
    criteria = scored.criteria
    customers = len(scored.scores)
    if customers == 0:
        return np.array([], dtype=object)
    codes = criteria["criterion"].cat.categories.tolist()
    assert len(criteria) == customers * len(codes), "one row per customer and criterion"
    bands = _quoted(criteria["band"].cat.categories.tolist())
    decisions_text = _quoted(criteria["decision"].cat.categories.tolist())
    days = _quoted([d.isoformat() for d in criteria["measured_on"].cat.categories.tolist()])
    decisions = criteria["decision"].cat.categories.tolist()
    whole = np.isin(decisions, [MEASURED, LAST_KNOWN], invert=True)  # points 100 / 0 as whole numbers
    excluded = decisions.index(EXCLUDED) if EXCLUDED in decisions else -1
    entries = []
    for k, code in enumerate(codes):
        rows = criteria.iloc[k * customers : (k + 1) * customers]
        decision = rows["decision"].cat.codes.to_numpy()
        cents = rows["points"].to_numpy(dtype=np.int64, na_value=0)
        points = np.where(whole[decision], _decimal_texts(cents // 100, 0), _decimal_texts(cents, 2))
        points[decision == excluded] = "null"
        head = f'{json.dumps(code)}: {{"band": '
        tail = f', "weight": {int(rows["weight"].iloc[0])}}}'
        entries.append(
            [
                f'{head}{band}, "decision": {said}, "measured_on": {day}, "points": {point}, '
                f'"raw": {raw}, "value": {value}{tail}'
                for band, said, day, point, raw, value in zip(
                    bands[rows["band"].cat.codes.to_numpy()].tolist(),
                    decisions_text[decision].tolist(),
                    days[rows["measured_on"].cat.codes.to_numpy()].tolist(),
                    points.tolist(),
                    _ratio_texts(rows["raw"]).tolist(),
                    _ratio_texts(rows["value"]).tolist(),
                    strict=True,
                )
            ]
        )
    return np.array(["{" + ", ".join(parts) + "}" for parts in zip(*entries, strict=True)], dtype=object)


def _quoted(values: list) -> np.ndarray:
    """JSON texts of ``values`` and, last (category code -1), ``null``."""
    return np.array([json.dumps(v) for v in values] + ["null"], dtype=object)


def _decimal_texts(units: np.ndarray, places: int) -> np.ndarray:
    """Integers ≥ 0 in units of 10^-places as quoted decimal texts (``"0.766667"``), as objects;
    each distinct number formatted once."""
    distinct, at = np.unique(units, return_inverse=True)
    scale = 10**places
    if places == 0:
        texts = [f'"{n}"' for n in distinct.tolist()]
    else:
        texts = [f'"{n // scale}.{n % scale:0{places}d}"' for n in distinct.tolist()]
    return np.asarray(texts, dtype=object)[at]


def _ratio_texts(column: pd.Series) -> np.ndarray:
    """A column of millionths (nullable) as quoted 6-decimal texts, ``null`` where missing."""
    missing = column.isna().to_numpy()
    texts = _decimal_texts(column.to_numpy(dtype=np.int64, na_value=0), 6)
    texts[missing] = "null"
    return texts


def write_scores(scorecard_id: int, version: ScorecardVersion, scored: ScoredDay) -> int:
    """Upsert one day's scores of one scorecard (key: scorecard, day, customer); returns the rows.

    PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … ON CONFLICT DO UPDATE``; SQLite:
    ``executemany`` of the same upsert. Runs in the caller's transaction."""
    scores = scored.scores
    if scores.empty:
        return 0
    criteria = criteria_texts(scored)
    now = timezone.now()
    customer_ids = scores["customer_id"].to_numpy(dtype=np.int64)
    score_values = scores["score"].tolist()
    partial = scores["partial"].to_numpy(dtype=bool)
    table = DailyScore._meta.db_table
    columns = "scorecard_id, day, customer_id, version_id, score, partial, criteria, computed_at"
    update = (
        "version_id = EXCLUDED.version_id, score = EXCLUDED.score, partial = EXCLUDED.partial, "
        "criteria = EXCLUDED.criteria, computed_at = EXCLUDED.computed_at"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The criteria texts hold no tab or newline (JSON escapes them); a backslash is doubled.
            lines = (
                f"{scorecard_id}\t{scored.day.isoformat()}\t"
                + customer_ids.astype(str).astype(object)
                + f"\t{version.pk}\t"
                + np.array(["\\N" if s is None else str(s) for s in score_values], dtype=object)
                + np.where(partial, "\tt\t", "\tf\t").astype(object)
                + np.array([c.replace("\\", "\\\\") for c in criteria.tolist()], dtype=object)
                + f"\t{now.isoformat()}\n"
            )
            text = "".join(lines)
            del lines
            if not _stored_before(cursor, scorecard_id, scored.day, customer_ids):
                # A day not computed yet (a backfill's usual case): straight into the table, a third
                # cheaper. Should another run store the same rows meanwhile, the unique key refuses
                # ours, the savepoint undoes the COPY, and the upsert below takes over.
                try:
                    with transaction.atomic(), connection.wrap_database_errors:
                        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text))
                    return len(scores)
                except IntegrityError:
                    pass
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS dailyscore_load (LIKE {table}) ON COMMIT DELETE ROWS"
            )
            cursor.cursor.copy_expert(f"COPY dailyscore_load ({columns}) FROM STDIN", io.StringIO(text))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM dailyscore_load "  # noqa: S608
                f"ON CONFLICT (scorecard_id, day, customer_id) DO UPDATE SET {update}"
            )
            cursor.execute("TRUNCATE dailyscore_load")
        else:
            ops = connection.ops
            day = ops.adapt_datefield_value(scored.day)
            at = ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (scorecard_id, day, customer_id) DO UPDATE SET {update}",
                [
                    (scorecard_id, day, c, version.pk, None if s is None else str(s), bool(p), j, at)
                    for c, s, p, j in zip(
                        customer_ids.tolist(), score_values, partial.tolist(), criteria.tolist(), strict=True
                    )
                ],
            )
    return len(scores)


def _stored_before(cursor, scorecard_id: int, day: date, customer_ids: np.ndarray) -> bool:
    """Whether any score of the scorecard, day and customers' id range is stored."""
    cursor.execute(
        f"SELECT 1 FROM {DailyScore._meta.db_table} WHERE scorecard_id = %s AND day = %s "  # noqa: S608
        "AND customer_id BETWEEN %s AND %s LIMIT 1",
        [scorecard_id, day, int(customer_ids.min()), int(customer_ids.max())],
    )
    return cursor.fetchone() is not None


def last_computed_day(scorecard: Scorecard) -> date | None:
    """The latest day with stored scores of ``scorecard``."""
    return (
        DailyScore.objects.filter(scorecard=scorecard).order_by("-day").values_list("day", flat=True).first()
    )
