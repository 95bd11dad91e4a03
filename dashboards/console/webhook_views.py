"""The webhook delivery log (docs/webhooks.md "The log"): ops reads every delivery, filtered by status and
event, and sends a failed one again. ``access.may_manage_webhooks`` opens it (403 else); the endpoints
themselves are configured in the Django admin."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from core.errors import AttainError
from webhooks import selectors, services
from webhooks.models import Event, WebhookDelivery

PAGE_SIZE = 50


def _require(user) -> None:
    decision = access.may_manage_webhooks(user)
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    rows = selectors.deliveries(status=status, event=event)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {key: value for key, value in (("status", status), ("event", event)) if value}
    context = {
        "page": page,
        "status": status,
        "event": event,
        "statuses": WebhookDelivery.Status.choices,
        "events": Event.choices,
        "extra_query": urlencode(filters),
    }
    return render(request, "dashboards/console/webhooks.html", context)


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.resend(delivery=delivery, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Webhook delivery #{delivery.pk} is queued to be sent again.")
    back = request.POST.get("next", "")
    if not back.startswith(reverse("dashboards:console-webhooks")):
        back = reverse("dashboards:console-webhooks")
    return redirect(back)
