"""The sign-off page (DESIGN §1, §5): finance reviews a closed quarter's payouts and signs them off; the
payroll export waits for it.

Everyone who sees the console (ops, the CCO, finance, admins) reads the review; only finance is offered
the form and may post it (``access.may_sign_off``, else 403). The service decides the rest — closed
quarter, once, segregation of duties, the comment — and a refusal becomes a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from commissions.services.signoff import sign_off_payouts
from core.errors import AttainError, NotFound
from core.text import MAX_REASON, MIN_REASON

from .signoff_selectors import sign_off_page
from .views import _back, _require, named_period, read_period


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_sign_off(request.user) if request.method == "POST" else None)
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and not named_period(request, data, what="sign off"):
        return _back(None)  # a sign-off names its quarter: never the console's default one
    try:
        period = read_period((data.get("period") or "").strip())  # never creates the quarter it names
    except NotFound as exc:
        raise Http404(exc.message) from None  # nothing to sign off in a quarter nothing happened in
    comment = ""
    if request.method == "POST":
        comment = request.POST.get("comment", "")
        if not request.POST.get("confirm"):
            messages.error(request, f"Tick the confirmation to sign off the payouts of {period.code}.")
        else:
            try:
                sign_off_payouts(period=period, user=request.user, comment=comment)
            except AttainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"Signed off the payouts of {period.code}: the payroll export is open."
                )
                return redirect(f"{reverse('dashboards:console-sign-off')}?period={period.code}")
    context = {
        "page": sign_off_page(period, request.user),
        "period": period,
        "comment": comment,
        "min_comment": MIN_REASON,
        "max_comment": MAX_REASON,
        "may_export": bool(access.may_export_payroll(request.user, period)),
    }
    return render(request, "dashboards/console/signoff.html", context)
