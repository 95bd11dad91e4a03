"""One JSON error shape for the whole API: {"error": {"code", "message", "details"}}.

Domain errors (core.errors) are mapped to statuses here, once (STYLE "Errors"). Every status answers
this shape — 400 to 429 and the server's own 500 and 503 alike — so a generated client reads one model:

- 400: ``details`` is always the errors by field, ``{field: [messages]}`` (nested fields as
  ``field.sub`` or ``field[0].sub``; a refusal of the whole request under ``non_field_errors``). A
  refused import or score list is the one exception: its ``details`` lists the bad rows (docs/api.md).
- 405, 415, 429: DRF's refusals, reshaped; a 429 carries ``Retry-After`` (seconds).
- 500: an unexpected error, logged with its traceback; the body names no internals.
- 503: the database is unreachable or busy (``OperationalError``), with ``Retry-After``.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import (
    AttainError,
    Conflict,
    FileTooLarge,
    NotAllowed,
    NotFound,
    PeriodClosed,
    SnapshotFrozen,
)

logger = logging.getLogger("api.errors")

NON_FIELD = "non_field_errors"
UNAVAILABLE_RETRY_AFTER = 30  # seconds: a database restart or a lock wait, not an outage


def _domain_status(exc: AttainError) -> tuple[int, str]:
    if isinstance(exc, NotAllowed):
        return status.HTTP_403_FORBIDDEN, "not_allowed"
    if isinstance(exc, NotFound):
        return status.HTTP_404_NOT_FOUND, "not_found"
    if isinstance(exc, PeriodClosed):
        return status.HTTP_409_CONFLICT, "period_closed"
    if isinstance(exc, SnapshotFrozen):
        return status.HTTP_409_CONFLICT, "snapshot_frozen"
    if isinstance(exc, Conflict):
        return status.HTTP_409_CONFLICT, "conflict"
    if isinstance(exc, FileTooLarge):
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large"
    return status.HTTP_400_BAD_REQUEST, "invalid"


class PreconditionFailed(exceptions.APIException):
    """An ``If-Match`` header names a version that is no longer the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The object changed since you read it: fetch it again for its current ETag."


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_progress"
    default_detail = "A request with this Idempotency-Key is still being processed: retry in a moment."


def _message(detail) -> str:
    if isinstance(detail, dict):
        # The first error as the sentence (``details`` has them all); DRF's own "This field …" is
        # meaningless without the field's name.
        for field, messages in field_errors(detail).items():
            first = messages[0] if messages else "Invalid input."
            return f"{field}: {first}" if first.startswith("This field") else first
        return "Invalid input."
    if isinstance(detail, list):
        return str(detail[0]) if detail else "Invalid input."
    return str(detail)


def field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """A DRF error detail (a dict, list or string, nested any depth) as ``{field: [messages]}``.

    Nested serializers' errors get dotted names (``components.weight``), a list's items their index
    (``rows[2].score``); messages not tied to a field go under ``non_field_errors``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                name = prefix
            for field, messages in field_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                name = f"{prefix}[{index}]" if prefix else f"[{index}]"
                for field, messages in field_errors(item, name).items():
                    out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        out[prefix or NON_FIELD] = [str(item) for item in detail]
    else:
        out[prefix or NON_FIELD] = [str(detail)]
    return out


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def exception_handler(exc, context):
    """DRF's handler, reshaped; AttainError subclasses become 403/404/409/400; 412 and 422 keep theirs;
    anything else a 503 (database unreachable) or a 500, in the same shape (module docstring)."""
    if isinstance(exc, AttainError):
        http_status, code = _domain_status(exc)
        details = getattr(exc, "errors", None)
        if http_status == status.HTTP_400_BAD_REQUEST:
            details = {NON_FIELD: [str(e) for e in details] if isinstance(details, list) else [exc.message]}
        set_rollback()
        return Response(error_body(code, exc.message, details), status=http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    if isinstance(exc, Http404):
        code, detail = "not_found", "Not found."
    elif isinstance(exc, PermissionDenied):
        code, detail = "permission_denied", "You do not have permission to perform this action."
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail
    else:
        code, detail = "error", response.data
    # details: always {field: [messages]} on a 400; otherwise null unless the refusal has several parts.
    details = field_errors(detail) if isinstance(detail, (dict, list)) else None
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        details = field_errors(detail)
        code = "invalid" if isinstance(exc, exceptions.ValidationError) else code
    response.data = error_body(str(code), _message(detail), details)
    return response


SERVER_ERROR = "The server failed to answer; the error is logged. Try again later."


def _server_error(exc: Exception, context) -> Response:
    """An exception no rule expected: logged with its traceback, answered in the error shape."""
    request = context.get("request")
    path = getattr(request, "path", "?")
    set_rollback()
    if isinstance(exc, OperationalError):
        logger.exception("Database unavailable answering %s", path)
        body = error_body("unavailable", "The service is briefly unavailable: retry in a moment.")
        response = Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    logger.exception("Server error answering %s", path)
    body = error_body("server_error", SERVER_ERROR)
    return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


@csrf_exempt  # a POST to no route is a 404 too, not a CSRF refusal
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/: a 404 in the API's shape rather than Django's HTML page."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)
