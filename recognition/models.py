"""Contests, their winners, the wall of fame's setting and the bottom-5% nudges (docs/design.md §11.5).

Every row is tracked by pghistory (the audit trail, on PostgreSQL); the services record who did what.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 18, "decimal_places": 2}
POINTS = {"max_digits": 12, "decimal_places": 2}
VALUE = {"max_digits": 30, "decimal_places": 10}

_TRACKED = {
    "obj_field": pghistory.ObjForeignKey(related_name="audit_events"),
    "append_only": True,
}


def _track(name: str):
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name=name, **_TRACKED
    )


@_track("ContestHistory")
class Contest(models.Model):
    """A contest over ``start``–``end`` (docs/design.md §11.5): every participant starts at
    ``starting_score``; events add or remove points; at the end the highest score wins.

    Participants: all active CSMs, the CSMs of ``geo``, or the named ``people``. ``prize`` (money in
    ``currency``, optional) is shared equally by tied winners (``tie_break`` "share", RULES "Contests").
    Status: draft → active → finished; a finished contest is frozen.
    """

    class Participants(models.TextChoices):
        ALL = "all", "All CSMs"
        GEO = "geo", "The CSMs of a geo"
        LIST = "list", "Named people"

    class TieBreak(models.TextChoices):
        SHARE = "share", "Tied winners share the prize equally"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start = models.DateField()
    end = models.DateField()
    participants = models.CharField(max_length=4, choices=Participants.choices, default=Participants.ALL)
    geo = models.CharField(max_length=16, blank=True)
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    starting_score = models.DecimalField(default=100, **POINTS)
    prize = models.DecimalField(null=True, blank=True, **MONEY)
    currency = models.CharField(max_length=3, blank=True)
    tie_break = models.CharField(max_length=8, choices=TieBreak.choices, default=TieBreak.SHARE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-end", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="contest_end_after_start"),
            models.CheckConstraint(
                condition=Q(participants="geo") & ~Q(geo="") | ~Q(participants="geo") & Q(geo=""),
                name="contest_geo_when_by_geo",
            ),
            models.CheckConstraint(
                condition=Q(prize__isnull=True, currency="") | Q(prize__gt=0) & ~Q(currency=""),
                name="contest_prize_with_currency",
            ),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(finished_at__isnull=False), name="contest_finished_at"
            ),
        ]

    def __str__(self) -> str:
        return f"contest {self.code}"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED


@_track("ContestEventHistory")
class ContestEvent(models.Model):
    """Points a participant gains (+) or loses (−) on a day of the contest, with the reason: entered by
    ops, or generated from a person metric (``source_metric`` set: value × points per unit, once per person,
    day and metric)."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="events")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    points = models.DecimalField(**POINTS)
    reason = models.CharField(max_length=200)
    source_metric = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest_id", "day", "employee_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "employee", "day", "source_metric"],
                condition=~Q(source_metric=""),
                name="contestevent_one_per_metric_day",
            ),
            models.CheckConstraint(condition=~Q(points=0), name="contestevent_points_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="contestevent_reason"),
        ]

    def __str__(self) -> str:
        # Named as the pages name them (the contest's code, the person's e-mail), never by database ids.
        return f"{self.contest.code}: {self.points:+} to {self.employee.email} on {self.day}"


@_track("ContestWinnerHistory")
class ContestWinner(models.Model):
    """A winner recorded when the contest finished (rank 1), with the final score and their share of the
    prize (money in the contest's currency; None without a prize)."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="winners")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(**POINTS)
    prize_share = models.DecimalField(null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["contest_id", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "employee"], name="contestwinner_once"),
            models.CheckConstraint(
                condition=Q(prize_share__isnull=True) | Q(prize_share__gte=0), name="contestwinner_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest.code}: {self.employee.email} ({self.score})"


@_track("WallSettingHistory")
class WallSetting(models.Model):
    """The wall of fame's one setting row (pk 1): the "needs attention" list (bottom performers of
    ``attention_metric``), off by default, switched on by the CCO (docs/design.md §11.5)."""

    needs_attention = models.BooleanField(default=False)
    attention_metric = models.CharField(max_length=64, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="wallsetting_single_row"),
            models.CheckConstraint(
                condition=Q(needs_attention=False) | ~Q(attention_metric=""), name="wallsetting_metric"
            ),
        ]

    def __str__(self) -> str:
        return f"wall of fame (needs attention {'on' if self.needs_attention else 'off'})"


@_track("NudgeConfigHistory")
class NudgeConfig(models.Model):
    """A monthly nudge of the bottom 5% of ``metric`` among the active CSMs (of ``geo``, when set): the
    e-mail text and the task the CCO writes, and whether it is on (docs/design.md §11.5, RULES
    "Bottom 5%"). The lowest values are the bottom."""

    code = models.SlugField(max_length=40, unique=True)
    metric = models.CharField(max_length=64)
    geo = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField(
        help_text="The e-mail's text; $name, $metric, $value, $month and $task are filled in."
    )
    task_title = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(metric=""), name="nudgeconfig_metric"),
            models.CheckConstraint(condition=~Q(message=""), name="nudgeconfig_message"),
            models.CheckConstraint(condition=~Q(task_title=""), name="nudgeconfig_task"),
        ]

    def __str__(self) -> str:
        return f"nudge {self.code} ({self.metric})"


@_track("NudgeHistory")
class Nudge(models.Model):
    """One person nudged for one month by one config: their ``value`` of the metric, their ``rank`` from
    the bottom (1 = lowest; standard competition ranking), ``of`` the people with a value, the task given
    (its title, shown on their /recognition/ page) and when the e-mail went out. Once per person, config
    and month (``month``: its first day)."""

    config = models.ForeignKey(NudgeConfig, on_delete=models.PROTECT, related_name="nudges")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    value = models.DecimalField(**VALUE)
    rank = models.PositiveIntegerField()
    of = models.PositiveIntegerField()
    task = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "config_id", "rank", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["config", "employee", "month"], name="nudge_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="nudge_month_first_day"),
            models.CheckConstraint(condition=Q(rank__gte=1, of__gte=F("rank")), name="nudge_rank_in_of"),
        ]

    def __str__(self) -> str:
        return f"{self.config.code} {self.month:%Y-%m} {self.employee.email} (rank {self.rank} of {self.of})"


class NudgeMonth(models.Model):
    """A config's month decided once (docs/design.md §11.5): the first run that found values picked the
    bottom 5% and wrote this row with the counts; a rerun of the month sends nothing."""

    config = models.ForeignKey(NudgeConfig, on_delete=models.PROTECT, related_name="months")
    month = models.DateField()
    with_value = models.PositiveIntegerField()
    without_value = models.PositiveIntegerField()
    nudged = models.PositiveIntegerField()
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "config_id"]
        constraints = [
            models.UniqueConstraint(fields=["config", "month"], name="nudgemonth_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="nudgemonth_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.config.code} {self.month:%Y-%m}: {self.nudged} of {self.with_value}"
