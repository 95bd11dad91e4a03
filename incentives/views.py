"""The SPIFF pages (docs/incentives.md): thin views over ``selectors`` and ``services``; a refusal
(``AttainError``) becomes a message, a person without the right a 403, an unknown SPIFF a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core.errors import AttainError

from . import selectors
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
