"""The Imports page of the console (docs/imports.md "Imports in the browser"; DESIGN §3): upload a CSV
or Excel file of one kind, watch its dry run, read what it would change or every bad row, confirm it,
read the result; the import history with a page per import record; a template and an example file per
kind. A file checked before its kind's data changed is checked again, never confirmed (``freshness``).

Thin views: ``import_selectors`` read, ``commissions.services.imports.jobs`` write and refuse. Whoever
sees the console sees the page and the history; only holders of ``access.may_import`` get the upload
form and the Confirm button (anyone else posting gets a 403). A refusal becomes a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from commissions.services.imports import KINDS
from commissions.services.imports.freshness import CheckOutOfDate
from commissions.services.imports.jobs import (
    confirm_import_job,
    discard_import_job,
    recheck_import_job,
    start_import_job,
)
from core.errors import AttainError, FileTooLarge
from dashboards.tables import download

from . import import_selectors as selectors
from .import_tables import errors_file_stem, errors_note, errors_table, example_file, named, template_file
from .tables import imports_table
from .views import _require


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of data")
    file = forms.FileField(
        label="File", help_text="CSV (UTF-8, header row) or Excel .xlsx (the first sheet, header in row 1)."
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind) for kind in kinds]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    page = selectors.imports_page(request.user)
    history = imports_table(page.records)
    if (response := download(request, [history])) is not None:
        return response
    form = UploadForm(request.POST or None, request.FILES or None, kinds=page.kinds)
    status = 200
    if request.method == "POST":
        _require(request.user, access.may_import(request.user, str(request.POST.get("kind") or "files")))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = start_import_job(
                    kind=form.cleaned_data["kind"], file=upload, file_name=upload.name, user=request.user
                )
            except FileTooLarge as exc:
                form.add_error("file", exc.message)
                status = 413
            except AttainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("dashboards:console-import-job", pk=job.pk)
        if status == 200:
            status = 400
    context = {
        "form": form,
        "page": page,
        "kinds": KINDS,
        "imports": history,
        "import_rows": list(zip(page.records, history.cells(), strict=True)),
        "job_rows": [(job, selectors.status_words(job.status)) for job in page.jobs],
        "query": "",
    }
    return render(request, "dashboards/console/imports/index.html", context, status=status)


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    found = selectors.job(pk)
    errors = errors_table(found.errors, title=f"Bad rows of {found.file_name}")
    if (response := download(request, [errors])) is not None:
        return named(response, errors_file_stem(found.kind, found.file_name))
    context = {
        "job": found,
        "status_words": selectors.status_words(found.status),
        "out_of_date": selectors.job_out_of_date(found),
        "nothing_to_import": selectors.nothing_to_import(found),
        "notes": found.notes.splitlines() if found.status != found.Status.FAILED else [],
        "errors": errors,
        "errors_note": errors_note(found.error_count, len(errors.rows)),
        "may_confirm": bool(access.may_import(request.user, found.kind)),
        "imports_url": reverse("dashboards:console-imports"),
    }
    return render(request, "dashboards/console/imports/job.html", context)


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require(request.user)
    progress = selectors.job_progress(pk)
    if progress is None:
        raise Http404("No such import job.")
    return JsonResponse(progress)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, confirm_import_job)


@login_required
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, recheck_import_job)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, discard_import_job)


def _act(request: HttpRequest, pk: int, service) -> HttpResponse:
    """Run ``service`` on the job and go back to its page, which shows where the job stands now (no
    message of the step: with an in-process worker the step may be over, e.g. refused, by then)."""
    _require(request.user)
    found = selectors.job(pk)
    _require(request.user, access.may_import(request.user, found.kind))
    try:
        service(job=found, user=request.user)
    except CheckOutOfDate:
        pass  # the job's page says why, beside its "Check again"
    except AttainError as exc:
        messages.error(request, exc.message)
    return redirect("dashboards:console-import-job", pk=pk)


@login_required
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    found = selectors.record(pk)
    errors = errors_table(found.errors, title=f"Errors of {found.file_name}")
    if (response := download(request, [errors])) is not None:
        return named(response, errors_file_stem(found.kind, found.file_name))
    context = {
        "record": found,
        "status_words": selectors.status_words(found.status),
        "errors": errors,
        "errors_note": errors_note(found.error_count, len(errors.rows)),
        "imports_url": reverse("dashboards:console-imports"),
    }
    return render(request, "dashboards/console/imports/record.html", context)


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request.user)
    if kind not in KINDS:
        raise Http404("No such import kind.")
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("Templates are CSV (format=csv) or Excel (format=xlsx).")
    if request.GET.get("example"):
        return example_file(kind)  # <kind>-example.csv: the header and two example rows
    return template_file(kind, fmt)
