"""A statement as PDF, beside its page (/my/statements/<run_id>/pdf/ and /my/<employee_id>/statements/…).

The same access as the page (``selectors.csm_shown`` and ``statements.statement_for``): 404 outside the
viewer's scope, and a CSM sees only their own published statements. When WeasyPrint cannot load on this
server the PDF answers 503 with a sentence saying so; the page and everything else work.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import pdf, selectors


@login_required
@require_GET
def statement_pdf(request: HttpRequest, run_id: int, employee_id: str | None = None) -> HttpResponse:
    csm = selectors.csm_shown(request.user, employee_id)
    try:
        name, content = pdf.statement_pdf(
            viewer=request.user, csm=csm, run_id=run_id, employee_id=employee_id
        )
    except pdf.PdfUnavailable as exc:
        kwargs = {"run_id": run_id, **({"employee_id": employee_id} if employee_id is not None else {})}
        context = {"message": exc.message, "back_url": reverse("dashboards:csm-statement", kwargs=kwargs)}
        return render(request, "dashboards/csm/pdf_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
