"""The admin side of "a closed quarter cannot move" (DESIGN §3 "Frozen and closed data").

``ClosedQuarterAdminMixin`` gives a model admin the rule every import applies
(``commissions.closed.closed_quarter_read``), with the import's message: a change form that would
change what a closed quarter read gets a form error; a delete, or a bulk delete, is refused with an
error message and deletes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect

from .closed import refusal_for, refusal_for_rows


class ClosedQuarterFormMixin(forms.ModelForm):
    """Refuses a save that would change what a closed quarter read."""

    def _post_clean(self):
        super()._post_clean()  # builds self.instance from the cleaned data
        if self._errors:
            return
        message = refusal_for(self.instance)
        if message:
            self.add_error(None, message)


def delete_selected_unless_closed(modeladmin, request, queryset):
    """Django's bulk delete, refused whole when a selected row was read by a closed quarter."""
    message = refusal_for_rows(queryset.model, queryset)
    if message:
        modeladmin.message_user(request, message, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


class ClosedQuarterAdminMixin:
    """Mix into a ``ModelAdmin`` of a dated input (deals, KPI values, FX rates, assignments, ownership,
    ARR, scores, customers)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (ClosedQuarterFormMixin, form), {})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_unless_closed, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        message = refusal_for(obj, delete=True) if obj is not None else None
        if message:
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("delete/", 1)[0])
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        # Last guard, for a delete that did not come through delete_view.
        message = refusal_for(obj, delete=True)
        if message:
            raise forms.ValidationError(message)
        super().delete_model(request, obj)
