"""Every published statement of a closed quarter in one ZIP of PDFs, for operations and finance
(``/console/statements.zip?period=FY22-Q2``; DESIGN §6).

Holders of ``access.may_download_statements`` download it; anyone else gets a 403. An open quarter, or a
code that names no quarter, is refused with a message on the console. The ZIP is spooled to a temporary
file as each PDF is rendered (``pdf.write_statements_zip``) and streamed from there, so memory holds one
statement at a time whatever the quarter's size.
"""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import access
from commissions.services.periods import find_period
from core.errors import AttainError
from dashboards.csm.pdf import SPOOL_BYTES, PdfUnavailable, write_statements_zip


def _back(code: str) -> HttpResponse:
    query = urlencode({"period": code}) if code else ""
    return redirect(f"{reverse('dashboards:console')}{'?' + query if query else ''}")


@login_required
@require_GET
def statements_zip(request: HttpRequest) -> HttpResponse:
    right = access.may_download_statements(request.user)
    if not right:
        raise PermissionDenied(right.reason)
    code = (request.GET.get("period") or "").strip()
    if not code:
        messages.error(request, "Say which quarter's statements to download: ?period=FY22-Q2.")
        return _back("")
    try:
        period = find_period(code)
    except AttainError as exc:  # no such quarter, or a code that is no quarter
        messages.error(request, exc.message)
        return _back("")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        write_statements_zip(period=period, viewer=request.user, out=spool)
    except BaseException as exc:
        spool.close()
        if isinstance(exc, PdfUnavailable):
            back = f"{reverse('dashboards:console')}?{urlencode({'period': period.code})}"
            context = {"message": exc.message, "back_url": back}
            return render(request, "dashboards/csm/pdf_unavailable.html", context, status=503)
        if isinstance(exc, AttainError):  # an open quarter: nothing is published yet
            messages.error(request, exc.message)
            return _back(period.code)
        raise
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"statements-{period.code}.zip", content_type="application/zip"
    )
