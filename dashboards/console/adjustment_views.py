"""The console's prior-period actions (docs/design.md §7): record a correction of a closed quarter from a
file, apply or withdraw it, hold a CSM's line and release a hold.

Thin views: the forms parse, ``commissions.services.corrections`` and ``holds`` decide and refuse.
Ops records, applies and withdraws (``access.may_correct``); ops and finance hold and release
(``access.may_hold``); anyone else is refused with a 403 before the service is asked. A refusal
(``AttainError``) becomes a message on the console.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from commissions.models import Correction, Hold, Period
from commissions.services.corrections import (
    apply_correction,
    recompute_effect,
    record_correction,
    rows_from_file,
    withdraw_correction,
)
from commissions.services.holds import hold_line, release_hold
from commissions.services.imports import ImportRefused
from commissions.services.periods import find_period
from core import formatting as fmt
from core.errors import AttainError

from .adjustments import payable_stored, signed
from .forms import CorrectionForm, HoldForm
from .views import _back, _require, named_period


def _shown(request: HttpRequest, fallback: Period) -> Period:
    """The quarter the console showed when the form was posted (back to it), else ``fallback``."""
    return Period.objects.filter(code=request.POST.get("period", "")).first() or fallback


@login_required
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_correct(request.user))
    form = CorrectionForm(
        request.POST or None, request.FILES or None, initial={"period": request.GET.get("period", "")}
    )
    refused: ImportRefused | None = None
    if request.method == "POST" and form.is_valid():
        period = form.chosen_period
        try:
            rows = rows_from_file(
                period=period,
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                user=request.user,
            )
            correction = record_correction(
                period=period,
                kind=form.cleaned_data["kind"],
                rows=rows,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ImportRefused as exc:
            refused = exc
        except AttainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Recorded {correction.label} of {period.code} ({correction.get_kind_display().lower()}): "
                "pending; apply it to pay its effect.",
            )
            # Shown where it would be paid; under its own quarter while no open quarter follows it.
            return _back(payable_stored(period) or period)
    context = {"form": form, "refused": refused, "console_url": reverse("dashboards:console")}
    return render(
        request,
        "dashboards/console/correction_new.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def correction_apply(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_object_or_404(Correction.objects.select_related("period"), pk=pk)
    _require(request.user, access.may_correct(request.user, correction.period))
    try:
        trueups = apply_correction(correction=correction, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
        return _back(_shown(request, correction.period))
    if not trueups:
        messages.info(
            request, f"Applied {correction.label} of {correction.period.code}: nothing more to pay."
        )
    else:
        paid_in = trueups[0].paid_in
        totals: dict[tuple[str, str], Decimal] = {}
        for trueup in trueups:
            kind = "true-up" if trueup.amount > 0 else "clawback"
            totals[(kind, trueup.currency)] = totals.get((kind, trueup.currency), Decimal(0)) + trueup.amount
        amounts = ", ".join(
            f"{kind}s {signed(total, currency)}" for (kind, currency), total in sorted(totals.items())
        )
        messages.success(
            request,
            f"Applied {correction.label} of {correction.period.code}: {len(trueups)} line"
            f"{'s' if len(trueups) != 1 else ''} ({amounts}) paid in {paid_in.code}.",
        )
    return _back(_shown(request, correction.period))


def _on_correction(request: HttpRequest, pk: int, act, done: str) -> HttpResponse:
    """Run ``act(correction=…, user=…)`` on a correction ops may act on; ``done`` (formatted with the
    correction) on success, the refusal's message otherwise; back to the quarter the console showed."""
    correction = get_object_or_404(Correction.objects.select_related("period"), pk=pk)
    _require(request.user, access.may_correct(request.user, correction.period))
    try:
        act(correction=correction, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(label=correction.label, period=correction.period.code))
    return _back(_shown(request, correction.period))


@login_required
@require_POST
def correction_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_correction(request, pk, recompute_effect, "Recomputed the effect of {label} of {period}.")


@login_required
@require_POST
def correction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_correction(request, pk, withdraw_correction, "Withdrew {label} of {period}.")


@login_required
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_hold(request.user))
    code = named_period(request, request.POST, what="hold a line of")
    if not code:
        return _back(None)
    try:
        period = find_period(code)  # a hold never creates the quarter it names
    except AttainError as exc:
        messages.error(request, f"Nothing held: {exc.message}")
        return _back(None)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing held: {form.errors_text()}")
        return _back(period)
    employee, plan = form.cleaned_data["employee_id"], form.cleaned_data["plan"]
    try:
        hold_line(
            period=period, employee=employee, plan=plan, reason=form.cleaned_data["reason"], user=request.user
        )
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Held {employee.employee_id}'s {plan.code} line of {period.code}.")
    return _back(period)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    held = get_object_or_404(Hold.objects.select_related("period", "employee", "plan"), pk=pk)
    _require(request.user, access.may_hold(request.user, held.period))
    try:
        released = release_hold(hold=held, user=request.user, reason=request.POST.get("reason", ""))
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        text = (
            f"Released the hold of {held.employee.employee_id}'s {held.plan.code} line of {held.period.code}"
        )
        if released.released_in is not None:
            amount = fmt.money(released.released_amount, held.plan.currency)
            text += f": {amount} paid in {released.released_in.code} as a hold release"
        messages.success(request, f"{text}.")
    return _back(_shown(request, held.period))
