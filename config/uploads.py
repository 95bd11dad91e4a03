"""Refuse request bodies above ``MAX_UPLOAD_BYTES`` before they are read (HTTP 413).

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves uploaded files out, and its multipart parser streams
them to disk: without this a client could fill the disk before the import service looks at the size.
The import service checks the file's own size too (a chunked body has no Content-Length).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse

# Room for the form fields and multipart boundaries around a file of exactly MAX_UPLOAD_BYTES.
ENVELOPE_BYTES = 64 * 1024


def too_large_message(limit: int) -> str:
    return f"The request is too large: files of at most {limit:,} bytes are accepted (MAX_UPLOAD_BYTES)."


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + ENVELOPE_BYTES:
            message = too_large_message(limit)
            if request.path.startswith("/api/"):
                body = {"error": {"code": "too_large", "message": message, "details": None}}
                return JsonResponse(body, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
