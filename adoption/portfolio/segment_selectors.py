"""What the pages read about segments and plays (docs/design.md §10.5, §10.6), always within the
reader's reach (``adoption.access``): a CSM their book's members and their own tasks, a Geo VP their
geo's, the CCO, finance, ops and admins everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User

from ..access import book_of, memberships_visible_to, tasks_visible_to
from ..models import Customer, Ownership, Play, PlayTask, Segment, SegmentEvaluation, SegmentMembership
from .inputs import kpi_rules
from .plays import effect_in_words, play_effect
from .segment_rules import SegmentParamsError, describe

RECENT_DAYS = 7  # "entered / left in the last 7 days" of the segments' list
DONE_DAYS = 30  # the tasks page lists the tasks completed in the last 30 days


@dataclass(frozen=True)
class SegmentCount:
    """A segment and its members on a day within a person's reach (the CSM's page lists them)."""

    code: str
    name: str
    members: int


def last_evaluated_day(segment: Segment | None = None) -> date | None:
    """The latest day any segment (``segment``: this one) was evaluated, or None: the day the segment
    pages speak of ("as of <day>", docs/design.md §10.5)."""
    evaluations = SegmentEvaluation.objects.all()
    if segment is not None:
        evaluations = evaluations.filter(segment=segment)
    return evaluations.aggregate(last=Max("day"))["last"]


def play_effects(plays: list[Play], day: date | None) -> list[dict]:
    """Each play with its effect as of ``day`` (docs/design.md §10.6): name, code, recovery_days,
    measured, recovered, share (a ratio 0–1, None when nothing is measured) and the effect in words;
    without a day (never evaluated) the counts are None."""
    rows = []
    for play in plays:
        effect = play_effect(play, day) if day is not None else None
        rows.append(
            {
                "play": play,
                "measured": effect.measured if effect else None,
                "recovered": effect.recovered if effect else None,
                "share": effect.share if effect else None,
                "words": effect_in_words(effect) if effect else "not evaluated yet",
            }
        )
    return rows


def members_on(day: date) -> Q:
    """Memberships open on ``day``: entered on or before it and not left by then."""
    return Q(entered_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def segments_for(user: User, day: date | None = None) -> list[SegmentCount]:
    """Every active segment with its member count on ``day`` (default today) among the customers
    ``user`` reaches (a CSM: their book that day), by name. One query."""
    day = day or timezone.localdate()
    visible = memberships_visible_to(user, on=day).filter(members_on(day))
    counts = dict(visible.values("segment_id").annotate(n=Count("pk")).values_list("segment_id", "n"))
    return [
        SegmentCount(code=s.code, name=s.name, members=counts.get(s.pk, 0))
        for s in Segment.objects.filter(active=True).order_by("name", "code")
    ]


def open_tasks_for(user: User) -> QuerySet:
    """The open tasks ``user`` sees (a CSM: their own; a Geo VP: their geo's CSMs'; ops, the CCO, finance
    and admins: all), soonest due first, with customer, CSM, play and segment."""
    return (
        tasks_visible_to(user)
        .filter(status=PlayTask.Status.OPEN)
        .select_related("customer", "assignee", "play__segment")
        .order_by("due_on", "pk")
    )


def done_tasks_for(user: User, *, today: date | None = None, days: int = DONE_DAYS) -> QuerySet:
    """The tasks ``user`` sees completed in the last ``days`` days (from today − days on), latest first."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    return (
        tasks_visible_to(user)
        .filter(status=PlayTask.Status.DONE, completed_at__date__gte=since)
        .select_related("customer", "assignee", "completed_by", "play__segment")
        .order_by("-completed_at", "-pk")
    )


def rule_in_words(segment: Segment) -> str:
    """The segment's rule in words (``segment_rules.describe``), or what is wrong with its params."""
    try:
        return describe(segment.rule, segment.params, kpi_rules())
    except SegmentParamsError as exc:
        return f"Invalid params: {exc}"


def segment_rows(user: User, *, day: date) -> list[dict]:
    """One row per segment (active first, by name) as of ``day``, the last evaluated day: code, name,
    rule in words, active, members (open memberships), the members who entered and left in the
    ``RECENT_DAYS`` days to ``day`` (entered_on or left_on from day − 6 on) within ``user``'s reach, its
    active plays' names and their effect as of ``day`` in words (docs/design.md §10.6)."""
    since = day - timedelta(days=RECENT_DAYS - 1)
    visible = memberships_visible_to(user, on=day)
    open_now = Count("pk", filter=Q(left_on__isnull=True))
    entered = Count("pk", filter=Q(entered_on__gte=since))
    left = Count("pk", filter=Q(left_on__gte=since))
    counts = {
        row["segment_id"]: row
        for row in visible.values("segment_id").annotate(members=open_now, entered=entered, left=left)
    }
    segments = Segment.objects.prefetch_related("plays").order_by("-active", "name", "code")
    rows = []
    for segment in segments:
        count = counts.get(segment.pk, {})
        plays = [p for p in segment.plays.all() if p.active]
        rows.append(
            {
                "code": segment.code,
                "name": segment.name,
                "rule": rule_in_words(segment),
                "active": "yes" if segment.active else "no",
                "members": count.get("members", 0),
                "entered": count.get("entered", 0),
                "left": count.get("left", 0),
                "plays": ", ".join(p.name for p in plays),
                "effect": "; ".join(
                    f"{row['play'].name}: {row['words']}" for row in play_effects(plays, day)
                ),
            }
        )
    return rows


def _with_owner(memberships: QuerySet, day: date) -> QuerySet:
    latest = Ownership.objects.filter(customer_id=OuterRef("customer_id"), start_date__lte=day).order_by(
        "-start_date"
    )
    return memberships.annotate(owner_pk=Subquery(latest.values("employee_id")[:1]))


def _owners(rows: list[SegmentMembership]) -> dict[int, User]:
    pks = {m.owner_pk for m in rows if m.owner_pk is not None}
    return {user.pk: user for user in User.objects.filter(pk__in=pks)}


def member_rows(
    segment: Segment,
    user: User,
    *,
    csm: User | None = None,
    geo: str = "",
    since: date | None = None,
    day: date,
) -> list[dict]:
    """The segment's members as of ``day`` (its last evaluated day: the open memberships) within
    ``user``'s reach, longest in first: customer, geo, CSM (the owner on ``day``), entered_on, days in
    the segment (day − entered_on). Filters: ``csm`` (their book on ``day``), ``geo`` (the customer's),
    ``since`` (entered on or after it). Three queries."""
    memberships = memberships_visible_to(user, on=day).filter(segment=segment, left_on__isnull=True)
    if csm is not None:
        memberships = memberships.filter(customer_id__in=book_of([csm.pk], day))
    if geo:
        memberships = memberships.filter(customer__geo=geo)
    if since is not None:
        memberships = memberships.filter(entered_on__gte=since)
    rows = list(
        _with_owner(memberships.select_related("customer"), day).order_by(
            "entered_on", "customer__customer_id"
        )
    )
    owners = _owners(rows)
    return [
        {
            "customer_id": m.customer.customer_id,
            "customer": m.customer.name,
            "geo": m.customer.geo,
            "csm": _name(owners.get(m.owner_pk)),
            "csm_id": _employee_id(owners.get(m.owner_pk)),
            "entered_on": m.entered_on,
            "days": (day - m.entered_on).days,
        }
        for m in rows
    ]


def customer_history(customer: Customer, *, day: date) -> list[dict]:
    """Every membership of ``customer`` in every segment, latest first: segment, entered_on, left_on
    (empty while a member) and the days it lasted (to ``day``, the last evaluated day, while open). The
    caller checks that the reader reaches the customer."""
    rows = SegmentMembership.objects.filter(customer=customer).select_related("segment")
    return [
        {
            "segment_code": m.segment.code,
            "segment": m.segment.name,
            "entered_on": m.entered_on,
            "left_on": m.left_on,
            "days": ((m.left_on or day) - m.entered_on).days,
            "status": "member" if m.left_on is None else "left",
        }
        for m in rows.order_by("-entered_on", "segment__code")
    ]


def _name(person: User | None) -> str:
    return (person.name or person.email) if person is not None else ""


def _employee_id(person: User | None) -> str:
    return (person.employee_id or "") if person is not None else ""
