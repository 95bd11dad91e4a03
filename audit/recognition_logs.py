"""Audit entries of contests, the wall of fame and the bottom-5% nudges (docs/design.md §11.5;
docs/audit.md).

On both databases: each config's month decided (``NudgeMonth``: how many people had a value, how many had
none, how many were nudged), which no row event says. On SQLite, which has no history triggers, also what
the rows themselves record: contests created and finished, their events and winners, the wall of fame's
setting and each nudge config as last changed (the earlier changes are not kept there), and each nudge
given and e-mailed. On PostgreSQL the pghistory events of ``Contest``, ``ContestEvent``, ``ContestWinner``,
``WallSetting``, ``NudgeConfig`` and ``Nudge`` record every change (``row_events``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core import formatting as fmt
from recognition.models import (
    Contest,
    ContestEvent,
    ContestWinner,
    Nudge,
    NudgeConfig,
    NudgeMonth,
    WallSetting,
)

from .entries import AuditEntry, AuditFilters, Change
from .incentive_logs import email_of
from .logs import narrowed

CONTEST, EVENT, WINNER, WALL, CONFIG, NUDGE = (
    "contest",
    "contest_event",
    "contest_winner",
    "wall_setting",
    "nudge_config",
    "nudge",
)
NUDGE_RUN = "(nudge run: the month-end job or ops)"
LATEST_ONLY = "the latest change; earlier ones are recorded on PostgreSQL only"


def _number(value) -> str:
    return fmt.number(value).replace(",", "")


# --- SQLite: contests, their events and winners -------------------------------------------------------


def _contests(filters: AuditFilters) -> tuple[models.QuerySet, Q]:
    rows = Contest.objects.select_related("created_by", "finished_by")
    return rows, Q(code__icontains=filters.search) | Q(name__icontains=filters.search)


def contests_created_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(CONTEST):
        return Contest.objects.none()
    rows, text = _contests(filters)
    rows = rows.order_by("-created_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="created_by", at="created_at")


def contest_created_entries(rows: list[Contest]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=email_of(row.created_by),
            object_type="Contest",
            object_id=str(row.pk),
            object_label=row.code,
            action="created",
            changes=[
                Change("status", "", Contest.Status.DRAFT),  # as written: a contest starts as a draft
                Change("dates", "", fmt.date_range(row.start, row.end)),
                Change("participants", "", row.get_participants_display()),
                Change("starting_score", "", _number(row.starting_score)),
                Change("prize", "", fmt.money(row.prize, row.currency) if row.prize else ""),
            ],
            note=f"status now: {row.status}",
        )
        for row in rows
    ]


def contests_finished_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(CONTEST):
        return Contest.objects.none()
    rows, text = _contests(filters)
    rows = rows.filter(finished_at__isnull=False).order_by("-finished_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="finished_by", at="finished_at")


def contest_finished_entries(rows: list[Contest]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.finished_at,
            who=email_of(row.finished_by),
            object_type="Contest",
            object_id=str(row.pk),
            object_label=row.code,
            action="finished",
            changes=[Change("status", Contest.Status.ACTIVE, Contest.Status.FINISHED)],
        )
        for row in rows
    ]


def contest_events_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(EVENT):
        return ContestEvent.objects.none()
    rows = ContestEvent.objects.select_related("contest", "employee", "entered_by")
    rows = rows.order_by("-created_at", "-pk")
    text = (
        Q(contest__code__icontains=filters.search)
        | Q(employee__email__icontains=filters.search)
        | Q(reason__icontains=filters.search)
    )
    return narrowed(rows, filters, text=text, id_field="pk", person="entered_by", at="created_at")


def contest_event_entries(rows: list[ContestEvent]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=email_of(
                row.entered_by, f"(generated from {row.source_metric})" if row.source_metric else ""
            ),
            object_type="Contest event",
            object_id=str(row.pk),
            object_label=f"{row.contest.code} · {row.employee.email} · {row.day}",
            action="entered" if row.entered_by_id else "generated",
            changes=[Change("points", "", f"{row.points:+}")],
            note=row.reason,
        )
        for row in rows
    ]


def contest_winners_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(WINNER):
        return ContestWinner.objects.none()
    rows = ContestWinner.objects.select_related("contest__finished_by", "employee")
    rows = rows.filter(contest__finished_at__isnull=False).order_by("-contest__finished_at", "-pk")
    text = Q(contest__code__icontains=filters.search) | Q(employee__email__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="employee", at="contest__finished_at")


def contest_winner_entries(rows: list[ContestWinner]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.contest.finished_at,
            who=email_of(row.contest.finished_by),
            object_type="Contest winner",
            object_id=str(row.pk),
            object_label=f"{row.contest.code} · {row.employee.email}",
            action="won",
            changes=[
                Change("score", "", _number(row.score)),
                Change(
                    "prize_share",
                    "",
                    fmt.money(row.prize_share, row.contest.currency) if row.prize_share is not None else "",
                ),
            ],
        )
        for row in rows
    ]


# --- SQLite: the wall of fame's setting and the nudge configs, as last changed ----------------------------


def wall_settings_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(WALL):
        return WallSetting.objects.none()
    rows = WallSetting.objects.select_related("changed_by").order_by("-changed_at", "-pk")
    return narrowed(
        rows,
        filters,
        text=Q(attention_metric__icontains=filters.search),
        id_field="pk",
        person="changed_by",
        at="changed_at",
    )


def wall_setting_entries(rows: list[WallSetting]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.changed_at,
            who=email_of(row.changed_by),
            object_type="Wall of fame setting",
            object_id=str(row.pk),
            object_label="wall of fame",
            action="changed",
            changes=[
                Change("needs_attention", "", "yes" if row.needs_attention else "no"),
                Change("attention_metric", "", row.attention_metric),
            ],
            note=LATEST_ONLY,
        )
        for row in rows
    ]


def nudge_configs_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(CONFIG):
        return NudgeConfig.objects.none()
    rows = NudgeConfig.objects.select_related("changed_by").order_by("-changed_at", "-pk")
    text = Q(code__icontains=filters.search) | Q(metric__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="changed_by", at="changed_at")


def nudge_config_entries(rows: list[NudgeConfig]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.changed_at,
            who=email_of(row.changed_by),
            object_type="Nudge config",
            object_id=str(row.pk),
            object_label=row.code,
            action="saved",
            changes=[
                Change("metric", "", row.metric),
                Change("geo", "", row.geo),
                Change("enabled", "", "yes" if row.enabled else "no"),
                Change("subject", "", row.subject),
                Change("task_title", "", row.task_title),
            ],
            note=LATEST_ONLY,
        )
        for row in rows
    ]


# --- Nudges: given and e-mailed (SQLite), months decided (both databases) ---------------------------------


def _nudges(filters: AuditFilters) -> tuple[models.QuerySet, Q]:
    rows = Nudge.objects.select_related("config", "employee")
    text = Q(config__code__icontains=filters.search) | Q(employee__email__icontains=filters.search)
    return rows, text


def nudges_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(NUDGE):
        return Nudge.objects.none()
    rows, text = _nudges(filters)
    rows = rows.order_by("-created_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="employee", at="created_at")


def _nudge_label(row: Nudge) -> str:
    return f"{row.config.code} · {row.employee.email} · {row.month:%Y-%m}"


def nudge_entries(rows: list[Nudge]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=NUDGE_RUN,
            object_type="Nudge",
            object_id=str(row.pk),
            object_label=_nudge_label(row),
            action="nudged",
            changes=[
                Change("value", "", _number(row.value)),
                Change("rank", "", f"{row.rank} of {row.of}"),
                Change("task", "", row.task),
            ],
        )
        for row in rows
    ]


def nudges_emailed_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(NUDGE):
        return Nudge.objects.none()
    rows, text = _nudges(filters)
    rows = rows.filter(emailed_at__isnull=False).order_by("-emailed_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="employee", at="emailed_at")


def nudge_emailed_entries(rows: list[Nudge]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.emailed_at,
            who=NUDGE_RUN,
            object_type="Nudge",
            object_id=str(row.pk),
            object_label=_nudge_label(row),
            action="e-mailed",
            changes=[Change("e-mailed to", "", row.employee.email)],
        )
        for row in rows
    ]


def nudge_months_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(NUDGE) or filters.person:  # the schedule decides a month: nobody to match
        return NudgeMonth.objects.none()
    rows = NudgeMonth.objects.select_related("config").order_by("-decided_at", "-pk")
    return narrowed(
        rows,
        filters,
        text=Q(config__code__icontains=filters.search) | Q(config__metric__icontains=filters.search),
        id_field="pk",
        person="",
        at="decided_at",
    )


def nudge_month_entries(rows: list[NudgeMonth]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.decided_at,
            who=NUDGE_RUN,
            object_type="Nudge month",
            object_id=str(row.pk),
            object_label=f"{row.config.code} · {row.month:%Y-%m}",
            action="month decided",
            changes=[
                Change("with_value", "", str(row.with_value)),
                Change("without_value", "", str(row.without_value)),
                Change("nudged", "", str(row.nudged)),
            ],
        )
        for row in rows
    ]
