"""/recognition/nudges/ (docs/incentives.md "Nudges for the bottom 5%"): the configs, the months decided
and the record of every nudge sent — read by the CCO and ops (``access.may_see_nudges``); the CCO alone
writes a config's e-mail and task and switches it on or off (``access.may_configure_recognition``); ops
and the CCO send last month's nudges by hand (``access.may_send_nudges``)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from core.errors import AttainError, NotAllowed

from .. import selectors
from ..errors import RecognitionInvalid
from ..forms import SAVED_FIELDS, NudgeConfigForm, show_refusal
from ..models import NudgeConfig
from ..services import nudges as services
from .common import require

PER_PAGE = 50


def _month(text: str) -> date | None:
    """``YYYY-MM`` → its first day; anything else → None (every month)."""
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None


@login_required
def nudges(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(access.may_see_nudges(user))
    month = _month(request.GET.get("month", ""))
    page = Paginator(selectors.nudges_sent(month), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "configs": selectors.nudge_configs(),
        "months": selectors.nudge_months(),
        "month": month,
        "page": page,
        "extra_query": f"month={month:%Y-%m}" if month else "",
        "may_configure": bool(access.may_configure_recognition(user)),
        "may_send": bool(access.may_send_nudges(user)),
        "last_month": services.previous_month(timezone.localdate()),
    }
    return render(request, "recognition/nudges.html", context)


def _saved(request: HttpRequest, form: NudgeConfigForm, code: str | None) -> NudgeConfig | None:
    """The config saved from a valid ``form`` (``code`` for an existing one), or None with the refusal
    on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.save_config(
            user=request.user, code=code or data["code"], **{name: data[name] for name in SAVED_FIELDS}
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except RecognitionInvalid as exc:
        show_refusal(form, exc.message)
    return None


@login_required
def nudge_new(request: HttpRequest) -> HttpResponse:
    require(access.may_configure_recognition(request.user))
    if request.method != "POST":
        return render(request, "recognition/nudge_form.html", {"form": NudgeConfigForm(), "config": None})
    form = NudgeConfigForm(request.POST)
    if form.is_valid() and NudgeConfig.objects.filter(code=form.cleaned_data["code"]).exists():
        form.add_error("code", f"A nudge config {form.cleaned_data['code']} exists already: edit it.")
    if config := _saved(request, form, None):
        messages.success(request, f"Saved the nudge config {config.code}.")
        return redirect("recognition:nudges")
    return render(request, "recognition/nudge_form.html", {"form": form, "config": None}, status=400)


def _config(code: str) -> NudgeConfig:
    config = NudgeConfig.objects.filter(code=code).first()
    if config is None:
        raise Http404("Not found.")
    return config


@login_required
def nudge_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(access.may_configure_recognition(request.user))
    config = _config(code)
    if request.method != "POST":
        form = NudgeConfigForm(existing=config)
        return render(request, "recognition/nudge_form.html", {"form": form, "config": config})
    form = NudgeConfigForm(request.POST, existing=config)
    if saved := _saved(request, form, config.code):
        messages.success(request, f"Saved the nudge config {saved.code}.")
        return redirect("recognition:nudges")
    return render(request, "recognition/nudge_form.html", {"form": form, "config": config}, status=400)


@login_required
@require_POST
def nudge_switch(request: HttpRequest, code: str) -> HttpResponse:
    """Switch a config on or off (``enabled`` = 1 or 0): off, its month-end run sends nothing."""
    require(access.may_configure_recognition(request.user))
    config = _config(code)
    enabled = request.POST.get("enabled") == "1"
    try:
        services.switch(user=request.user, code=config.code, enabled=enabled)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        state = "on: it nudges at each month's end" if enabled else "off: it sends nothing"
        messages.success(request, f"Switched {config.code} {state}.")
    return redirect("recognition:nudges")


@login_required
@require_POST
def nudges_send(request: HttpRequest) -> HttpResponse:
    """Send the nudges of the month just ended, as the 1st's job does (``services.send_nudges``): the
    message says how many were sent, that a rerun sent nothing, and names every refused config."""
    require(access.may_send_nudges(request.user))
    month = services.previous_month(timezone.localdate())
    try:
        run = services.send_nudges(month, user=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        (messages.warning if run.refused else messages.success)(request, run.summary())
    return redirect("recognition:nudges")
