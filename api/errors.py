"""One JSON error shape for the whole API: {"error": {"code", "message", "details"}}.

Domain errors (commissions.errors) are mapped to statuses here, once (STYLE "Errors").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from commissions.errors import AttainError, NotAllowed, NotFound, PeriodClosed, SnapshotFrozen


def _domain_status(exc: AttainError) -> tuple[int, str]:
    if isinstance(exc, NotAllowed):
        return status.HTTP_403_FORBIDDEN, "not_allowed"
    if isinstance(exc, NotFound):
        return status.HTTP_404_NOT_FOUND, "not_found"
    if isinstance(exc, PeriodClosed):
        return status.HTTP_409_CONFLICT, "period_closed"
    if isinstance(exc, SnapshotFrozen):
        return status.HTTP_409_CONFLICT, "snapshot_frozen"
    return status.HTTP_400_BAD_REQUEST, "invalid"


def _message(detail) -> str:
    if isinstance(detail, dict):
        return "Invalid input."
    if isinstance(detail, list):
        return str(detail[0]) if detail else "Invalid input."
    return str(detail)


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def exception_handler(exc, context):
    """DRF's handler, reshaped; AttainError subclasses become 403/404/409/400."""
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
