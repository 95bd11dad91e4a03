"""Contests, the wall of fame and the nudges in the admin: a read-only record (docs/design.md §11.5).

Contests are drafted, started, scored and finished, the wall's setting and the nudge configs are changed
(the CCO only) and nudges are sent through the services, which check the rights (``accounts.access``),
the closed quarters and the once-a-month rule, and record who did what. The pages under /recognition/ take
those steps; the admin only shows what was done, so nothing bypasses them. The history of every row is on
/audit/.
"""

from django.contrib import admin

from commissions.admin_quarters import ReadOnlyAdmin, ReadOnlyInline

from .models import Contest, ContestEvent, ContestWinner, Nudge, NudgeConfig, NudgeMonth, WallSetting


class ContestWinnerInline(ReadOnlyInline):
    model = ContestWinner
    fields = ("employee", "score", "prize_share")
    readonly_fields = fields


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "status",
        "start",
        "end",
        "participants",
        "starting_score",
        "prize",
        "currency",
    )
    list_filter = ("status", "participants")
    search_fields = ("code", "name")
    inlines = [ContestWinnerInline]


@admin.register(ContestEvent)
class ContestEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "contest", "employee", "day", "points", "reason", "source_metric", "entered_by")
    list_filter = ("contest__code", "source_metric")
    search_fields = ("contest__code", "employee__email", "employee__employee_id", "reason")
    list_select_related = ("contest", "employee", "entered_by")


@admin.register(ContestWinner)
class ContestWinnerAdmin(ReadOnlyAdmin):
    list_display = ("id", "contest", "employee", "score", "prize_share")
    search_fields = ("contest__code", "employee__email")
    list_select_related = ("contest", "employee")


@admin.register(WallSetting)
class WallSettingAdmin(ReadOnlyAdmin):
    list_display = ("id", "needs_attention", "attention_metric", "changed_by", "changed_at")
    list_select_related = ("changed_by",)


@admin.register(NudgeConfig)
class NudgeConfigAdmin(ReadOnlyAdmin):
    list_display = ("code", "metric", "geo", "enabled", "task_title", "changed_by", "changed_at")
    list_filter = ("enabled", "geo")
    search_fields = ("code", "metric", "subject")
    list_select_related = ("changed_by",)


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ("id", "config", "employee", "month", "value", "rank", "of", "task", "emailed_at")
    list_filter = ("config__code", "month")
    search_fields = ("config__code", "employee__email", "employee__employee_id")
    list_select_related = ("config", "employee")


@admin.register(NudgeMonth)
class NudgeMonthAdmin(ReadOnlyAdmin):
    list_display = ("config", "month", "with_value", "without_value", "nudged", "decided_at")
    list_filter = ("config__code",)
    list_select_related = ("config",)
