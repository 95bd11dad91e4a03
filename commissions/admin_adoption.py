"""Admin for the adoption data a quarter reads: customers, ownership, ARR and scores.

Registered here, not in ``adoption``, because each is guarded by the rule that a closed quarter's inputs
cannot move (``admin_closed``; DESIGN §3 "Frozen and closed data"), and quarters are commissions'.
"""

from django.contrib import admin

from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation

from .admin_closed import ClosedQuarterAdminMixin


@admin.register(Customer)
class CustomerAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("customer_id", "name", "geo", "segment", "start_date")
    list_filter = ("geo", "segment")
    search_fields = ("customer_id", "name")
    ordering = ("customer_id",)
    date_hierarchy = "start_date"


@admin.register(Ownership)
class OwnershipAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "employee", "start_date")
    list_filter = ("customer__geo",)
    search_fields = ("customer__customer_id", "customer__name", "employee__email", "employee__name")
    ordering = ("customer__customer_id", "-start_date")
    list_select_related = ("customer", "employee")
    autocomplete_fields = ("customer", "employee")
    date_hierarchy = "start_date"


@admin.register(ArrRecord)
class ArrRecordAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "as_of", "arr", "currency")
    list_filter = ("currency",)
    search_fields = ("customer__customer_id", "customer__name")
    ordering = ("customer__customer_id", "-as_of")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    date_hierarchy = "as_of"


@admin.register(ScoreObservation)
class ScoreObservationAdmin(ClosedQuarterAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "as_of", "score")
    search_fields = ("customer__customer_id", "customer__name")
    ordering = ("customer__customer_id", "-as_of")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    date_hierarchy = "as_of"
