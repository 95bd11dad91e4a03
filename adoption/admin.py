"""Admin for target snapshots and their lines.

An approved snapshot and its target lines are shown read-only: no change, no delete, no new line
(DESIGN §3 "Target snapshots"); the models and the database refuse it too. Customers, ownership, ARR
and scores are administered in ``commissions.admin_adoption``, beside the rule that a closed quarter's
inputs cannot move, which needs the quarters of commissions.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts import access
from core.errors import AttainError

from .models import Scorecard, ScorecardVersion, ScoreFeedWarning, Snapshot, TargetLine
from .scorecards.loading import load_scorecard
from .services import approve_snapshot


class TargetLineInline(admin.TabularInline):
    model = TargetLine
    fields = ("customer", "period", "baseline_score", "target_score")
    autocomplete_fields = ("customer",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer")

    # ``obj`` is the snapshot: lines of an approved one are frozen.
    def has_add_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_delete_permission(request, obj)


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "fiscal_year",
        "status",
        "revision",
        "line_count",
        "approved_by",
        "approved_at",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("fiscal_year",)
    ordering = ("-fiscal_year",)
    list_select_related = ("approved_by",)
    # Approval happens only through the service (the action below, the review page or
    # ``approve_snapshot``); the revision moves only with targets imports (adoption/revisions.py).
    readonly_fields = ("status", "revision", "approved_by", "approved_at", "approval_comment", "created_at")
    inlines = [TargetLineInline]
    actions = ["approve_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    @admin.display(description="target lines", ordering="line_total")
    def line_count(self, snapshot: Snapshot) -> int:
        return snapshot.line_total

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return ("fiscal_year", *self.readonly_fields)
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_frozen) and super().has_delete_permission(request, obj)

    @admin.action(description="Approve selected snapshots", permissions=["view"])
    def approve_selected(self, request, queryset):
        # The service decides who may approve (a cco) and what (a non-empty draft).
        for snapshot in queryset.order_by("fiscal_year"):
            try:
                approved = approve_snapshot(fiscal_year=snapshot.fiscal_year, user=request.user)
            except AttainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            lines = approved.lines.count()
            noun = "target line" if lines == 1 else "target lines"
            message = f"Approved the {approved.fiscal_year} target snapshot ({lines} {noun})."
            self.message_user(request, message, messages.SUCCESS)


@admin.register(TargetLine)
class TargetLineAdmin(admin.ModelAdmin):
    list_display = ("customer", "snapshot", "period", "baseline_score", "target_score")
    list_filter = ("snapshot__fiscal_year", "snapshot__status", "period")
    search_fields = ("customer__customer_id", "customer__name", "period")
    ordering = ("snapshot__fiscal_year", "customer__customer_id", "period")
    list_select_related = ("customer", "snapshot")
    autocomplete_fields = ("customer",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "snapshot":
            # Only a draft snapshot takes new or moved lines.
            kwargs["queryset"] = Snapshot.objects.filter(status=Snapshot.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.snapshot.is_frozen:
            return ("snapshot", "customer", "period", "baseline_score", "target_score")
        return ()

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.snapshot.is_frozen) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.snapshot.is_frozen) and super().has_delete_permission(
            request, obj
        )


class ScorecardVersionInline(admin.TabularInline):
    """A scorecard's versions, read-only: a published version never changes (docs/design.md §9.1)."""

    model = ScorecardVersion
    fields = ("version", "effective_from", "segments", "loaded_by", "loaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LoadScorecardForm(forms.Form):
    source = forms.CharField(
        label="Scorecard YAML",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
        help_text=(
            "A new version: code, name, version, effective_from, segments and criteria (docs/scorecards.md)."
        ),
    )


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    """Scorecards and their versions, read-only; ops loads a new version with the form of the
    "Load a version" link, which calls ``load_scorecard`` (the same rules as the command)."""

    list_display = ("code", "name", "active", "version_count")
    search_fields = ("code", "name")
    inlines = [ScorecardVersionInline]
    readonly_fields = ("code", "name", "active")
    change_list_template = "admin/adoption/scorecard/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(version_total=Count("versions"))

    @admin.display(description="versions", ordering="version_total")
    def version_count(self, scorecard: Scorecard) -> int:
        return scorecard.version_total

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        load = path("load/", self.admin_site.admin_view(self.load_view), name="adoption_scorecard_load")
        return [load, *super().get_urls()]

    def load_view(self, request):
        form = LoadScorecardForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                loaded = load_scorecard(form.cleaned_data["source"], user=request.user)
            except AttainError as exc:
                form.add_error("source", str(exc))
            else:
                version = loaded.version
                if loaded.created:
                    message = f"Loaded {version.label}, effective from {version.effective_from}."
                else:
                    message = f"{version.label} is loaded already with this content: nothing changed."
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:adoption_scorecard_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Load a scorecard version",
            "may_load": bool(access.may_manage_scorecards(request.user)),
        }
        return TemplateResponse(request, "admin/adoption/scorecard/load.html", context)


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(admin.ModelAdmin):
    list_display = ("scorecard", "version", "effective_from", "loaded_by", "loaded_at")
    list_filter = ("scorecard",)
    list_select_related = ("scorecard", "loaded_by")
    readonly_fields = (
        "scorecard",
        "version",
        "effective_from",
        "segments",
        "definition",
        "source",
        "loaded_by",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoreFeedWarning)
class ScoreFeedWarningAdmin(admin.ModelAdmin):
    """What the daily scorecard job did not do silently: closed-quarter days and score conflicts."""

    list_display = ("day", "kind", "scorecard", "customer", "imported_score", "scorecard_score")
    list_filter = ("kind", "fiscal_year", "scorecard")
    list_select_related = ("scorecard", "customer")
    search_fields = ("customer__customer_id", "message")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from . import admin_portfolio  # noqa: E402, F401 - segments, plays and tasks (docs/design.md §10.5, §10.6)
