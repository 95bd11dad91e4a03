"""What the recognition pages read (docs/design.md §11.5), every list cut by ``accounts.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from commissions.models import Payout, Period
from commissions.services.person_metrics import MetricSource, month_means, stored_metric_values
from core.fiscal import calendar

from .models import Contest, ContestWinner, Nudge, NudgeConfig, NudgeMonth, WallSetting
from .ranking import bottom_five_percent, competition_ranks
from .services.nudges import month_bounds, previous_month

TOP = 3


def contests_visible_to(user: User) -> list[Contest]:
    """The contests in ``user``'s scope (``access.may_see_contest``), newest first."""
    rows = Contest.objects.prefetch_related("people")
    return [c for c in rows if access.may_see_contest(user, c)]


@dataclass(frozen=True)
class FameEntry:
    """A finished contest on the wall under its month (``YYYY-MM`` of its end) and quarter code."""

    contest: Contest
    month: str
    quarter: str
    winners: list[ContestWinner]


def contest_winners(user: User) -> list[FameEntry]:
    """The finished contests ``user`` may see, with their winners, newest first."""
    winners = Prefetch("winners", queryset=ContestWinner.objects.select_related("employee"))
    rows = Contest.objects.filter(status=Contest.Status.FINISHED).prefetch_related("people", winners)
    return [
        FameEntry(c, c.end.strftime("%Y-%m"), calendar().period_of(c.end).code, list(c.winners.all()))
        for c in rows
        if access.may_see_contest(user, c)
    ]


@dataclass(frozen=True)
class TopPerformer:
    """A top performer of a closed quarter: ``attainment`` = payout ÷ on-target amount of the final runs
    (a ratio, 1 = on target), shown only to whoever sees that person's results (else None)."""

    employee: User
    rank: int
    attainment: Decimal | None


def top_performers(user: User) -> tuple[Period | None, list[TopPerformer]]:
    """The top 3 (ties at 3rd included) by attainment of the last closed quarter's final runs."""
    period = Period.objects.filter(status=Period.Status.CLOSED).order_by("-code").first()
    if period is None:
        return None, []
    totals: dict[int, list[Decimal]] = {}
    rows = Payout.objects.filter(run__period=period, run__is_final=True).values_list(
        "employee_id", "amount", "on_target_amount"
    )
    for employee, amount, on_target in rows:
        pair = totals.setdefault(employee, [Decimal(0), Decimal(0)])
        pair[0] += amount
        pair[1] += on_target
    ratios = {e: amount / on_target for e, (amount, on_target) in totals.items() if on_target > 0}
    ranks = competition_ranks(ratios)
    top = {e: r for e, r in ranks.items() if r <= TOP}
    people = User.objects.in_bulk(list(top))
    seen = set(access.employees_visible_to(user).filter(pk__in=list(top)).values_list("pk", flat=True))
    result = [TopPerformer(people[e], r, ratios[e] if e in seen else None) for e, r in top.items()]
    return period, sorted(result, key=lambda t: (t.rank, t.employee.employee_id or ""))


def wall_setting() -> WallSetting:
    """The wall's setting as stored, or the default (off) unsaved: reading it writes nothing (a GET
    never writes); ``services.wall.set_needs_attention`` creates the row."""
    return WallSetting.objects.filter(pk=1).select_related("changed_by").first() or WallSetting(pk=1)


@dataclass(frozen=True)
class NeedsAttention:
    """The bottom 5% of ``metric`` in ``month`` among the CSMs a manager sees: (person, value, rank from
    the bottom) lowest first, and the people without a value listed apart."""

    metric: str
    month: date
    bottom: list[tuple[User, Decimal, int]]
    without_value: list[User]


def needs_attention(user: User, *, metrics: MetricSource | None = None) -> NeedsAttention | None:
    """The needs-attention list, or None when the wall's setting has it off (the default) or ``user`` is
    not a manager (``access.may_see_needs_attention``: a Geo VP — their geo —, the CCO, ops)."""
    setting = wall_setting()
    if not setting.needs_attention or not access.may_see_needs_attention(user):
        return None
    month = previous_month(timezone.localdate())
    first, last = month_bounds(month)
    people = list(
        access.employees_visible_to(user)
        .filter(is_active=True, roles__role=Role.CSM)
        .distinct()
        .order_by("employee_id", "pk")
    )
    source = metrics or stored_metric_values
    means = month_means(
        source(metric=setting.attention_metric, employees=[p.pk for p in people], first=first, last=last)
    )
    picked, without = bottom_five_percent({p.pk: means.get(p.pk) for p in people})
    by_pk = {p.pk: p for p in people}
    bottom = sorted(((by_pk[pk], means[pk], rank) for pk, rank in picked.items()), key=lambda row: row[2])
    return NeedsAttention(setting.attention_metric, month, bottom, [by_pk[pk] for pk in without])


def nudges_of(user: User) -> list[Nudge]:
    """The person's own nudges (their tasks), newest month first."""
    return list(Nudge.objects.filter(employee=user).select_related("config"))


def nudge_configs() -> list[NudgeConfig]:
    """Every nudge config, by code, with who changed it last."""
    return list(NudgeConfig.objects.select_related("changed_by").order_by("code"))


def nudge_months() -> list[NudgeMonth]:
    """Each config's decided months, newest first: how many had a value, had none, were nudged."""
    return list(NudgeMonth.objects.select_related("config").order_by("-month", "config__code"))


def nudges_sent(month: date | None = None) -> QuerySet[Nudge]:
    """The record of nudges (all, or of ``month``: its first day), newest month first, then config, rank
    from the bottom and employee id; each with its config and person."""
    rows = Nudge.objects.select_related("config", "employee").order_by(
        "-month", "config__code", "rank", "employee__employee_id", "pk"
    )
    return rows.filter(month=month) if month is not None else rows
