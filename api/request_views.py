"""/api/requests/: exception and extra-credit requests (DESIGN §5) — read, file, decide, apply.

Reads are scoped like the request pages (accounts.access). Each request answers its ``ETag`` (its
version); a decision may send it back as ``If-Match`` so that it is taken on the version the person
read (api.concurrency). Filing honours ``Idempotency-Key`` (api.idempotency).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from adoption.access import customers_visible_to
from approvals import selectors as approval_selectors
from approvals import services as approvals
from approvals.access import requests_visible_to
from core.errors import Conflict

from . import filters, idempotency
from . import write_serializers as ws
from .concurrency import ETAG, IF_MATCH, if_match, precondition_failed_response, request_etag, require_match
from .errors import PreconditionFailed
from .views import ScopedViewSet
from .write_views import ERROR, _errors, _valid

SERVICES = {
    "approve": approvals.approve,
    "reject": approvals.reject,
    "withdraw": approvals.withdraw,
    "apply": approvals.apply,
}
WHO = {
    "approve": "the approver the request waits for: cco, then finance for an exception",
    "reject": "the approver the request waits for",
    "withdraw": "the csvp who filed it, while it waits for an approval",
    "apply": "ops, once it is approved",
}


def _with_etag(data: dict, request_obj, http_status: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=http_status)
    response["ETag"] = request_etag(request_obj)
    return response


def _decision(name: str):
    service = SERVICES[name]

    def decide(self, request, pk=None):
        data = _valid(ws.CommentSerializer, request.data)
        target = self.get_object()
        header = if_match(request)
        require_match(header, request_etag(target))
        try:
            done = service(request=target, user=request.user, comment=data["comment"])
        except Conflict:
            # The version matched when read but changed before the compare-and-set: still a stale ETag.
            if header is not None:
                raise PreconditionFailed() from None
            raise
        return _with_etag(ws.RequestSerializer(done).data, done)

    decide.__name__ = name
    decide = action(detail=True, methods=["post"])(decide)
    return extend_schema(
        operation_id=f"requests_{name}",
        tags=["requests"],
        summary=f"{name.capitalize()} a request ({WHO[name]})",
        description=(
            "Takes one step of the request's workflow (DESIGN §5) with an optional comment (required to "
            "approve or reject). Send the ETag you read as `If-Match` to act only on that version."
        ),
        request=ws.CommentSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: OpenApiResponse(ws.RequestSerializer, description="The request after the step."),
            409: OpenApiResponse(ERROR, description="The request changed meanwhile."),
            **_errors(400, 403, 404),
            **precondition_failed_response(),
        },
    )(decide)


class RequestViewSet(ScopedViewSet):
    """Exception and extra-credit requests in your scope: all; a Geo VP's geo; a CSM's current book."""

    serializer_class = ws.RequestSerializer
    filterset_class = filters.RequestFilter
    ordering_fields = ["filed_at", "status", "period__code"]
    lookup_value_regex = r"\d+"

    def scoped(self, user) -> QuerySet:
        return requests_visible_to(user).select_related("customer", "period", "filed_by")

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        """One request; its ``ETag`` header is the version to send back as If-Match on a decision."""
        target = self.get_object()
        return _with_etag(self.get_serializer(target).data, target)

    @extend_schema(
        operation_id="requests_file",
        tags=["requests"],
        summary="File an exception or extra-credit request (csvp of the customer's geo)",
        description=(
            "Files a request for an open quarter, or for a closed one within its year-end window (from its "
            "fiscal year's last pull for YEAR_END_WINDOW_DAYS days); it then waits for the CCO. Applied, a "
            "closed quarter's request is a correction of that quarter. Answers its ETag."
        ),
        request=ws.RequestFileSerializer,
        parameters=[idempotency.PARAMETER, idempotency.REPLAYED, ETAG],
        responses={
            201: OpenApiResponse(ws.RequestSerializer, description="Filed; waits for the CCO."),
            **_errors(400, 403, 404),
            **idempotency.responses(),
        },
    )
    @idempotency.idempotent
    def create(self, request):
        data = _valid(ws.RequestFileSerializer, request.data)
        customer = access.get_visible(customers_visible_to(request.user), customer_id=data["customer_id"])
        filed = approvals.file_request(
            user=request.user,
            kind=data["kind"],
            customer=customer,
            # The quarters the filing page offers, and no other: the open ones and the closed ones within
            # their year-end window (approvals.selectors.filing_periods, approvals.year_end).
            period=approval_selectors.offered_period(data["period"], approval_selectors.filing_periods()),
            value=data["value"],
            justification=data["justification"],
        )
        return _with_etag(ws.RequestSerializer(filed).data, filed, status.HTTP_201_CREATED)

    approve = _decision("approve")
    reject = _decision("reject")
    withdraw = _decision("withdraw")
    apply = _decision("apply")
