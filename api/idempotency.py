"""``Idempotency-Key`` on the POSTs that create money-affecting records (imports, scores, pulls, runs,
requests): a retried request is answered with the first one's response instead of doing it twice.

* A key is a client's string (1–255 printable ASCII characters), unique per user, kept 24 hours.
* The first request with a key claims it (an ``IdempotencyKey`` row, unique on (user, key)), runs, and
  stores its response when it succeeded (2xx). A failed request (4xx/5xx or an exception) releases the
  key, so the client may correct the request and send it again with the same key.
* Same key, same request (method, path, query and body): the stored response again, marked with the
  ``Idempotent-Replayed: true`` header, with the first one's ``Location`` and ``ETag``. Same key,
  another request: 422 ``idempotency_key_reused``.
  Same key while the first is still running: 409 ``idempotency_key_in_progress``.
* Without the header a POST works as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User

from .errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag")  # repeated by a replay, so a retried client can follow them
TTL = timedelta(hours=24)
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")

PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    # Printable ASCII without spaces, as in the regular expression above.
    pattern=r"^[!-~]{1,255}$",
    description=(
        "Optional. A unique string per intended operation (a UUID, say). Sending the same request again "
        "with the same key within 24 hours answers the first response, with `Idempotent-Replayed: true`, "
        "and does nothing twice; the same key with a different request is refused with 422."
    ),
)
REPLAYED = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201, 202],
    description="`true` when this is the stored response of an earlier request with the same key.",
)


def responses() -> dict:
    """The statuses a keyed request adds, for ``extend_schema``."""
    from .write_serializers import ErrorSerializer

    return {
        409: OpenApiResponse(
            ErrorSerializer,
            description="Conflicts with the current state, or the "
            "request with this Idempotency-Key is still in progress.",
        ),
        422: OpenApiResponse(
            ErrorSerializer, description="The Idempotency-Key was used for another request."
        ),
    }


def fingerprint(request: Request) -> str:
    """SHA-256 of what makes two requests the same: method, path, query and (parsed) body."""
    query = sorted(request.query_params.lists())
    shape = {"method": request.method, "path": request.path, "query": query, "body": _canonical(request.data)}
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()


def _canonical(value):
    # A multipart body's boundary is random: hash its fields and its files' contents, not its bytes.
    if isinstance(value, QueryDict):
        return {key: [_canonical(item) for item in items] for key, items in value.lists()}
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        value.seek(0)
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    return value


@dataclass
class Claim:
    """Either a fresh claim on the key (``record``) or the stored response to answer (``replay``)."""

    record: IdempotencyKey | None = None
    replay: Response | None = None


def claim(*, user: User, key: str, request_hash: str) -> Claim:
    """Claim ``key`` for ``user``, or find the response already stored under it.

    Side effects: deletes the user's expired keys; inserts the claim (committed at once outside a
    transaction, so a concurrent request with the key sees it). Raises ``IdempotencyKeyReused`` (422)
    or ``IdempotencyKeyInProgress`` (409).
    """
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, expires_at__lte=now).delete()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, request_hash=request_hash, expires_at=now + TTL
                )
            return Claim(record=record)
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # released between our insert and our read: try to claim it again
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused()
        if existing.in_progress:
            raise IdempotencyKeyInProgress()
        replay = Response(existing.response_body, status=existing.response_status)
        for name, value in (existing.response_headers or {}).items():
            replay[name] = value
        replay[REPLAYED_HEADER] = "true"
        return Claim(replay=replay)
    raise IdempotencyKeyInProgress()


def purge_expired() -> int:
    """Delete every user's expired keys (the beat task ``api.tasks.purge_idempotency_keys``); how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def complete(record: IdempotencyKey, response: Response) -> None:
    """Store a successful response under the claimed key; release the key of a failed one."""
    if not 200 <= response.status_code < 300:
        release(record)
        return
    body = json.loads(JSONRenderer().render(response.data) or b"null")
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    IdempotencyKey.objects.filter(pk=record.pk).update(
        response_status=response.status_code, response_body=body, response_headers=headers
    )


def release(record: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).delete()


def idempotent(view):
    """Honour ``Idempotency-Key`` on a view function or method taking a DRF ``Request``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request = next(arg for arg in args if isinstance(arg, Request))
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not KEY_RE.match(key):
            raise serializers.ValidationError(
                {HEADER: ["Use 1 to 255 printable ASCII characters without spaces."]}
            )
        claimed = claim(user=request.user, key=key, request_hash=fingerprint(request))
        if claimed.replay is not None:
            return claimed.replay
        try:
            response = view(*args, **kwargs)
        except BaseException:
            release(claimed.record)
            raise
        complete(claimed.record, response)
        return response

    return wrapper
