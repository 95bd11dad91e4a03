"""The SPIFF and points pages (docs/incentives.md): thin views over ``selectors`` and ``services``; a refusal
(``AttainError``) becomes a message, a person without the right a 403, an unknown SPIFF a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core.errors import AttainError, NotAllowed

from . import selectors
from .models import Reward
from .services import redemptions
from .services import spiffs as services


def _may_see(request: HttpRequest) -> None:
    if not (decision := access.may_see_spiffs(request.user)):
        raise PermissionDenied(decision.reason)


@login_required
def spiff_list(request: HttpRequest) -> HttpResponse:
    _may_see(request)
    return render(request, "incentives/spiff_list.html", {"rows": selectors.spiffs_with_budget(request.user)})


@login_required
def spiff_detail(request: HttpRequest, code: str) -> HttpResponse:
    _may_see(request)
    user = request.user
    spiff = selectors.spiff_for(user, code)
    context = {
        "spiff": spiff,
        "use": services.budget_use(spiff),
        "awards": selectors.awards_of(user, spiff),
        "events": selectors.events_of(spiff),
        "people": spiff.people.all() if spiff.eligibility == spiff.Eligibility.LIST else None,
        "may_propose": spiff.status == spiff.Status.DRAFT and access.may_propose_spiff(user, spiff),
        "may_decide": spiff.status == spiff.Status.PROPOSED and access.may_approve_spiff(user, spiff),
    }
    return render(request, "incentives/spiff_detail.html", context)


def _act(request: HttpRequest, code: str, act, done: str) -> HttpResponse:
    _may_see(request)
    spiff = selectors.spiff_for(request.user, code)
    version = request.POST.get("version")
    try:
        act(
            spiff=spiff,
            user=request.user,
            comment=request.POST.get("comment", ""),
            version=int(version) if version and version.isdigit() else None,
        )
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} {spiff.code}.")
    return redirect("incentives:spiff", code=spiff.code)


@login_required
@require_POST
def spiff_propose(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, services.propose_spiff, "Proposed")


@login_required
@require_POST
def spiff_approve(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, services.approve_spiff, "Approved")


@login_required
@require_POST
def spiff_reject(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, services.reject_spiff, "Rejected")


# --- Points (docs/design.md §11.4) -------------------------------------------------------------------------


@login_required
def points(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.points_page(request.user)
    except AttainError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "incentives/points.html", {"page": page})


def _redemption(request: HttpRequest, pk: int):
    try:
        return selectors.redemption_for(request.user, pk)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None


def _points_act(request: HttpRequest, act, done: str) -> HttpResponse:
    try:
        act()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("incentives:points")


@login_required
@require_POST
def points_request(request: HttpRequest, code: str) -> HttpResponse:
    reward = get_object_or_404(Reward, code=code, active=True)
    return _points_act(
        request,
        lambda: redemptions.request_redemption(reward=reward, user=request.user),
        f"Asked for {reward.name}: {reward.price} points reserved until ops or finance decides.",
    )


@login_required
@require_POST
def redemption_approve(request: HttpRequest, pk: int) -> HttpResponse:
    row = _redemption(request, pk)
    comment = request.POST.get("comment", "")
    return _points_act(
        request,
        lambda: redemptions.approve_redemption(redemption=row, user=request.user, comment=comment),
        f"Approved {row.reward.name} for {row.employee.email}.",
    )


@login_required
@require_POST
def redemption_reject(request: HttpRequest, pk: int) -> HttpResponse:
    row = _redemption(request, pk)
    comment = request.POST.get("comment", "")
    return _points_act(
        request,
        lambda: redemptions.reject_redemption(redemption=row, user=request.user, comment=comment),
        f"Rejected {row.reward.name} for {row.employee.email}: the points are released.",
    )


@login_required
@require_POST
def redemption_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    row = _redemption(request, pk)
    return _points_act(
        request,
        lambda: redemptions.fulfil_redemption(redemption=row, user=request.user),
        f"Handed out {row.reward.name} to {row.employee.email}.",
    )
