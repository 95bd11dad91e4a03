"""Admin of a quarter's life: periods, pulls, runs with their warnings and results, and the
difference between two runs. All of it is a record of what happened: read-only here; changes go
through the services (pull, calculate, close) so every rule and lock applies."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from core.errors import AttainError

from .models import (
    ComponentResult,
    CustomerResult,
    Payout,
    Period,
    PeriodEvent,
    QuarterEndJob,
    Run,
    RunShard,
    ScorePull,
)
from .services import quarter_end
from .services.runs import payout_changes


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PeriodEventInline(ReadOnlyInline):
    model = PeriodEvent
    fields = ("at", "action", "user", "reason", "final_runs")
    readonly_fields = fields


@admin.action(description="Run the quarter-end job (pull and calculate every plan)")
def run_quarter_end_job(modeladmin, request, queryset):
    for period in queryset:
        try:
            queued = quarter_end.enqueue(period.code)
        except AttainError as exc:
            modeladmin.message_user(request, f"{period.code}: {exc}", messages.ERROR)
            continue
        text = "queued" if queued else "already completed; nothing to do"
        modeladmin.message_user(request, f"Quarter-end job of {period.code}: {text}.")


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("code", "start", "end", "status", "closed_at", "closed_by")
    list_filter = ("status",)
    search_fields = ("code",)
    list_select_related = ("closed_by",)
    inlines = [PeriodEventInline]
    actions = [run_quarter_end_job]


@admin.register(ScorePull)
class ScorePullAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "pulled_at", "customers", "trigger", "started_by")
    list_filter = ("period__code", "trigger")
    list_select_related = ("period", "started_by")


class PayoutInline(ReadOnlyInline):
    model = Payout
    fields = ("employee", "on_target_amount", "amount", "currency")
    readonly_fields = fields


class ComponentResultInline(ReadOnlyInline):
    model = ComponentResult
    fields = ("employee", "component", "applies", "metric_value", "attainment", "factor", "share", "payout")
    readonly_fields = fields


class RunShardInline(ReadOnlyInline):
    model = RunShard
    fields = ("index", "status", "attempts", "worker", "csm_count", "timings", "finished_at")
    readonly_fields = fields

    @admin.display(description="CSMs")
    def csm_count(self, shard: RunShard) -> int:
        return len(shard.employees)


def _changes_table(before: Run | None, after: Run):
    rows = [
        (eid, b if b is not None else "—", a if a is not None else "—", f"{(a or 0) - (b or 0):+.2f}")
        for eid, b, a in payout_changes(before, after)
    ]
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        "<table><tr><th>CSM</th><th>before</th><th>after</th><th>change</th></tr>{}</table>", body
    )


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "plan",
        "period",
        "version",
        "status",
        "progress",
        "trigger",
        "started_by",
        "warning_count",
        "is_final",
        "created_at",
    )
    list_filter = ("status", "is_final", "trigger", "period__code", "plan__code")
    search_fields = ("plan__code", "period__code", "fingerprint")
    list_select_related = ("plan", "period", "started_by")
    readonly_fields = (
        "plan",
        "period",
        "version",
        "status",
        "progress",
        "trigger",
        "started_by",
        "pull",
        "fingerprint",
        "is_final",
        "shard_count",
        "created_at",
        "finished_at",
        "timings",
        "error",
        "warnings_list",
        "difference_from_previous",
    )
    fields = readonly_fields
    inlines = [RunShardInline, PayoutInline, ComponentResultInline]
    actions = ["compare_runs"]

    @admin.display(description="warnings")
    def warning_count(self, run: Run) -> int:
        return len(run.warnings)

    @admin.display(description="warnings")
    def warnings_list(self, run: Run):
        if not run.warnings:
            return "none"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w["message"],) for w in run.warnings))
        )

    @admin.display(description="payout changes against the previous successful run")
    def difference_from_previous(self, run: Run):
        previous = (
            Run.objects.filter(
                plan=run.plan_id, period=run.period_id, status=Run.Status.SUCCEEDED, version__lt=run.version
            )
            .order_by("-version")
            .first()
        )
        if previous is None:
            return "no previous successful run"
        return format_html("against v{}: {}", previous.version, _changes_table(previous, run))

    @admin.action(description="Compare the two selected runs")
    def compare_runs(self, request, queryset):
        runs = list(queryset.select_related("plan", "period").order_by("created_at"))
        if len(runs) != 2:
            self.message_user(request, "Select exactly two runs to compare.", messages.WARNING)
            return None
        before, after = runs
        lines = {}
        for run, side in ((before, 0), (after, 1)):
            for line in ComponentResult.objects.filter(run=run).select_related("employee"):
                key = (line.employee.employee_id, line.component)
                lines.setdefault(key, [None, None])[side] = line.payout
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare {before} with {after}",
            "before": before,
            "after": after,
            "payouts": _changes_table(before, after),
            "lines": [(eid, comp, b, a) for (eid, comp), (b, a) in sorted(lines.items()) if b != a],
        }
        return TemplateResponse(request, "admin/commissions/run/compare.html", context)


@admin.register(CustomerResult)
class CustomerResultAdmin(ReadOnlyAdmin):
    list_display = ("run", "employee", "customer", "baseline", "target", "score", "r", "counted", "reason")
    list_filter = ("counted", "run__period__code", "run__plan__code")
    search_fields = ("customer__customer_id", "customer__name", "employee__employee_id", "employee__email")
    list_select_related = ("run__plan", "run__period", "employee", "customer")


@admin.register(ComponentResult)
class ComponentResultAdmin(ReadOnlyAdmin):
    list_display = (
        "run",
        "employee",
        "component",
        "applies",
        "metric_value",
        "attainment",
        "factor",
        "share",
        "payout",
    )
    list_filter = ("component", "applies", "run__period__code", "run__plan__code")
    search_fields = ("employee__employee_id", "employee__email")
    list_select_related = ("run__plan", "run__period", "employee")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("run", "employee", "on_target_amount", "amount", "currency")
    list_filter = ("currency", "run__period__code", "run__plan__code", "run__is_final")
    search_fields = ("employee__employee_id", "employee__email")
    list_select_related = ("run__plan", "run__period", "employee")


@admin.register(QuarterEndJob)
class QuarterEndJobAdmin(ReadOnlyAdmin):
    list_display = ("period", "status", "attempts", "queued_at", "started_at", "finished_at", "error")
    list_filter = ("status",)
    list_select_related = ("period",)
