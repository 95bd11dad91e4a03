"""The plan handbook's pages (docs/handbook.md): /handbook/ lists the plans a person may read,
/handbook/<code>/ is one plan's handbook (printable) and /handbook/<code>/pdf/ its PDF. ``?period=FY22-Q2``
picks the quarter whose dates and on-target amount the examples use (a statement links with its own).

Who may read a plan's handbook is ``access.may_see_handbook`` alone (``plans_with_handbook_for``, the same
rule over every plan, lists them): a refusal is a 403 with its sentence; an unknown plan or a quarter that
is not the plan's is the friendly 404 naming it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import access
from commissions.models import Plan
from core import formatting as fmt
from core.errors import NotFound
from dashboards.csm.pdf import PdfUnavailable

from . import pdf
from .builder import build_handbook

UNAVAILABLE = (
    "The handbook's PDF is unavailable on this server: the PDF library (WeasyPrint with Pango) cannot be "
    "loaded. The handbook page works as usual, and prints."
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    plans = access.plans_with_handbook_for(request.user, Plan.objects.order_by("-fiscal_year", "code"))
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for plan_id, start, end in request.user.assignments.values_list("plan_id", "start_date", "end_date"):
        spans[plan_id].append((start, end))
    today = timezone.localdate()
    return render(
        request,
        "dashboards/handbook/index.html",
        {"plans": [(plan, membership(spans.get(plan.pk, []), today)) for plan in plans]},
    )


def membership(spans: list[tuple[date, date | None]], today: date) -> str:
    """How the reader stands on a plan, in words, by their assignments to it (``spans``: start and end
    dates, the end included, None while open): ``"you are on this plan"`` while one covers ``today``;
    ``"you were on this plan until 2025-06-30"`` once the last has ended; ``"you join this plan on
    2026-08-01"`` before one begins (``"… and join it again on …"`` after an earlier one ended); "" without
    any (a manager, a Geo VP or a role that reads every plan). Pure."""
    if any(start <= today and (end is None or today <= end) for start, end in spans):
        return "you are on this plan"
    ended = [end for start, end in spans if end is not None and end < today]
    coming = [start for start, _ in spans if start > today]
    if ended and coming:
        return (
            f"you were on this plan until {fmt.iso_date(max(ended))} and join it again on "
            f"{fmt.iso_date(min(coming))}"
        )
    if ended:
        return f"you were on this plan until {fmt.iso_date(max(ended))}"
    if coming:
        return f"you join this plan on {fmt.iso_date(min(coming))}"
    return ""


def _readable(request: HttpRequest, code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404(f"There is no plan {code} here.")
    decision = access.may_see_handbook(request.user, plan)
    if not decision:
        raise PermissionDenied(decision.reason)
    return plan


@login_required
@require_GET
def handbook(request: HttpRequest, code: str) -> HttpResponse:
    plan = _readable(request, code)
    try:
        shown = build_handbook(plan, reader=request.user, quarter=request.GET.get("period"))
    except NotFound as exc:
        raise Http404(exc.message) from None
    pdf_url = reverse("dashboards:handbook-pdf", args=[plan.code]) + f"?period={shown.quarter}"
    return render(request, "dashboards/handbook/page.html", {"handbook": shown, "pdf_url": pdf_url})


@login_required
@require_GET
def handbook_pdf(request: HttpRequest, code: str) -> HttpResponse:
    plan = _readable(request, code)
    try:
        name, content = pdf.handbook_pdf(plan, reader=request.user, quarter=request.GET.get("period"))
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PdfUnavailable:
        context = {"message": UNAVAILABLE, "back_url": reverse("dashboards:handbook", args=[plan.code])}
        return render(request, "dashboards/handbook/pdf_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
