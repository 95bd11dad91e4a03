"""A statement as PDF, beside its page (/my/statements/<run_id>/pdf/ and /my/<employee_id>/statements/…).

The same access as the page (``selectors.csm_shown`` and ``statements.statement_for``): 404 outside the
viewer's scope, and a CSM sees only their own published statements; a link to a statement once published
and replaced or being revised since leads where the page's does (``republished``). When WeasyPrint cannot
load on this server the PDF answers 503 with a sentence saying so; the page and everything else work.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import pdf, selectors
from .republished import unpublished


@login_required
@require_GET
def statement_pdf(request: HttpRequest, run_id: int, employee_id: str | None = None) -> HttpResponse:
    csm = selectors.csm_shown(request.user, employee_id)
    try:
        name, content = pdf.statement_pdf(
            viewer=request.user, csm=csm, run_id=run_id, employee_id=employee_id
        )
    except Http404:
        if (gone := unpublished(request.user, csm, run_id)) is None:
            raise
        if gone.current is not None:  # the PDF of the statement published now (DESIGN §5 "Publishing")
            return redirect(_kwargs_url("dashboards:csm-statement-pdf", gone.current.pk, employee_id))
        context = {"gone": gone, "back_url": _kwargs_url("dashboards:csm-quarter", None, employee_id)}
        context["back_url"] += f"?period={gone.opened.period.code}"
        status = 200 if gone.revising else 410
        return render(request, "dashboards/csm/statement_unpublished.html", context, status=status)
    except pdf.PdfUnavailable as exc:
        context = {
            "message": exc.message,
            "back_url": _kwargs_url("dashboards:csm-statement", run_id, employee_id),
        }
        return render(request, "dashboards/csm/pdf_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _kwargs_url(name: str, run_id: int | None, employee_id: str | None) -> str:
    kwargs = {"run_id": run_id} if run_id is not None else {}
    if employee_id is not None:
        kwargs["employee_id"] = employee_id
    return reverse(name, kwargs=kwargs)
