"""Evaluating the segments day by day (docs/design.md §10.5), and the daily job that runs a day's
segments, then their plays, then their webhooks in one transaction (``evaluate_day``).

A segment's members on a day are what its rule selects (``segment_rules``). Against the memberships
still open, a new member enters (a ``SegmentMembership`` with ``entered_on`` = the day) and a member
the rule no longer selects leaves (``left_on`` = the day); each evaluated segment and day gets one
``SegmentEvaluation``. Days go forward: a day before a segment's last evaluated day is refused, the same
day again changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.errors import AttainError
from webhooks import events

from ..models import Customer, Segment, SegmentEvaluation, SegmentMembership
from .inputs import DayInputs, day_inputs
from .segment_rules import RuleFrame, SegmentParamsError, members, rule_frame, validate_params

logger = logging.getLogger(__name__)
BATCH = 5000
# The first day evaluated: a rule reads up to ``segment_rules.MAX_DAYS`` (ten years) before its day and the
# KPIs' inputs their own look-back, so a day near year 1 would leave the calendar (docs/design.md §10.5).
EARLIEST_DAY = date(1900, 1, 1)


@dataclass(frozen=True)
class SegmentDay:
    """One segment on one day: its members then, how many entered and left that day; ``already`` when
    the day had been evaluated before (nothing changed)."""

    code: str
    members: int
    entered: int
    left: int
    already: bool = False


@dataclass(frozen=True)
class Evaluation:
    """What ``evaluate_segments`` did for ``day``."""

    day: date
    segments: list[SegmentDay]

    @property
    def changed(self) -> list[SegmentDay]:
        return [s for s in self.segments if not s.already and (s.entered or s.left)]


@dataclass(frozen=True)
class DayEvaluated:
    """What ``evaluate_day`` did: the segments' evaluation, the plays' new tasks and notifications, the
    entering customers no CSM owned that day (no task made), and the webhook deliveries recorded."""

    evaluation: Evaluation
    tasks: int = 0
    notifications: int = 0
    unassigned: int = 0
    deliveries: int = 0

    def counts(self) -> dict[str, int]:
        """What the day did, as the daily job reports it."""
        evaluated = [s for s in self.evaluation.segments if not s.already]
        return {
            "segments_evaluated": len(evaluated),
            "segment_entries": sum(s.entered for s in evaluated),
            "segment_exits": sum(s.left for s in evaluated),
            "play_tasks": self.tasks,
            "play_notifications": self.notifications,
            "webhook_deliveries": self.deliveries,
        }


def refuse_day_not_ended(day: date, *, today: date | None = None) -> None:
    """Raise ``AttainError`` for a day after yesterday (``today``: default the current day, UTC): a day
    is evaluated once it has ended and its usage is in."""
    yesterday = (today or timezone.now().date()) - timedelta(days=1)
    if day > yesterday:
        raise AttainError(
            f"{day} has not ended: segments are evaluated for days up to yesterday, {yesterday}."
        )


def segments_to_evaluate(codes: list[str] | None = None) -> list[Segment]:
    """The active segments (``codes``: only those; an unknown or inactive code is refused, naming it)."""
    active = Segment.objects.filter(active=True).order_by("code")
    if not codes:
        return list(active)
    found = {segment.code: segment for segment in active.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        known = ", ".join(active.values_list("code", flat=True)) or "none"
        raise AttainError(f"No active segment {', '.join(missing)} (the active segments: {known}).")
    return [found[code] for code in sorted(found)]


def _refuse_going_back(segments: list[Segment], day: date) -> dict[int, date]:
    """Each segment's last evaluated day; ``AttainError`` naming both days when ``day`` is before one."""
    last = dict(
        SegmentEvaluation.objects.filter(segment__in=segments)
        .values("segment_id")
        .annotate(last=Max("day"))
        .values_list("segment_id", "last")
    )
    for segment in segments:
        if segment.pk in last and day < last[segment.pk]:
            raise AttainError(
                f"Segment {segment.code} was last evaluated on {last[segment.pk]}; {day} is before it: "
                "segments are evaluated day after day, forward."
            )
    return last


def _params(segment: Segment) -> dict:
    try:
        return validate_params(segment.rule, segment.params)
    except SegmentParamsError as exc:
        raise AttainError(f"Segment {segment.code}: {exc}") from None


def evaluate_segments(
    day: date,
    *,
    codes: list[str] | None = None,
    inputs: DayInputs | None = None,
    today: date | None = None,
) -> Evaluation:
    """Evaluate every active segment (``codes``: only those) on ``day`` (docs/design.md §10.5).

    For each segment not yet evaluated on ``day``: today's members against its open memberships — new
    members get a membership entered on ``day``, members no longer selected leave on ``day`` — and a
    ``SegmentEvaluation`` (members, entered, left). A segment already evaluated on ``day`` is left alone
    (``already``). One transaction; the segments' rows are locked for it, so two runs of a day do not
    interleave. ``inputs``: the day's inputs when the caller read them already.

    Raises ``AttainError`` for a day after yesterday, a day before a segment's last evaluated day (naming
    both days), an unknown code, or a segment whose params do not fit its rule.
    """
    refuse_day_not_ended(day, today=today)
    refuse_day_out_of_range(day)
    with transaction.atomic():
        segments = list(
            Segment.objects.select_for_update().filter(pk__in=[s.pk for s in segments_to_evaluate(codes)])
        )
        segments.sort(key=lambda segment: segment.code)
        last = _refuse_going_back(segments, day)
        params = {segment.pk: _params(segment) for segment in segments}
        done = [s for s in segments if last.get(s.pk) == day]
        todo = [s for s in segments if last.get(s.pk) != day]
        results = [_already(segment, day) for segment in done]
        if todo:
            inputs = inputs or _day_inputs(day)
            frame = rule_frame(
                day=day,
                usage=inputs.usage,
                activities=inputs.activities,
                customers=Customer.objects.order_by("pk").values_list("pk", flat=True),
                quarter_start=inputs.quarter_start,
                rules=inputs.rules,
            )
            for segment in todo:
                results.append(_record(segment, day, _selected(segment, params[segment.pk], frame)))
    results.sort(key=lambda result: result.code)
    return Evaluation(day=day, segments=results)


def _selected(segment: Segment, params: dict, frame: RuleFrame) -> set[int]:
    """The customers ``segment``'s rule selects on the frame's day; ``AttainError`` naming the segment
    when its params push the rule's dates out of the calendar (params stored before their bounds)."""
    try:
        return {int(c) for c in members(segment.rule, params, frame)}
    except (OverflowError, SegmentParamsError, ValueError) as exc:
        raise AttainError(
            f"Segment {segment.code} cannot be evaluated on {frame.day}: {exc}. Correct its params or "
            "deactivate it; nothing of the day was written."
        ) from None


def refuse_day_out_of_range(day: date) -> None:
    """Raise ``AttainError`` for a day before ``EARLIEST_DAY``: the rules and KPIs read up to years before
    the day, and a year-1 day would fall out of the calendar."""
    if day < EARLIEST_DAY:
        raise AttainError(f"{day} is out of range: segments are evaluated for days from {EARLIEST_DAY} on.")


def _already(segment: Segment, day: date) -> SegmentDay:
    evaluation = SegmentEvaluation.objects.get(segment=segment, day=day)
    return SegmentDay(segment.code, evaluation.members, evaluation.entered, evaluation.left, already=True)


def _record(segment: Segment, day: date, selected: set[int]) -> SegmentDay:
    """Write one segment's changes on ``day`` and its evaluation."""
    open_now = dict(
        SegmentMembership.objects.filter(segment=segment, left_on__isnull=True).values_list(
            "customer_id", "pk"
        )
    )
    entering = sorted(selected - open_now.keys())
    leaving = [open_now[c] for c in sorted(open_now.keys() - selected)]
    insert_rows(
        SegmentMembership,
        ("segment_id", "customer_id", "entered_on"),
        [(segment.pk, c, day) for c in entering],
    )
    update_rows(SegmentMembership, leaving, "left_on", day)
    SegmentEvaluation.objects.create(
        segment=segment, day=day, members=len(selected), entered=len(entering), left=len(leaving)
    )
    return SegmentDay(segment.code, len(selected), len(entering), len(leaving))


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of the values of ``fields``: attribute names such as ``customer_id``) into
    ``model``'s table without a model instance per row, a day's memberships and tasks being tens of
    thousands of rows: on PostgreSQL one ``INSERT … SELECT FROM unnest(…)`` per ``BATCH`` rows, an array
    parameter per column; elsewhere ``bulk_create``. A field not named is NULL on PostgreSQL (no model
    default is applied): name every NOT NULL column."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    quote = connection.ops.quote_name
    columns, casts = [], []
    for name in fields:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        columns.append(quote(field.column))
        casts.append(
            f"%s::{field.rel_db_type(connection) if field.is_relation else field.db_type(connection)}[]"
        )
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
        f"SELECT * FROM unnest({', '.join(casts)})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.execute(sql, [list(column) for column in zip(*rows[start : start + BATCH], strict=True)])


def update_rows(model: type[models.Model], pks: list[int], name: str, value: object) -> None:
    """Set the field ``name`` to ``value`` on the rows of ``model`` whose primary key is in ``pks``: on
    PostgreSQL one ``UPDATE … WHERE pk = ANY(%s)`` per ``BATCH`` keys (one array parameter), elsewhere
    ``update()`` per batch."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        quote = connection.ops.quote_name
        field = model._meta.get_field(name)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
            f"WHERE {quote(model._meta.pk.column)} = ANY(%s)"
        )
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(sql, [field.get_db_prep_value(value, connection), batch])
        else:
            model.objects.filter(pk__in=batch).update(**{name: value})


def emit_changes(evaluation: Evaluation, owners: pd.DataFrame) -> int:
    """Emit ``segment.entered`` and ``segment.left`` for each segment of ``evaluation`` with customers
    entering or leaving that day (docs/webhooks.md) — only the segments evaluated in this run, never one
    evaluated on that day before (``already``) —, each customer with its CSM on the day (``owners``:
    customer_id, employee_id as ``DayInputs.owners``). Call inside the day's transaction: the deliveries
    are sent once it commits. The events' ids are derived from segment, day and event, so a day
    evaluated again records no new delivery. Nothing is read when no active endpoint subscribes to the
    segments' events. Returns the deliveries recorded."""
    day = evaluation.day
    codes = [s.code for s in evaluation.segments if not s.already and (s.entered or s.left)]
    if not codes or not events.segments_subscribed():
        return 0
    csm_pk = dict(zip(owners["customer_id"].tolist(), owners["employee_id"].tolist(), strict=True))
    employee_id = dict(User.objects.filter(pk__in=set(csm_pk.values())).values_list("pk", "employee_id"))

    def changed(segment: Segment, on: str):
        def read() -> list[tuple[str, str, str | None]]:
            rows = SegmentMembership.objects.filter(segment=segment, **{on: day}).values_list(
                "customer__customer_id", "customer__name", "customer_id"
            )
            return [(cid, name, employee_id.get(csm_pk.get(pk))) for cid, name, pk in rows]

        return read

    recorded = 0
    for segment in Segment.objects.filter(code__in=codes).order_by("code"):
        recorded += events.segment_changes(
            segment, day, entered=changed(segment, "entered_on"), left=changed(segment, "left_on")
        )
    return recorded


def _day_inputs(day: date) -> DayInputs:
    """``day_inputs``, with a look-back that leaves the calendar refused naming the day."""
    try:
        return day_inputs(day)
    except OverflowError:
        raise AttainError(
            f"{day} is out of range: the days its evaluation reads are not in the calendar."
        ) from None


def evaluate_day(day: date, *, inputs: DayInputs | None = None, today: date | None = None) -> DayEvaluated:
    """The daily job of the segments (docs/design.md §10.5, §10.6): evaluate every active segment on
    ``day``, then run the plays of the customers who entered (tasks, the account executive's e-mail),
    then emit the segments' webhooks — in one transaction, so a failure leaves nothing half-done, and
    idempotent: the same day again creates no membership, task, notification or delivery, whatever
    changed in the plays, the endpoints or the customers meanwhile (plays and webhooks act only for the
    segments evaluated in this run). ``inputs``:
    the day's inputs when the caller (the KPIs' daily job) read them already.

    Raises ``AttainError`` as ``evaluate_segments`` does."""
    from .plays import run_plays

    refuse_day_not_ended(day, today=today)
    refuse_day_out_of_range(day)
    with transaction.atomic():
        inputs = inputs or _day_inputs(day)
        evaluation = evaluate_segments(day, inputs=inputs, today=today)
        # Plays and webhooks act for the segments evaluated now only: a segment evaluated on that day
        # before made its tasks, e-mails and deliveries then, whatever the configuration is now.
        fresh = [s.code for s in evaluation.segments if not s.already]
        plays = run_plays(day, owners=inputs.owners, segments=fresh)
        deliveries = emit_changes(evaluation, inputs.owners)
    logger.info(
        "segments of %s: %s; %s task(s), %s notification(s), %s delivery(ies)",
        day,
        ", ".join(f"{s.code} {s.members} (+{s.entered} −{s.left})" for s in evaluation.segments) or "none",
        plays.tasks,
        plays.notifications,
        deliveries,
    )
    return DayEvaluated(
        evaluation=evaluation,
        tasks=plays.tasks,
        notifications=plays.notifications,
        unassigned=plays.unassigned,
        deliveries=deliveries,
    )
