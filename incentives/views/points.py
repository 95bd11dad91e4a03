"""The points pages (docs/incentives.md "Pages"): a person's points, the requests ops and finance decide on,
and the rules and rewards ops keeps. Thin views over ``selectors`` and ``services``: a person without the
right gets a 403, a refusal of a step (``AttainError``) a message, a form's bad input its named errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core.errors import AttainError, NotAllowed

from .. import selectors
from ..forms import PointsRuleForm, RewardForm
from ..models import Reward
from ..services import points as points_services
from ..services import redemptions
from ._forms import submitted


@login_required
def points(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        page = selectors.points_page(user)
    except AttainError as exc:
        raise PermissionDenied(exc.message) from None
    may_manage = bool(access.may_manage_points(user))
    context = {
        "page": page,
        "may_manage": may_manage,
        "rules": selectors.points_rules(user) if may_manage else None,
    }
    return render(request, "incentives/points.html", context)


def _may_manage(request: HttpRequest) -> None:
    if not (decision := access.may_manage_points(request.user)):
        raise PermissionDenied(decision.reason)


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    """A points rule (``create_points_rule``), for whoever keeps them (ops)."""
    _may_manage(request)
    user = request.user
    form = PointsRuleForm(request.POST or None)
    if request.method == "POST":
        rule = submitted(form, lambda data: points_services.create_points_rule(user=user, **data))
        if rule is not None:
            messages.success(
                request,
                f"Created the points rule {rule.code}: {rule.points} points a month from {rule.start:%Y-%m}.",
            )
            return redirect("incentives:points")
    return render(request, "incentives/points_rule_new.html", {"form": form})


@login_required
def reward_new(request: HttpRequest) -> HttpResponse:
    """A reward of the catalogue (``create_reward``), for whoever keeps it (ops)."""
    _may_manage(request)
    user = request.user
    form = RewardForm(request.POST or None)
    if request.method == "POST":
        reward = submitted(form, lambda data: redemptions.create_reward(user=user, **data))
        if reward is not None:
            messages.success(request, f"Added {reward.name} to the catalogue for {reward.price} points.")
            return redirect("incentives:points")
    return render(request, "incentives/reward_new.html", {"form": form})


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
