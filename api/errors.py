"""One JSON error shape for the whole API: {"error": {"code", "message", "details"}}.

Domain errors (core.errors) are mapped to statuses here, once (STYLE "Errors").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import (
    AttainError,
    Conflict,
    FileTooLarge,
    NotAllowed,
    NotFound,
    PeriodClosed,
    SnapshotFrozen,
)


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
        return "Invalid input."
    if isinstance(detail, list):
        return str(detail[0]) if detail else "Invalid input."
    return str(detail)


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def exception_handler(exc, context):
    """DRF's handler, reshaped; AttainError subclasses become 403/404/409/400; 412 and 422 keep theirs."""
    if isinstance(exc, AttainError):
        http_status, code = _domain_status(exc)
        details = getattr(exc, "errors", None)
        return Response(error_body(code, exc.message, details), status=http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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
    details = detail if isinstance(detail, (dict, list)) else None
    response.data = error_body(str(code), _message(detail), details)
    return response


@csrf_exempt  # a POST to no route is a 404 too, not a CSRF refusal
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/: a 404 in the API's shape rather than Django's HTML page."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)
