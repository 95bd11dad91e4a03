"""The audit page: the audit trail for ops, finance, the CCO and admins, filterable, pageable, as CSV."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.access import sees_everything
from core.downloads import csv_writer

from .selectors import AuditFilters, audit_trail, full_history_recorded, object_type_choices

PAGE_SIZE = 50
CSV_HEADER = ["when", "who", "object type", "object id", "object", "action", "changes", "note"]


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(required=False, label="Object", choices=[])
    search = forms.CharField(required=False, label="Id or label", max_length=200)
    person = forms.CharField(required=False, label="Person (e-mail)", max_length=200)
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Everything"), *object_type_choices()]

    def filters(self) -> AuditFilters:
        """The filters asked for (none when the form is unbound); call only on a valid or unbound form."""
        if not self.is_bound:
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            object_type=data["object_type"],
            search=data["search"].strip(),
            person=data["person"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(trail) -> StreamingHttpResponse:
    writer = csv_writer(_Echo(), lineterminator="\r\n")

    def rows():
        yield writer.writerow(CSV_HEADER)
        for e in trail:
            yield writer.writerow(
                [
                    e.at.isoformat(),
                    e.who,
                    e.object_type,
                    e.object_id,
                    e.object_label,
                    e.action,
                    e.changes_text,
                    e.note,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not sees_everything(request.user):
        raise PermissionDenied("The audit trail is for ops, finance, the CCO and admins.")
    params = request.GET.copy()
    wants_csv = params.pop("format", [""])[0] == "csv"
    params.pop("page", None)
    form = AuditFilterForm(params or None)
    if form.is_bound and not form.is_valid():
        # Never widen a refused filter to "everything", least of all in an export.
        context = {
            "form": form,
            "page": None,
            "query": params.urlencode(),
            "full_history": full_history_recorded(),
        }
        return render(request, "audit/log.html", context, status=400)
    trail = audit_trail(filters=form.filters())
    if wants_csv:
        return _csv(trail)
    page = Paginator(trail, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "full_history": full_history_recorded(),
    }
    return render(request, "audit/log.html", context)
