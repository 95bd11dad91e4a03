"""/recognition/fame/ (docs/incentives.md "Wall of fame"): contest winners and top performers for everyone
in scope; the needs-attention list for managers when it is on, which the CCO switches from the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core.errors import AttainError, NotAllowed

from .. import selectors
from ..forms import NeedsAttentionForm
from ..services.wall import set_needs_attention
from .common import require


@login_required
def fame(request: HttpRequest) -> HttpResponse:
    user = request.user
    period, top = selectors.top_performers(user)
    attention, attention_error = None, ""
    try:
        attention = selectors.needs_attention(user)
    except AttainError as exc:
        attention_error = exc.message
    may_configure = bool(access.may_configure_recognition(user))
    setting = selectors.wall_setting() if may_configure else None
    context = {
        "entries": selectors.contest_winners(user),
        "period": period,
        "top": top,
        "attention": attention,
        "attention_error": attention_error,
        "setting": setting,
        "attention_form": NeedsAttentionForm(initial={"metric": setting.attention_metric})
        if setting
        else None,
    }
    return render(request, "recognition/fame.html", context)


@login_required
@require_POST
def needs_attention(request: HttpRequest) -> HttpResponse:
    """The CCO switches the needs-attention list on (with its metric) or off; a refusal is a message."""
    require(access.may_configure_recognition(request.user))
    form = NeedsAttentionForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "The needs-attention list was not changed: " + " ".join(problems))
        return redirect("recognition:fame")
    enabled, metric = form.cleaned_data["enabled"], form.cleaned_data["metric"]
    try:
        set_needs_attention(user=request.user, enabled=enabled, metric=metric)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        if enabled:
            messages.success(
                request, f"The needs-attention list is on: the bottom 5% of {metric} last month."
            )
        else:
            messages.success(request, "The needs-attention list is off.")
    return redirect("recognition:fame")
