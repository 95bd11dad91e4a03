"""Plays (docs/design.md §10.6): what a CS team does when a customer enters a segment, and whether it
worked.

``run_plays`` makes, for each customer who entered a segment on a day, each active play's tasks for the
customer's CSM that day, and records the account executive's e-mail (``notify_ae``); both exactly once
per membership (the database's unique constraints). ``complete_task`` closes a task with a note.
``play_effect`` measures the share of customers who left the segment within the play's recovery days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import User
from adoption.scoring.measures import to_ratio
from core import formatting as fmt
from core.errors import AttainError, Conflict
from core.links import absolute_url
from core.suggest import with_near_matches

from ..models import Play, PlayNotification, PlayTask, SegmentMembership
from .inputs import owners_on
from .segment_rules import MAX_DAYS
from .segments import insert_rows

logger = logging.getLogger(__name__)

MAX_NOTE = 2000  # characters of a completion note
MAX_TITLE = 200  # PlayTask.title
TASK_KEYS = ("title", "due_days")
# The columns ``run_plays`` writes of a new task (every NOT NULL one: see ``insert_rows``).
TASK_COLUMNS = (
    "play_id",
    "membership_id",
    "position",
    "customer_id",
    "assignee_id",
    "title",
    "created_on",
    "due_on",
    "status",
    "note",
)


def validate_recovery_days(days: Any) -> int:
    """A play's ``recovery_days``: a whole number of days, 1 to ``MAX_DAYS``; else ``AttainError``."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise AttainError(
            f"recovery_days must be a whole number of days from 1 to {MAX_DAYS:,}, not {days!r}"
        )
    return days


def validate_tasks(tasks: Any) -> list[dict[str, Any]]:
    """A play's ``tasks`` read and checked: a list of ``{"title": text, "due_days": 0 … MAX_DAYS}``.

    Raises ``AttainError`` naming the task (``tasks[2].due_days``) and what is wrong with it."""
    if not isinstance(tasks, list):
        raise AttainError(f"tasks must be a list of {{title, due_days}}, not {tasks!r}")
    read = []
    for at, task in enumerate(tasks):
        where = f"tasks[{at}]"
        if not isinstance(task, dict):
            raise AttainError(f"{where} must be a mapping with title and due_days, not {task!r}")
        unknown = sorted(str(key) for key in task if key not in TASK_KEYS)
        if unknown:
            named = with_near_matches(unknown, TASK_KEYS)
            raise AttainError(f"{where}: unknown key {named} (a task has title and due_days)")
        title = task.get("title")
        if not isinstance(title, str) or not title.strip():
            raise AttainError(f"{where}.title is required: what the CSM is to do")
        if len(title.strip()) > MAX_TITLE:
            raise AttainError(f"{where}.title is at most {MAX_TITLE} characters, not {len(title.strip())}")
        due = task.get("due_days")
        if isinstance(due, bool) or not isinstance(due, int) or not 0 <= due <= MAX_DAYS:
            raise AttainError(
                f"{where}.due_days must be a whole number of days from 0 to {MAX_DAYS:,}, not {due!r}"
            )
        read.append({"title": title.strip(), "due_days": due})
    return read


@dataclass(frozen=True)
class PlaysRun:
    """What ``run_plays`` made: new tasks and notifications, and the entries no CSM owned that day."""

    tasks: int
    notifications: int
    unassigned: int


def run_plays(
    day: date, *, owners: pd.DataFrame | None = None, segments: Iterable[str] | None = None
) -> PlaysRun:
    """Run each active play on the memberships of its segment entered on ``day`` (docs/design.md §10.6).

    ``segments``: only the plays of these segment codes (the daily job passes the segments it evaluated
    in this run, so a day evaluated before makes nothing new). Each of the play's tasks becomes a
    ``PlayTask`` for the customer's CSM on ``day`` (``owners``: customer_id, employee_id as
    ``DayInputs.owners``; read when not given), created on the day the task appears — ``day`` + 1, the
    daily job running the day after the evaluated day — and due ``due_days`` later (``task_dates``);
    a customer nobody owns that day gets no task (counted in ``unassigned``). With ``notify_ae`` and a
    customer whose account executive is an active person with an e-mail, a ``PlayNotification`` is
    recorded and the e-mail queued once the transaction commits. Tasks and notifications that exist
    already are not made again, so running a day twice makes nothing new.

    Raises ``AttainError`` (``validate_tasks``) for a play whose tasks are not valid when it has a task
    to make. A day's entries are tens of thousands: they are read and written as rows, not as model
    instances."""
    plays: dict[int, list[Play]] = {}
    active = Play.objects.filter(active=True)
    if segments is not None:
        active = active.filter(segment__code__in=list(segments))
    for play in active:
        plays.setdefault(play.segment_id, []).append(play)
    if not plays:
        return PlaysRun(0, 0, 0)
    notify = any(play.notify_ae for segment_plays in plays.values() for play in segment_plays)
    fields = ("pk", "segment_id", "customer_id") + (("customer__ae_employee_id",) if notify else ())
    todays = SegmentMembership.objects.filter(entered_on=day, segment_id__in=plays)
    entered = list(todays.order_by("segment_id", "customer_id", "entered_on").values_list(*fields))
    if not entered:
        return PlaysRun(0, 0, 0)
    owners = owners if owners is not None else owners_on(day)
    csm_of = dict(zip(owners["customer_id"].tolist(), owners["employee_id"].tolist(), strict=True))
    made = set(
        PlayTask.objects.filter(membership__in=todays).values_list("play_id", "membership_id", "position")
    )
    told = set(
        PlayNotification.objects.filter(membership__in=todays).values_list(
            "play_id", "membership_id", "recipient_id"
        )
    )
    aes = _reachable_aes({row[3] for row in entered if row[3] is not None} if notify else set())
    specs: dict[int, list[tuple[int, str, date, date]]] = {}  # per play: position, title, created, due
    tasks, notifications, unassigned = [], [], 0
    for row in entered:
        membership, segment, customer = row[:3]
        csm = csm_of.get(customer)
        if csm is None:
            unassigned += 1
        for play in plays[segment]:
            if csm is not None:
                if play.pk not in specs:
                    specs[play.pk] = _dated(validate_tasks(play.tasks), day)
                tasks += [
                    (play.pk, membership, position, customer, int(csm), title, created, due, "open", "")
                    for position, title, created, due in specs[play.pk]
                    if (play.pk, membership, position) not in made
                ]
            ae = row[3] if notify else None
            if play.notify_ae and ae in aes and (play.pk, membership, ae) not in told:
                notifications.append(PlayNotification(play=play, membership_id=membership, recipient_id=ae))
    insert_rows(PlayTask, TASK_COLUMNS, tasks)
    created = PlayNotification.objects.bulk_create(notifications)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: queue_notifications(ids), robust=True)
    return PlaysRun(len(tasks), len(created), unassigned)


def task_dates(day: date, due_days: int) -> tuple[date, date]:
    """(created_on, due_on) of a task made for an entry on the evaluated ``day`` (docs/design.md §10.6):
    the daily job evaluates yesterday, so the task appears on ``day`` + 1, and ``due_days`` count from
    then: due on ``day`` + 1 + ``due_days`` (a task of 0 days is due the day it appears, not overdue on
    arrival)."""
    created = day + timedelta(days=1)
    return created, created + timedelta(days=due_days)


def _dated(specs: list[dict[str, Any]], day: date) -> list[tuple[int, str, date, date]]:
    """A play's tasks for an entry on ``day``: position, title, created and due day."""
    return [
        (position, spec["title"], *task_dates(day, spec["due_days"])) for position, spec in enumerate(specs)
    ]


def _reachable_aes(pks: set[int]) -> set[int]:
    """Of the account executives ``pks``, those a play may notify: active, with an e-mail."""
    if not pks:
        return set()
    rows = User.objects.filter(pk__in=pks).values_list("pk", "is_active", "email")
    return {pk for pk, active, email in rows if active and email}


def queue_notifications(ids: Iterable[int]) -> None:
    """Queue the e-mail of each ``PlayNotification``; a broker outage is logged, never raised (the day's
    evaluation is committed)."""
    from adoption.tasks import send_play_notification

    for pk in ids:
        try:
            send_play_notification.delay(pk)
        except Exception:  # the evaluation is committed; a mail outage must not undo or hide it
            logger.exception("could not queue the e-mail of play notification #%s", pk)


def notification_message(notification: PlayNotification) -> tuple[str, str]:
    """Subject and body of the account executive's e-mail: the customer, the segment it entered and on
    which day, the play's tasks for its CSM, and the segment's page (an absolute link)."""
    membership = notification.membership
    customer, segment, play = membership.customer, membership.segment, notification.play
    subject = f"Attain: {customer.name} ({customer.customer_id}) entered {segment.name}"
    tasks = PlayTask.objects.filter(membership=membership, play=play).select_related("assignee")
    lines = [
        f"{customer.name} ({customer.customer_id}) entered the segment {segment.name} on "
        f"{membership.entered_on.isoformat()}.",
        f"Play: {play.name}.",
    ]
    if tasks:
        lines.append("Its CSM's tasks:")
        lines += [
            f"  - {t.title} ({t.assignee.name or t.assignee.email}, due {t.due_on.isoformat()})"
            for t in tasks
        ]
    lines.append(f"\nSee the segment: {absolute_url(reverse('dashboards:segment', args=[segment.code]))}")
    return subject, "\n".join(lines) + "\n"


def send_notification(notification_id: int) -> int:
    """Send the e-mail of a ``PlayNotification`` (the Celery task ``adoption.tasks.send_play_notification``
    calls it); returns the number of recipients (0 when the notification or its recipient's address is
    gone)."""
    from django.conf import settings
    from django.core.mail import send_mail

    notification = (
        PlayNotification.objects.select_related(
            "membership__customer", "membership__segment", "play", "recipient"
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return 0
    subject, body = notification_message(notification)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
    return 1


def complete_task(*, task: PlayTask, user: User | None, note: str) -> PlayTask:
    """Complete ``task`` as ``user`` with ``note`` (docs/design.md §10.6): status done, when, by whom and
    the note, with a compare-and-set on the open status so a task is completed once.

    Raises ``NotAllowed`` unless ``access.may_complete_task``; ``AttainError`` for a blank note or one of
    more than ``MAX_NOTE`` characters; ``Conflict`` when the task is done already (naming when and by
    whom)."""
    access.require(access.may_complete_task(user, task))
    note = (note or "").strip()
    if not note:
        raise AttainError(f"A note is required to complete task #{task.pk}: say what was done.")
    if len(note) > MAX_NOTE:
        raise AttainError(f"The note of task #{task.pk} is {len(note):,} characters: at most {MAX_NOTE:,}.")
    changed = PlayTask.objects.filter(pk=task.pk, status=PlayTask.Status.OPEN).update(
        status=PlayTask.Status.DONE, completed_at=timezone.now(), completed_by=user, note=note
    )
    if changed != 1:
        done = PlayTask.objects.select_related("completed_by").get(pk=task.pk)
        by = done.completed_by.email if done.completed_by is not None else "someone"
        when = timezone.localtime(done.completed_at).strftime("%Y-%m-%d %H:%M") if done.completed_at else "?"
        raise Conflict(f"Task #{task.pk} was already completed on {when} by {by}: a task is completed once.")
    task.refresh_from_db()
    return task


@dataclass(frozen=True)
class PlayEffect:
    """A play's measured effect on ``day`` (docs/design.md §10.6): of the ``measured`` memberships,
    ``recovered`` left the segment within the play's recovery days; ``share`` = recovered ÷ measured, a
    ``Decimal`` ratio 0–1 half-up to 6 decimals, None when nothing is measured yet."""

    play: Play
    day: date
    measured: int
    recovered: int
    share: Decimal | None


def play_effect(play: Play, day: date) -> PlayEffect:
    """The share of the memberships a play ran on that recovered (docs/design.md §10.6).

    Measured: the memberships of the play's segment with a task or a notification of the play that
    entered at least ``recovery_days`` days before ``day`` (entered_on ≤ day − N), or that left on or
    before ``day``. Recovered: those that left on or before ``day`` and at most N days after entering
    (left_on − entered_on ≤ N: day N counts). For a low-utilisation segment, leaving means the
    utilisation came back to the threshold."""
    n = play.recovery_days
    ran = SegmentMembership.objects.filter(segment_id=play.segment_id).filter(
        Q(Exists(PlayTask.objects.filter(play=play, membership=OuterRef("pk"))))
        | Q(Exists(PlayNotification.objects.filter(play=play, membership=OuterRef("pk"))))
    )
    # A recovery window reaching before the calendar's first day measures no entry by its age.
    by_age = Q(entered_on__lte=day - timedelta(days=n)) if day.toordinal() > n else Q(pk__in=[])
    measured = ran.filter(by_age | Q(left_on__lte=day))
    rows = list(measured.values_list("entered_on", "left_on"))
    recovered = sum(
        1 for entered, left in rows if left is not None and left <= day and (left - entered).days <= n
    )
    share = to_ratio(recovered, len(rows)) if rows else None
    return PlayEffect(play=play, day=day, measured=len(rows), recovered=recovered, share=share)


# What the pages, the admin and the command say the effect is (docs/design.md §10.6).
EFFECT_HELP = (
    "Of the customers the play ran on (a task or an e-mail of the play), measured are those that entered "
    "the segment at least its recovery days before the day, or that left by then; recovered are those "
    "that left at most recovery days after entering. The share is recovered ÷ measured, as of the last "
    "evaluated day."
)


def effect_in_words(effect: PlayEffect) -> str:
    """``3 of 5 recovered (60.0%) within 10 days``, or that nothing is measured yet."""
    days = effect.play.recovery_days
    if effect.share is None:
        return f"nothing measured yet (recovery within {days} days)"
    share = fmt.percent(effect.share)
    return f"{effect.recovered:,} of {effect.measured:,} recovered ({share}) within {days} days"
