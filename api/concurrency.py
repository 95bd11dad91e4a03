"""ETag and ``If-Match``: a decision is taken on the version of an object the client read.

A request's ETag is its ``version`` (bumped by every transition, approvals.services); a snapshot's is a
digest of its status and target lines. ``If-Match`` is optional: without it a write acts on the
current version (the services' compare-and-set still refuses a version that changed under it, 409);
with it, a write whose ETag is no longer current is refused with 412 and changes nothing.
"""

from __future__ import annotations

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from adoption.models import Snapshot
from approvals.models import Request

from .errors import PreconditionFailed

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional. The ETag you read (GET answers it in the `ETag` header). When it is no longer the "
        "current one the write is refused with 412 and changes nothing. `*` matches any version."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The version of the object answered; send it back as `If-Match` on a write.",
)


def precondition_failed_response() -> dict:
    from .write_serializers import ErrorSerializer

    return {
        412: OpenApiResponse(ErrorSerializer, description="If-Match names a version that is not current.")
    }


def request_etag(request: Request) -> str:
    return f'"request-{request.pk}-v{request.version}"'


def snapshot_etag(snapshot: Snapshot) -> str:
    """A digest of the snapshot's status and every target line: it changes when a re-import does."""
    digest = hashlib.sha256(f"{snapshot.pk}:{snapshot.status}".encode())
    lines = snapshot.lines.order_by("pk").values_list(
        "pk", "customer_id", "period", "baseline_score", "target_score"
    )
    for line in lines.iterator(chunk_size=5000):
        digest.update(repr(line).encode())
    return f'"snapshot-{snapshot.pk}-{digest.hexdigest()[:32]}"'


def if_match(http_request) -> str | None:
    return http_request.headers.get("If-Match")


def require_match(header: str | None, current: str) -> None:
    """Raise ``PreconditionFailed`` unless ``header`` (an If-Match value) names ``current``.

    Strong comparison (RFC 9110 §13.1.1): a weak tag never matches; ``*`` matches any current object.
    """
    if header is None:
        return
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed()
