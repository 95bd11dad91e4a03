"""Admin of segments, plays and the plays' tasks (docs/design.md §10.5, §10.6).

A segment's ``params`` and a play's ``tasks`` are checked by the same functions as ``load_segments``
(``segment_rules.validate_params``, ``plays.validate_tasks``): a wrong param is refused naming it. Tasks
are read here; they are completed on the tasks page, by the service that checks who may.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from core.errors import AttainError

from .models import Play, PlayTask, Segment
from .portfolio.plays import validate_tasks
from .portfolio.segment_rules import SegmentParamsError, validate_params


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ("code", "name", "description", "rule", "params", "active")
        help_texts = {
            "params": 'The rule\'s params as JSON, e.g. {"threshold": "0.6"} (docs/design.md §10.5); '
            "{} for the defaults."
        }

    def clean(self):
        data = super().clean()
        rule = data.get("rule")
        if rule:
            try:
                validate_params(rule, data.get("params"))
            except SegmentParamsError as exc:
                self.add_error("params", str(exc))
        return data


class PlayInline(admin.TabularInline):
    model = Play
    fields = ("code", "name", "notify_ae", "recovery_days", "active")
    show_change_link = True
    extra = 0
    can_delete = False


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    form = SegmentForm
    list_display = ("code", "name", "rule", "active", "open_members")
    list_filter = ("rule", "active")
    search_fields = ("code", "name")
    inlines = [PlayInline]

    def get_queryset(self, request):
        open_members = Count("memberships", filter=Q(memberships__left_on__isnull=True))
        return super().get_queryset(request).annotate(open_members=open_members)

    @admin.display(description="Members now", ordering="open_members")
    def open_members(self, obj) -> int:
        return obj.open_members

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class PlayForm(forms.ModelForm):
    class Meta:
        model = Play
        fields = ("segment", "code", "name", "tasks", "notify_ae", "recovery_days", "active")
        help_texts = {
            "tasks": 'A list of tasks as JSON: [{"title": "Call the sponsor", "due_days": 3}] '
            "(docs/design.md §10.6)."
        }

    def clean_tasks(self):
        try:
            return validate_tasks(self.cleaned_data.get("tasks"))
        except AttainError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    form = PlayForm
    list_display = ("code", "name", "segment", "notify_ae", "recovery_days", "active")
    list_filter = ("active", "notify_ae")
    list_select_related = ("segment",)
    search_fields = ("code", "name", "segment__code")


@admin.register(PlayTask)
class PlayTaskAdmin(admin.ModelAdmin):
    list_display = ("title", "customer", "assignee", "play", "created_on", "due_on", "status", "completed_at")
    list_filter = ("status", "play")
    list_select_related = ("customer", "assignee", "play")
    search_fields = ("title", "customer__customer_id", "customer__name", "assignee__email")
    readonly_fields = [field.name for field in PlayTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
