"""Requests and inquiries in the admin: a read-only record. Decisions are taken on the request pages,
where the services check roles and segregation of duties."""

from django.contrib import admin

from commissions.admin_quarters import ReadOnlyAdmin, ReadOnlyInline

from .models import Inquiry, Request, RequestStep


class RequestStepInline(ReadOnlyInline):
    model = RequestStep
    fields = ("at", "action", "role", "actor", "comment", "status_after")
    readonly_fields = fields


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "customer", "period", "value", "status", "filed_by", "filed_at")
    list_filter = ("kind", "status", "period__code", "customer__geo")
    search_fields = ("customer__customer_id", "customer__name", "filed_by__email", "justification")
    list_select_related = ("customer", "period", "filed_by")
    inlines = [RequestStepInline]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ("id", "employee", "period", "customer", "component", "status", "owner", "created_at")
    list_filter = ("status", "period__code")
    search_fields = ("employee__email", "customer__customer_id", "message", "answer")
    list_select_related = ("employee", "period", "customer", "owner")
