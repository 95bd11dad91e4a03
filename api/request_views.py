"""/api/requests/: exception and extra-credit requests (DESIGN §5) — read, file, decide, apply.

Reads are scoped like the request pages (accounts.access). Each request answers its ``ETag`` (its
version); a decision may send it back as ``If-Match`` so that it is taken on the version the person
read (api.concurrency). Filing honours ``Idempotency-Key`` (api.idempotency).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from adoption.access import customers_visible_to
from approvals import selectors as approval_selectors
from approvals import services as approvals
from approvals.access import requests_visible_to
from core.errors import ChangedMeanwhile

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
STEP = {
    "approve": "Approves the step the request waits for: the CCO's, then (an exception) finance's. The "
    "comment is required and is shown to the filer.",
    "reject": "Rejects the request at the step it waits for; it ends there. The comment is required.",
    "withdraw": "The filer takes the request back while it waits for an approval; it ends there.",
    "apply": "Ops applies an approved request: the next calculation of its quarter uses it; a closed "
    "quarter's request becomes a correction of that quarter (DESIGN §5).",
}
REQUEST_EXAMPLE = {
    "id": 12,
    "kind": "exception",
    "customer": "ACME",
    "period": "FY26-Q2",
    "value": "0.9000",
    "justification": "Adoption stalled by the customer's own migration freeze in May.",
    "status": "pending_cco",
    "filed_by": "csvp@example.com",
    "filed_at": "2026-06-20T14:03:11Z",
    "version": 1,
}
FILE_EXAMPLE = {
    "kind": "exception",
    "customer_id": "ACME",
    "period": "FY26-Q2",
    "value": "0.9000",
    "justification": "Adoption stalled by the customer's own migration freeze in May.",
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
    body = ws.DecisionSerializer if name in ("approve", "reject") else ws.CommentSerializer

    def decide(self, request, pk=None):
        data = _valid(body, request.data)
        target = self.get_object()
        header = if_match(request)
        require_match(header, request_etag(target))
        try:
            done = service(request=target, user=request.user, comment=data["comment"])
        except ChangedMeanwhile:
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
            f"{STEP[name]} One step of the request's workflow (DESIGN §5). Send the ETag you read as "
            "`If-Match` to act only on that version (412 if it changed)."
        ),
        request=body,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: OpenApiResponse(ws.RequestSerializer, description="The request after the step."),
            409: OpenApiResponse(ERROR, description="The request changed meanwhile."),
            **_errors(400, 403, 404),
            **precondition_failed_response(),
        },
    )(decide)


@extend_schema_view(
    list=extend_schema(
        tags=["requests"],
        summary="List exception and extra-credit requests",
        description="Requests in your scope, with their status in the workflow (DESIGN §5): all for cco, "
        "finance, ops and admin; a Geo VP's geo; a CSM's current book. Paged; filters and `ordering` as "
        "listed, a malformed or unknown value of any of them is a 400 naming it.",
        examples=[OpenApiExample("A request waiting for the CCO", value=REQUEST_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        tags=["requests"],
        summary="Get one request, with its ETag",
        description="One request; its `ETag` header is the version to send back as `If-Match` on a "
        "decision. Out of your scope is a 404.",
        examples=[OpenApiExample("A request waiting for the CCO", value=REQUEST_EXAMPLE, response_only=True)],
    ),
)
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
        examples=[
            OpenApiExample("An exception", value=FILE_EXAMPLE, request_only=True),
            OpenApiExample("Filed", value=REQUEST_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
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
