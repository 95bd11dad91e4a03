"""Every published statement of a closed quarter in one ZIP of PDFs, for operations and finance (DESIGN §6;
docs/quarter-close.md step 5), prepared by a worker (``dashboards/archives.py``).

``POST /console/statements/`` (``period=FY22-Q2``) asks for the archive — reusing a ready or unfinished
one of the quarter's current close — and redirects to its page, ``/console/statements/<id>/``, which
follows the build (``progress/``, polled by ``static/dashboards/follow_job.js``; a reload does the same)
and, once ready, links the download (``download/``, ``statements-FY22-Q2.zip``, streamed from the
database in parts). Holders of ``access.may_download_statements`` only; anyone else gets a 403. An open
quarter, or a code that names no quarter, is refused with a message on the console.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from accounts.models import User
from commissions.services.periods import find_period
from core.errors import AttainError
from dashboards.archives import (
    archive_contents,
    archive_progress,
    is_stale,
    read_archive,
    request_statement_archive,
)
from dashboards.models import StatementArchive


def _require(user: User) -> None:
    right = access.may_download_statements(user)
    if not right:
        raise PermissionDenied(right.reason)


def _back(code: str) -> HttpResponse:
    query = urlencode({"period": code}) if code else ""
    return redirect(f"{reverse('dashboards:console')}{'?' + query if query else ''}")


def _archive(pk: int) -> StatementArchive:
    """One archive with its quarter and requester, without its bytes (404 when there is none)."""
    found = StatementArchive.objects.select_related("period", "requested_by").defer("data")
    return get_object_or_404(found, pk=pk)


@login_required
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    code = (request.POST.get("period") or "").strip()
    if not code:
        messages.error(request, "Say which quarter's statements to prepare: period=FY22-Q2.")
        return _back("")
    try:
        period = find_period(code)
    except AttainError as exc:  # no such quarter, or a code that is no quarter
        messages.error(request, exc.message)
        return _back("")
    try:
        archive, created = request_statement_archive(period=period, user=request.user)
    except AttainError as exc:  # an open quarter: nothing is published yet
        messages.error(request, exc.message)
        return _back(period.code)
    if not created:
        messages.info(request, f"The statements of {period.code} were already asked for: this is that ZIP.")
    return redirect("dashboards:console-statements-archive", pk=archive.pk)


@login_required
@require_GET
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    found = _archive(pk)
    ready = found.status == StatementArchive.Status.READY
    context = {
        "archive": found,
        "stale": ready and is_stale(found),
        # What the ZIP holds, counted file by file: the statements and the plan handbooks beside them.
        "contents": archive_contents(found) if ready else None,
        "period": found.period,
        "console_url": f"{reverse('dashboards:console')}?{urlencode({'period': found.period.code})}",
    }
    return render(request, "dashboards/console/statement_archive.html", context)


@login_required
@require_GET
def archive_progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    _require(request.user)
    progress = archive_progress(pk)
    if progress is None:
        raise Http404("No such statement archive.")
    return JsonResponse(progress)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    found = _archive(pk)
    page = reverse("dashboards:console-statements-archive", kwargs={"pk": pk})
    if found.status != StatementArchive.Status.READY:
        messages.error(
            request, f"This ZIP is {found.get_status_display().lower()}: there is nothing to download."
        )
        return redirect(page)
    if is_stale(found):
        messages.error(
            request,
            f"{found.period.code} was re-opened since this ZIP was prepared: its statements changed. "
            "Prepare a new one.",
        )
        return redirect(page)
    response = StreamingHttpResponse(read_archive(found), content_type="application/zip")
    response["Content-Length"] = str(found.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"statements-{found.period.code}.zip"
    )
    return response
