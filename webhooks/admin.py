"""Admin of webhook endpoints and their deliveries (docs/webhooks.md "Configuring an endpoint").

Ops configures endpoints on the console (``/console/webhooks/endpoints/``); the admin offers the same to
admins. An endpoint's secret is made by Attain and shown on its page, to give to the receiver; it is never
typed in. Deliveries are a read-only log here; ops resends a failed one on the console's webhooks page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from . import endpoints
from .models import Event, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "description", "event_list", "is_active", "created_by", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret", "created_by", "created_at", "secret_rotated_at", "secret_rotated_by")
    actions = ["rotate_secret"]

    @admin.display(description="events")
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Make a new secret (the receiver must be given it)")
    def rotate_secret(self, request, queryset) -> None:
        for endpoint in queryset:
            endpoints.rotate_secret(endpoint=endpoint, user=request.user)
        self.message_user(request, f"New secrets made for {queryset.count()} endpoint(s).")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "event", "endpoint", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
