"""Friendly 403 and 404 pages: a sentence saying why and the way back, with DEBUG on as with it off.

With DEBUG off Django renders ``handler403``/``handler404`` (config/urls.py: the views below). With DEBUG
on it renders its technical 404 page for every ``Http404`` instead, listing the URL patterns;
``FriendlyNotFoundMiddleware`` answers our page in both cases:

- an ``Http404`` raised by a view reaches ``process_exception``;
- a path matching no route raises ``Resolver404`` while resolving, before any view and outside the
  reach of ``process_exception``: Django's inner handler has already turned it into its 404 response
  when ``__call__`` sees it, and ``request.resolver_match`` is still unset — that response is replaced.

The API keeps its own JSON errors (api/errors.py): paths under /api/ are left alone.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from api.errors import SERVER_ERROR, error_body

API_PREFIX = "/api/"

# Said when the exception carries no sentence of ours. Vague on purpose: a page outside the viewer's
# scope answers 404 like one that does not exist (accounts.access.get_visible), and must not tell them apart.
NOT_FOUND = "There is nothing at this address, or it is not yours to see."
NOT_ALLOWED = "You may not open this page."

# Messages that are not a sentence for the reader: access's deliberately bare one (said as NOT_FOUND) and
# Django's get_object_or_404, which names a model.
_NOT_OURS = ("Not found.",)
_DJANGO_SUFFIX = "matches the given query."


def not_found_reason(exception: BaseException | None) -> str:
    """The sentence a 404 page shows: the ``Http404``'s message when it is one of ours, else ``NOT_FOUND``.

    ``Resolver404`` carries a dict (the patterns tried), never shown.
    """
    message = exception.args[0] if exception is not None and exception.args else None
    if not isinstance(message, str) or not message.strip():
        return NOT_FOUND
    if message in _NOT_OURS or message.endswith(_DJANGO_SUFFIX):
        return NOT_FOUND
    return message


def back_url(request: HttpRequest) -> str | None:
    """The previous page (``Referer``) when it is on this site and not this very address, else None."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a disallowed Host: offer no previous page rather than fail again
        return None
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    if referer == request.build_absolute_uri():
        return None
    return referer


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler404``: templates/404.html with the reason and the way back, status 404."""
    context = {"reason": not_found_reason(exception), "back_url": back_url(request)}
    return render(request, "404.html", context, status=404)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler403``: templates/403.html with the refusal's sentence (``PermissionDenied``'s message)."""
    message = str(exception) if exception is not None else ""
    context = {"reason": message.strip() or NOT_ALLOWED, "back_url": back_url(request)}
    return render(request, "403.html", context, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: under /api/ the API's JSON error shape (api/errors.py), elsewhere templates/500.html;
    status 500. Reached by failures outside a view (an API view answers its own, api.errors); renders
    without a request context, which may be what failed."""
    if not _is_page(request):
        return JsonResponse(error_body("server_error", SERVER_ERROR), status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class GZipKeepingVersionTags(GZipMiddleware):
    """Django's GZipMiddleware, except for an API answer carrying an ``ETag``: compressing weakens the tag
    (``W/"…"``), and a weak tag never matches ``If-Match`` (api.concurrency), so a client sending back the
    tag it was given would be refused at random (the BREACH padding decides whether compressing pays).
    Those answers are one object's JSON: small, so left as they are."""

    def process_response(self, request, response):
        if not _is_page(request) and response.has_header("ETag"):
            return response
        return super().process_response(request, response)


def _is_page(request: HttpRequest) -> bool:
    return not request.path_info.startswith(API_PREFIX)


class FriendlyNotFoundMiddleware:
    """Our 404 page instead of Django's technical one (DEBUG on); see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        unresolved = getattr(request, "resolver_match", None) is None
        if settings.DEBUG and response.status_code == 404 and unresolved and _is_page(request):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and _is_page(request):
            return page_not_found(request, exception)
        return None
