"""A contest's life (docs/design.md §11.5; RULES "Contests"): drafted, started, its events entered by
ops or generated from a person metric, ranked, finished with its winners, then frozen.

Each write locks the contest's row and checks its status; rights come from ``accounts.access``. An event
on a day of a closed quarter is refused (the quarter is frozen, DESIGN §5 "Quarter close").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from commissions.models import Period
from commissions.services.person_metrics import (
    MetricSource,
    MetricUnavailable,
    check_metric_code,
    stored_metric_values,
)
from core.fiscal import calendar

from ..errors import ContestFrozen, RecognitionInvalid, WrongStatus
from ..models import Contest, ContestEvent, ContestWinner
from ..ranking import CENT, competition_ranks, split_prize


def _decimal(value, what: str, problems: list[str], *, places: Decimal = CENT) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        problems.append(f"{what} must be a decimal, not a float ({value!r}).")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{what} must be a number, not {value!r}.")
        return None
    if not number.is_finite() or number != number.quantize(places):
        problems.append(f"{what} must have at most 2 decimals, not {value}.")
        return None
    return number


def _invalid(label: str, problems: list[str]) -> RecognitionInvalid:
    return RecognitionInvalid(f"{label} is invalid:\n" + "\n".join(f"  - {p}" for p in problems))


def create_contest(
    *,
    user: User | None,
    code: str,
    name: str,
    start: date,
    end: date,
    starting_score=Decimal(100),
    prize=None,
    currency: str = "",
    participants: str = Contest.Participants.ALL,
    geo: str = "",
    people: list[User] | None = None,
    description: str = "",
) -> Contest:
    """Draft a contest (status ``draft``). Raises ``RecognitionInvalid`` listing every bad value at once,
    ``NotAllowed`` unless ``user`` may manage contests (ops, the CCO)."""
    access.require(access.may_manage_contests(user))
    problems: list[str] = []
    score = _decimal(starting_score, "The starting score", problems)
    prize_value = _decimal(prize, "The prize", problems)
    if prize_value is not None and prize_value <= 0:
        problems.append("A prize is an amount above 0 (or none).")
    if prize_value is not None and not currency:
        problems.append("A prize states its currency.")
    contest = Contest(
        code=code,
        name=name,
        description=description,
        start=start,
        end=end,
        starting_score=score if score is not None else Decimal(0),
        prize=prize_value,
        currency=(currency or "").upper() if prize_value is not None else "",
        participants=participants,
        geo=geo if participants == Contest.Participants.GEO else "",
        created_by=user,
    )
    try:
        contest.full_clean(exclude=["created_by"], validate_constraints=False)
    except ValidationError as exc:
        problems += [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    if start and end and end < start:
        problems.append(f"The contest ends ({end}) before it starts ({start}).")
    if participants == Contest.Participants.GEO and not geo:
        problems.append("A contest for a geo names the geo.")
    if participants == Contest.Participants.LIST and not people:
        problems.append("A contest for named people lists at least one person.")
    if problems:
        raise _invalid(f"Contest {code or '(no code)'}", problems)
    with transaction.atomic():
        contest.save()
        if participants == Contest.Participants.LIST:
            contest.people.set(people or [])
    return contest


def participants_of(contest: Contest):
    """The people a contest ranks: the active CSMs (of its geo), or its named people."""
    if contest.participants == Contest.Participants.LIST:
        return contest.people.all()
    people = User.objects.filter(is_active=True, roles__role=Role.CSM)
    if contest.participants == Contest.Participants.GEO:
        people = people.filter(geo=contest.geo)
    return people.distinct()


def _locked(contest: Contest, *expected: str) -> Contest:
    row = Contest.objects.select_for_update().get(pk=contest.pk)
    if row.status == Contest.Status.FINISHED and Contest.Status.FINISHED not in expected:
        raise ContestFrozen(f"{row} is finished: its events and winners never change.")
    if row.status not in expected:
        wanted = " or ".join(Contest.Status(s).label.lower() for s in expected)
        raise WrongStatus(f"{row} is {row.get_status_display().lower()}: this step needs it {wanted}.")
    return row


def start_contest(*, contest: Contest, user: User | None) -> Contest:
    """draft → active: events may be entered. Raises ``WrongStatus``, ``ContestFrozen``, ``NotAllowed``."""
    access.require(access.may_manage_contests(user, contest))
    with transaction.atomic():
        row = _locked(contest, Contest.Status.DRAFT)
        row.status = Contest.Status.ACTIVE
        row.save(update_fields=["status"])
    return row


def _closed_quarters(days: set[date]) -> set[str]:
    codes = {calendar().period_of(day).code for day in days}
    return set(
        Period.objects.filter(code__in=codes, status=Period.Status.CLOSED).values_list("code", flat=True)
    )


def add_event(
    *, contest: Contest, user: User | None, employee: User, day: date, points, reason: str
) -> ContestEvent:
    """Enter points (+ or −, 2 decimals, not 0) for a participant on a day of an active contest, with the
    reason (e.g. "data-quality slip", −5). Raises ``RecognitionInvalid`` (bad value, not a participant,
    day outside the contest), ``ContestFrozen`` (finished, or the day's quarter closed), ``WrongStatus``,
    ``NotAllowed``."""
    access.require(access.may_manage_contests(user, contest))
    problems: list[str] = []
    value = _decimal(points, "The points", problems)
    if value == 0:
        problems.append("An event adds or removes points: 0 points is no event.")
    if not (reason or "").strip():
        problems.append("An event says why (a reason).")
    with transaction.atomic():
        row = _locked(contest, Contest.Status.ACTIVE)
        if not row.start <= day <= row.end:
            problems.append(f"{day} is outside the contest ({row.start} – {row.end}).")
        if not participants_of(row).filter(pk=employee.pk).exists():
            problems.append(f"{employee.email} does not take part in {row}.")
        if problems:
            raise _invalid(f"The event of {row}", problems)
        if closed := _closed_quarters({day}):
            raise ContestFrozen(f"{day} lies in a closed quarter ({', '.join(sorted(closed))}): frozen.")
        return ContestEvent.objects.create(
            contest=row, employee=employee, day=day, points=value, reason=reason.strip(), entered_by=user
        )


def events_from_metric(
    *,
    contest: Contest,
    user: User | None,
    metric: str,
    points_per_unit,
    as_of: date | None = None,
    metrics: MetricSource | None = None,
) -> list[ContestEvent]:
    """Generate events from a person metric: each value (e.g. a day's ``demerits`` count) of a
    participant on a day from the contest's start to ``as_of`` (or its end) becomes an event of value ×
    ``points_per_unit`` points (e.g. 2 demerits × −5 = −10), reason "<value> <metric> × <points>".

    Idempotent: once per person, day and metric (a rerun writes nothing twice; a value of 0 writes
    nothing). Values on days of a closed quarter are skipped. Returns the events written. Raises as
    ``add_event``, and ``RecognitionInvalid`` for a value that is not a whole count or a metric the one
    reader cannot serve (``check_metric_code``: ``attainment``, an unknown ``kpi.<code>``, no code at all;
    as ``metric: …``), writing nothing.
    """
    access.require(access.may_manage_contests(user, contest))
    problems: list[str] = []
    per = _decimal(points_per_unit, "The points per unit", problems)
    if per == 0:
        problems.append("The points per unit are not 0.")
    metric = (metric or "").strip()
    if not metric:
        problems.append("Name the metric the events come from.")
    else:
        try:  # named before anything is read or written (docs/design.md §11.1)
            check_metric_code(metric)
        except MetricUnavailable as exc:
            problems.append(f"metric: {exc.message}")
    if problems:
        raise _invalid(f"The events of {contest}", problems)
    source = metrics or stored_metric_values
    with transaction.atomic():
        row = _locked(contest, Contest.Status.ACTIVE)
        last = min(row.end, as_of) if as_of else row.end
        people = list(participants_of(row).values_list("pk", flat=True))
        values = [
            v for v in source(metric=metric, employees=people, first=row.start, last=last) if v.value != 0
        ]
        bad = [v for v in values if v.value != v.value.to_integral_value()]
        if bad:
            named = _people_named([v.employee for v in bad])
            raise _invalid(
                f"The events of {row}",
                [
                    f"{metric} of {named[v.employee]} on {v.day} is {v.value.normalize():f}: "
                    "a whole count is needed."
                    for v in bad
                ],
            )
        closed = _closed_quarters({v.day for v in values})
        seen = set(
            ContestEvent.objects.filter(contest=row, source_metric=metric).values_list("employee_id", "day")
        )
        new = [
            ContestEvent(
                contest=row,
                employee_id=v.employee,
                day=v.day,
                points=(v.value * per).quantize(CENT),
                reason=f"{v.value.normalize():f} {metric} × {per:f}",
                source_metric=metric,
                entered_by=user,
            )
            for v in sorted(values, key=lambda v: (v.day, v.employee))
            if (v.employee, v.day) not in seen and calendar().period_of(v.day).code not in closed
        ]
        return ContestEvent.objects.bulk_create(new)


def _people_named(pks: list[int]) -> dict[int, str]:
    """Each person as a message names them — employee id and e-mail — never by a database id."""
    return {
        u.pk: f"{u.employee_id} ({u.email})" if u.employee_id else u.email
        for u in User.objects.filter(pk__in=set(pks)).only("pk", "employee_id", "email")
    }


@dataclass(frozen=True)
class Standing:
    """A participant's place: ``score`` = starting score + Σ points; ``rank`` standard competition."""

    employee: User
    score: Decimal
    rank: int


def standings(contest: Contest) -> list[Standing]:
    """Every participant's score and rank (1, 1, 3), best first, ties by employee id. Two queries."""
    people = list(participants_of(contest).order_by("employee_id", "pk"))
    sums = dict(
        ContestEvent.objects.filter(contest=contest)
        .values("employee_id")
        .annotate(total=Sum("points"))
        .values_list("employee_id", "total")
    )
    scores = {p.pk: contest.starting_score + (sums.get(p.pk) or Decimal(0)) for p in people}
    ranks = competition_ranks(scores)
    rows = [Standing(p, scores[p.pk], ranks[p.pk]) for p in people]
    return sorted(rows, key=lambda s: (s.rank, s.employee.employee_id or "", s.employee.pk))


def finish_contest(*, contest: Contest, user: User | None, on: date | None = None) -> list[ContestWinner]:
    """active → finished on or after its end day (``on``, default today): the rank-1 participants are
    recorded as winners with their score and share of the prize (``ranking.split_prize``: equal shares
    rounded down to the cent, the cents left one each to the winners in employee-id order, summing to
    the prize exactly). Idempotent: a finished contest returns its recorded winners and writes nothing.
    Afterwards the contest is frozen (``ContestFrozen`` on any event). Raises ``WrongStatus`` for a draft
    or a contest not yet over, ``NotAllowed``."""
    access.require(access.may_manage_contests(user, contest))
    today = on or timezone.localdate()
    with transaction.atomic():
        row = _locked(contest, Contest.Status.ACTIVE, Contest.Status.FINISHED)
        if row.status == Contest.Status.FINISHED:
            return list(row.winners.all())
        if today < row.end:
            raise WrongStatus(f"{row} runs until {row.end}: it finishes on or after that day.")
        top = [s for s in standings(row) if s.rank == 1]
        shares = split_prize(row.prize, [s.employee.pk for s in top]) if row.prize is not None else {}
        winners = ContestWinner.objects.bulk_create(
            [
                ContestWinner(
                    contest=row, employee=s.employee, score=s.score, prize_share=shares.get(s.employee.pk)
                )
                for s in top
            ]
        )
        row.status = Contest.Status.FINISHED
        row.finished_by = user
        row.finished_at = timezone.now()
        row.save(update_fields=["status", "finished_by", "finished_at"])
    return winners
