"""The console's webhook pages (docs/webhooks.md): the delivery log — every delivery, filtered by status
and event, a failed one sent again, a pending one tried now — and the endpoints — listed, added, edited,
deactivated, their secret replaced (shown once). ``access.may_manage_webhooks`` opens them (403 else);
the services check it again and write."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from core.errors import AttainError
from webhooks import endpoints, selectors, services
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

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


def _back_to_log(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    if not back.startswith(reverse("dashboards:console-webhooks")):
        back = reverse("dashboards:console-webhooks")
    return redirect(back)


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed delivery sent again with a fresh count of tries (``services.resend``)."""
    _require(request.user)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.resend(delivery=delivery, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Webhook delivery #{delivery.pk} is queued to be sent again.")
    return _back_to_log(request)


@login_required
@require_POST
def retry_now(request: HttpRequest, pk: int) -> HttpResponse:
    """A pending delivery's next try made now, not after its backoff (``services.retry_now``)."""
    _require(request.user)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.retry_now(delivery=delivery, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Webhook delivery #{delivery.pk} is queued to be tried now.")
    return _back_to_log(request)


# --- Endpoints ---------------------------------------------------------------------------------------------


class EndpointForm(forms.Form):
    """What ops sets on an endpoint; the secret is never a field (Attain makes it)."""

    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where the events are POSTed: an http:// or https:// URL (redirects are not followed).",
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/attain"}),
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    is_active = forms.BooleanField(
        label="Active", required=False, initial=True, help_text="An inactive endpoint receives no new event."
    )

    def clean_url(self) -> str:
        return endpoints.check_url(self.cleaned_data["url"])


def _form_page(request: HttpRequest, form: EndpointForm, endpoint: WebhookEndpoint | None, status=200):
    context = {"form": form, "endpoint": endpoint}
    return render(request, "dashboards/console/webhook_endpoint_form.html", context, status=status)


def _secret_page(request: HttpRequest, endpoint: WebhookEndpoint, secret: str, *, made: str) -> HttpResponse:
    """The only page that shows a secret: the answer to the POST that made it, never stored or cached."""
    context = {"endpoint": endpoint, "secret": secret, "made": made}
    response = render(request, "dashboards/console/webhook_secret.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _saved(request: HttpRequest, form: EndpointForm, save) -> WebhookEndpoint | None:
    """``save(**cleaned_data)``; a refusal by the model's validation becomes the form's errors."""
    try:
        return save(**form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


@login_required
@require_GET
def endpoint_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    context = {"endpoints": selectors.endpoints(), "events": dict(Event.choices)}
    return render(request, "dashboards/console/webhook_endpoints.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_new(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    if request.method != "POST":
        return _form_page(request, EndpointForm(), None)
    form = EndpointForm(request.POST)
    if form.is_valid():
        endpoint = _saved(request, form, lambda **data: endpoints.create_endpoint(**data, user=request.user))
        if endpoint is not None:
            return _secret_page(request, endpoint, endpoint.secret, made="added")
    return _form_page(request, form, None, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if request.method != "POST":
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        }
        return _form_page(request, EndpointForm(initial=initial), endpoint)
    form = EndpointForm(request.POST)
    if form.is_valid():
        saved = _saved(
            request,
            form,
            lambda **data: endpoints.update_endpoint(endpoint=endpoint, **data, user=request.user),
        )
        if saved is not None:
            messages.success(request, f"Endpoint {saved.url} is saved.")
            return redirect("dashboards:console-webhook-endpoints")
    return _form_page(request, form, endpoint, status=400)


@login_required
@require_POST
def endpoint_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoints.deactivate_endpoint(endpoint=endpoint, user=request.user)
    messages.success(request, f"Endpoint {endpoint.url} is inactive: it receives no new event.")
    return redirect("dashboards:console-webhook-endpoints")


@login_required
@require_POST
def endpoint_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    secret = endpoints.rotate_secret(endpoint=endpoint, user=request.user)
    return _secret_page(request, endpoint, secret, made="replaced")
