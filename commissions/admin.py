"""Admin for plans and components, assignments, deals, KPI actuals, FX rates and the import log.

A plan is edited here until its fiscal year has a closed period (DESIGN §3 "Plans"); component forms
apply the same rules as ``load_plan``. Import records are a log: read-only. Assignments, deals, KPI
values and FX rates a closed quarter read are refused as the import refuses them (``admin_closed``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from core.currencies import is_currency

from .admin_closed import ClosedQuarterAdminMixin
from .engine.types import DEAL_TYPES
from .loaders import plan_spec
from .models import Assignment, Component, Deal, FxRate, ImportRecord, KpiActual, Plan
from .services.plans import DEFAULT_NRR_FLOOR, change_notice, component_errors, crediting, plan_is_locked
from .services.plans.validate import COMPONENT_KEYS, canonical_credit
from .services.plans.write import closed_quarters_of, locked_message


def _currency(value: str) -> str:
    code = (value or "").strip().upper()
    if not is_currency(code):
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code such as USD or EUR.")
    return code


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = (
            "code",
            "name",
            "fiscal_year",
            "currency",
            "credit_date",
            "new_customer_window_days",
            "clawback_days",
            "negative_balance",
            "adoption_formula",
            "adoption_weighting",
            "customer_cap",
        )
        help_texts = {
            "credit_date": "The date that credits every deal type not named in credit date by type below; "
            "the types named there keep their own date.",
            "clawback_days": "Churn or contraction within this many days after an expansion was credited "
            "recovers that credit. Empty: no clawback.",
            "negative_balance": "What happens to a CSM's negative quarter total.",
        }

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data.get("currency"))

    def clean_clawback_days(self) -> int | None:
        days = self.cleaned_data.get("clawback_days")
        if days is not None and days < 1:  # as load_plan: a whole number of days, 1 or more
            raise ValidationError(
                f"clawback_days ({days}) must be 1 or more; leave it empty for no clawback."
            )
        return days

    def clean(self):
        """A new ``credit_date`` that closed quarters of other plans dated deals by is refused, as
        ``load_plan`` refuses it (``crediting``, DESIGN §3 "Plans")."""
        cleaned = super().clean()
        new = cleaned.get("credit_date")
        if self.instance.pk is None or "credit_date" not in self.changed_data or not new:
            return cleaned
        stored = Plan.objects.get(pk=self.instance.pk)
        credit_date, by_type = canonical_credit(new, stored.credit_date_by_type)

        def write() -> None:
            Plan.objects.filter(pk=stored.pk).update(credit_date=credit_date, credit_date_by_type=by_type)

        message = crediting.refusal_of(stored, write)
        if message:
            raise ValidationError(message)
        return cleaned

    def save(self, commit: bool = True) -> Plan:
        """The plan with its crediting in the one stored form (``canonical_credit``, DESIGN §3 "Plans"):
        ``credit_date_by_type``, which this form does not edit, keeps each type's own date, without the
        entries a new ``credit_date`` makes equal to the default."""
        plan = super().save(commit=False)
        plan.credit_date, plan.credit_date_by_type = canonical_credit(
            plan.credit_date, plan.credit_date_by_type
        )
        if commit:
            plan.save()
            self._save_m2m()
        return plan


class ComponentForm(forms.ModelForm):
    """A component as ``load_plan`` would accept it (goal > floor on NRR, kpi code only on KPIs, …)."""

    class Meta:
        model = Component
        fields = ("plan", "position", *COMPONENT_KEYS)  # the plan file's keys, in its order

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out, as in a plan file, they take load_plan's defaults (DESIGN §3 "Plans").
        for name in ("source", "direction"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if self.errors:  # a field already failed; its own message says why
            return cleaned
        cleaned["source"] = cleaned.get("source") or Component.Source.IMPORTED
        cleaned["direction"] = cleaned.get("direction") or Component.Direction.HIGHER
        problems = component_errors(cleaned)
        if problems:
            raise ValidationError(problems)
        if cleaned.get("metric") == Component.Metric.NRR and cleaned.get("floor") is None:
            cleaned["floor"] = DEFAULT_NRR_FLOOR
        if cleaned.get("source") == Component.Source.COMPUTED and not cleaned.get("measure"):
            cleaned["measure"] = Component.Measure.QUARTER_END  # load_plan's default (DESIGN §3)
        return cleaned


class PlanLockMixin:
    """No change or delete once a quarter the plan was calculated in is closed (``plan_is_locked``)."""

    def _plan_of(self, obj):
        return obj if isinstance(obj, Plan) else getattr(obj, "plan", None)

    def _locked(self, obj) -> bool:
        plan = self._plan_of(obj)
        return plan is not None and plan.pk is not None and plan_is_locked(plan)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class PlanChangeNoticeMixin:
    """After a plan or one of its components is changed here, the notice ``load_plan`` gives: the open
    quarters whose runs read the old plan, and what to calculate again (``change_notice``). The plan as
    runs read it is kept on the request before the save."""

    def _remember(self, request, plan) -> None:
        if plan is not None and plan.pk is not None:
            request._plan_before = (plan.pk, plan_spec(Plan.objects.get(pk=plan.pk)))

    def _notify(self, request) -> None:
        remembered = getattr(request, "_plan_before", None)
        if remembered is None:
            return
        pk, before = remembered
        notice = change_notice(Plan.objects.get(pk=pk), before)
        if notice:
            self.message_user(request, notice, messages.WARNING)


class ComponentInline(PlanLockMixin, admin.TabularInline):
    model = Component
    form = ComponentForm
    fields = ("position", *COMPONENT_KEYS)  # a plan file's component keys, in its order
    ordering = ("position",)
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)


@admin.register(Plan)
class PlanAdmin(PlanChangeNoticeMixin, PlanLockMixin, admin.ModelAdmin):
    form = PlanForm
    list_display = ("code", "name", "fiscal_year", "currency", "credit_date", "component_count", "updated_at")
    list_filter = ("fiscal_year", "currency", "credit_date")
    search_fields = ("code", "name")
    ordering = ("-fiscal_year", "code")
    # The rules per deal type are written by load_plan only, which checks them (issue 20).
    readonly_fields = ("credit_date_by_type", "source", "updated_at")
    inlines = [ComponentInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "fiscal_year", "currency")}),
        ("Crediting", {"fields": ("credit_date", "credit_date_by_type", "new_customer_window_days")}),
        ("Adoption", {"fields": ("adoption_formula", "adoption_weighting", "customer_cap")}),
        ("Prior periods", {"fields": ("clawback_days", "negative_balance")}),
        ("Loaded from", {"fields": ("source", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(component_total=Count("components"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A locked plan opens read-only, saying why and the ways on (as ``load_plan`` refuses it)."""
        plan = Plan.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        quarters = closed_quarters_of(plan) if plan is not None and request.method == "GET" else []
        if quarters:
            self.message_user(request, locked_message(plan, quarters), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            self._remember(request, obj)
        super().save_model(request, obj, form, change)
        if not change:
            return
        _pk, before = request._plan_before  # the plan as runs read it before the save (``_remember``)
        moved = crediting.moved_types(before, plan_spec(obj))
        # Types named apart whose date a new credit_date made the default (``PlanForm.save``).
        named_apart = dict(before.credit_date_by_type)
        dropped = [t for t in DEAL_TYPES if t in named_apart and t not in (obj.credit_date_by_type or {})]
        if moved or dropped:
            said = f"Now credited by another date: {moved}. " if moved else ""
            if dropped:
                said += (
                    f"{' and '.join(dropped)} deals keep their date, now the plan's credit_date: the plan no "
                    "longer names them apart. To name types apart again, load the plan file."
                )
            self.message_user(request, said.strip(), messages.WARNING)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the components are saved here
        self._notify(request)

    @admin.display(description="components", ordering="component_total")
    def component_count(self, plan: Plan) -> int:
        return plan.component_total


@admin.register(Component)
class ComponentAdmin(PlanChangeNoticeMixin, PlanLockMixin, admin.ModelAdmin):
    form = ComponentForm
    list_display = (
        "code",
        "plan",
        "metric",
        "kpi",
        "source",
        "direction",
        "weight",
        "goal",
        "ceiling",
        "floor",
        "threshold",
        "accelerator",
        "cap",
    )
    list_filter = ("metric", "source", "plan__fiscal_year", "plan")
    search_fields = ("code", "kpi", "plan__code", "plan__name")
    ordering = ("plan__code", "position")
    list_select_related = ("plan",)
    autocomplete_fields = ("plan",)

    def save_model(self, request, obj, form, change):
        self._remember(request, obj.plan)
        super().save_model(request, obj, form, change)
        self._notify(request)

    def delete_model(self, request, obj):
        self._remember(request, obj.plan)
        super().delete_model(request, obj)
        self._notify(request)


@admin.register(Assignment)
class AssignmentAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("employee", "plan", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal")
    list_filter = ("plan__fiscal_year", "plan")
    search_fields = ("employee__email", "employee__name", "employee__employee_id", "plan__code")
    ordering = ("employee__email", "plan__code", "start_date")
    list_select_related = ("employee", "plan")
    autocomplete_fields = ("employee", "plan")
    date_hierarchy = "start_date"


class DealForm(forms.ModelForm):
    class Meta:
        model = Deal
        fields = ("deal_id", "customer", "type", "arr_delta", "currency", "booked_on", "effective_on")

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data.get("currency"))


@admin.register(Deal)
class DealAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    form = DealForm
    list_display = ("deal_id", "customer", "type", "arr_delta", "currency", "booked_on", "effective_on")
    list_filter = ("type", "currency")
    search_fields = ("deal_id", "customer__customer_id", "customer__name")
    ordering = ("-booked_on", "deal_id")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    date_hierarchy = "booked_on"


@admin.register(KpiActual)
class KpiActualAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("period", "employee", "kpi", "value")
    list_filter = ("period", "kpi")
    search_fields = ("employee__email", "employee__name", "employee__employee_id", "kpi")
    ordering = ("-period", "employee__email", "kpi")
    list_select_related = ("employee",)
    autocomplete_fields = ("employee",)


class FxRateForm(forms.ModelForm):
    class Meta:
        model = FxRate
        fields = ("period", "currency", "rate")

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data.get("currency"))


@admin.register(FxRate)
class FxRateAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    form = FxRateForm
    list_display = ("period", "currency", "rate")
    list_filter = ("period", "currency")
    search_fields = ("currency", "period")
    ordering = ("-period", "currency")


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The import log: read-only entirely."""

    list_display = (
        "started_at",
        "kind",
        "file_name",
        "status",
        "user",
        "rows",
        "created",
        "updated",
        "unchanged",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "sha256", "user__email")
    ordering = ("-started_at",)
    list_select_related = ("user",)
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import admin_adoption, admin_quarters  # noqa: E402, F401  (register the quarter and adoption models)
