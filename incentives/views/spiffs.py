"""The SPIFF pages (docs/incentives.md "Pages"): thin views over ``selectors`` and ``services``. A person
who may not see SPIFFs gets a 403, an unknown SPIFF or grant a 404; a refusal of a step (``AttainError``)
becomes a message; a form's bad input is named on the form and writes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core import formatting as fmt
from core.errors import AttainError

from .. import selectors
from ..forms import GrantForm, SpiffForm
from ..models import Spiff
from ..services import awards
from ..services import spiffs as services
from ._forms import submitted


def _may_see(request: HttpRequest) -> None:
    if not (decision := access.may_see_spiffs(request.user)):
        raise PermissionDenied(decision.reason)


@login_required
def spiff_list(request: HttpRequest) -> HttpResponse:
    _may_see(request)
    context = {
        "rows": selectors.spiffs_with_budget(request.user),
        "may_create": bool(access.may_propose_spiff(request.user)),
    }
    return render(request, "incentives/spiff_list.html", context)


@login_required
def spiff_new(request: HttpRequest) -> HttpResponse:
    """Draft a SPIFF (``create_spiff``): for whoever may propose one (ops, a Geo VP)."""
    user = request.user
    if not (decision := access.may_propose_spiff(user)):
        raise PermissionDenied(decision.reason)
    if request.method == "POST":
        form = SpiffForm(request.POST, user=user)
        spiff = submitted(form, lambda data: services.create_spiff(user=user, **data))
        if spiff is not None:
            messages.success(request, f"Drafted {spiff.code}: propose it when it is ready.")
            return redirect("incentives:spiff", code=spiff.code)
    else:
        initial = {"kind": Spiff.Kind.RULE, "per": Spiff.Per.EVENT}
        if access.is_geo_vp(user):  # a Geo VP drafts for their own geo (access.may_propose_spiff)
            initial |= {"eligibility": Spiff.Eligibility.GEO, "geo": user.geo}
        form = SpiffForm(initial=initial, user=user)
    return render(request, "incentives/spiff_new.html", {"form": form})


@login_required
def spiff_detail(request: HttpRequest, code: str) -> HttpResponse:
    _may_see(request)
    spiff = selectors.spiff_for(request.user, code)
    return _detail(request, spiff)


def _detail(request: HttpRequest, spiff: Spiff, grant_form: GrantForm | None = None) -> HttpResponse:
    user = request.user
    may_grant = awards.grant_refusal(spiff) is None and bool(access.may_grant_spiff(user, spiff))
    if may_grant and grant_form is None:
        grant_form = GrantForm(user=user, spiff=spiff)
    context = {
        "spiff": spiff,
        "use": services.budget_use(spiff),
        "awards": selectors.awards_of(user, spiff),
        "events": selectors.events_of(spiff),
        "people": spiff.people.all() if spiff.eligibility == spiff.Eligibility.LIST else None,
        "may_propose": spiff.status == spiff.Status.DRAFT and access.may_propose_spiff(user, spiff),
        "may_decide": spiff.status == spiff.Status.PROPOSED and access.may_approve_spiff(user, spiff),
        # Approve only when this person's step is still to give (the service's own decision, §11.3).
        "may_approve": spiff.status == spiff.Status.PROPOSED and services.approval_open(spiff, user),
        "may_close": spiff.status == spiff.Status.APPROVED and bool(access.may_award_spiff(user, spiff)),
        "grant_form": grant_form if may_grant else None,
        "pending_grants": selectors.pending_grants(user, spiff),
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


@login_required
@require_POST
def spiff_close(request: HttpRequest, code: str) -> HttpResponse:
    """approved → closed (``close_spiff``, ops): nothing more is awarded or granted."""
    return _act(request, code, services.close_spiff, "Closed")


# --- Grants by hand (docs/design.md §11.3 "Grants") --------------------------------------------------------


@login_required
@require_POST
def grant(request: HttpRequest, code: str) -> HttpResponse:
    """Grant an amount of a manual SPIFF (``grant_spiff``): pending until approved like the SPIFF."""
    _may_see(request)
    user = request.user
    spiff = selectors.spiff_for(user, code)
    if not (decision := access.may_grant_spiff(user, spiff)):
        messages.error(request, decision.reason)
        return redirect("incentives:spiff", code=spiff.code)
    if (refusal := awards.grant_refusal(spiff)) is not None:  # the page shows no grant form to name it on
        messages.error(request, refusal)
        return redirect("incentives:spiff", code=spiff.code)
    form = GrantForm(request.POST, user=user, spiff=spiff)
    award = submitted(form, lambda data: awards.grant_spiff(spiff=spiff, user=user, **data))
    if award is None:  # a bad value or the budget's refusal, named on the grant form shown again
        return _detail(request, spiff, grant_form=form)
    amount = fmt.money(award.amount, spiff.currency)
    messages.success(
        request, f"Granted {amount} of {spiff.code} to {award.employee.email}: waiting for approval."
    )
    return redirect("incentives:spiff", code=spiff.code)


def _grant_act(request: HttpRequest, code: str, pk: int, act, done: str) -> HttpResponse:
    _may_see(request)
    spiff = selectors.spiff_for(request.user, code)
    award = selectors.grant_for(request.user, spiff, pk)
    try:
        row = act(award=award, user=request.user, comment=request.POST.get("comment", ""))
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{done} the grant #{row.pk} to {row.employee.email}: {row.get_status_display()}."
        )
    return redirect("incentives:spiff", code=spiff.code)


@login_required
@require_POST
def grant_approve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _grant_act(request, code, pk, awards.approve_grant, "Approved")


@login_required
@require_POST
def grant_reject(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _grant_act(request, code, pk, awards.reject_grant, "Rejected")


# --- A person's own awards --------------------------------------------------------------------------------


@login_required
def my_awards(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own SPIFF awards — never another's — and the quarter whose payroll pays each."""
    user = request.user
    if not (decision := access.may_see_own_spiff_awards(user)):
        raise PermissionDenied(decision.reason)
    context = {"own": selectors.own_spiff_awards(user), "may_see_spiffs": bool(access.may_see_spiffs(user))}
    return render(request, "incentives/my_awards.html", context)
