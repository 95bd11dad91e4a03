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
from .portfolio.plays import effect_in_words, play_effect, validate_recovery_days, validate_tasks
from .portfolio.segment_loading import refuse_rule_change
from .portfolio.segment_rules import MAX_DAYS, SegmentParamsError, validate_params
from .portfolio.segment_selectors import last_evaluated_day


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ("code", "name", "description", "rule", "params", "active")
        help_texts = {
            "params": 'The rule\'s params as JSON, e.g. {"threshold": "0.6"} (docs/segments.md); {} for the '
            "defaults. Once the segment has been evaluated its rule and params cannot change: create a "
            "segment with a new code and deactivate this one.",
            "rule": "Fixed once the segment has been evaluated (docs/segments.md).",
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
            try:
                refuse_rule_change(self.instance, rule, data.get("params"))
            except AttainError as exc:
                self.add_error(None, str(exc))
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
            "(docs/segments.md). A task appears the day after the evaluated day (the daily job runs then) "
            "and is due due_days after it appears: 0 is due the day it appears.",
            "recovery_days": f"N, 1 to {MAX_DAYS:,}: a customer that leaves the segment at most N days "
            "after entering counts as recovered in the play's effect.",
        }

    def clean_recovery_days(self):
        try:
            return validate_recovery_days(self.cleaned_data.get("recovery_days"))
        except AttainError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_tasks(self):
        try:
            return validate_tasks(self.cleaned_data.get("tasks"))
        except AttainError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    form = PlayForm
    list_display = ("code", "name", "segment", "notify_ae", "recovery_days", "active", "effect")
    list_filter = ("active", "notify_ae")
    list_select_related = ("segment",)
    search_fields = ("code", "name", "segment__code")

    def changelist_view(self, request, extra_context=None):
        self._last_day = last_evaluated_day()
        return super().changelist_view(request, extra_context)

    @admin.display(description="Effect (as of the last evaluated day)")
    def effect(self, obj) -> str:
        """recovered of measured and the share (docs/design.md §10.6), as of the last evaluated day."""
        day = getattr(self, "_last_day", None) or last_evaluated_day()
        if day is None:
            return "not evaluated yet"
        return effect_in_words(play_effect(obj, day))


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
