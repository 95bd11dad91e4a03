"""Write endpoints: imports, snapshot approval, pulls, calculation runs and the payroll CSV.

(Requests are in api.request_views, bulk scores in api.score_views.)

Each view checks the request's shape, calls one service and renders what it returns; the rules are the
services'. Domain errors become statuses once, in api.errors; a refused import keeps its row errors.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes, renderer_classes, schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts import access
from adoption.models import Snapshot
from adoption.services import approve_snapshot
from commissions.models import Plan
from commissions.services.calculations import start_calculation
from commissions.services.export import write_payouts
from commissions.services.imports import ImportRefused, import_file
from commissions.services.periods import find_period, open_period_for_writing
from commissions.services.pulls import pull_scores
from core.calendar import CalendarError, FiscalYear
from core.errors import AttainError, NotFound

from . import idempotency, views
from . import write_serializers as ws
from .concurrency import ETAG, IF_MATCH, if_match, precondition_failed_response, require_match, snapshot_etag
from .errors import error_body
from .schema import AttainAutoSchema
from .serializers import SnapshotSerializer

ERROR = ws.ErrorSerializer


def _errors(*statuses: int) -> dict:
    descriptions = {
        400: "Invalid input, or refused by a rule.",
        401: "Not signed in.",
        403: "The role this needs is missing.",
        404: "Not found, or out of your scope.",
        409: "Conflicts with the current state.",
        412: "If-Match names a version that is not current.",
        422: "The Idempotency-Key was used for another request.",
    }
    return {code: OpenApiResponse(ERROR, description=descriptions[code]) for code in (401, *statuses)}


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(
    operation_id="imports_create",
    tags=["imports"],
    summary="Import a CSV or Excel (.xlsx) file of one DESIGN §3 kind (ops)",
    request={"multipart/form-data": ws.ImportUploadSerializer},
    parameters=[idempotency.PARAMETER, idempotency.REPLAYED],
    responses={
        201: ws.ImportResultSerializer,
        400: OpenApiResponse(ws.ImportRefusalSerializer, description="Refused; nothing written."),
        **_errors(403),
        **idempotency.responses(),
    },
)
@api_view(["POST"])
@schema(AttainAutoSchema())
@parser_classes([MultiPartParser, FormParser])
@idempotency.idempotent
def import_create(request):
    # Who may import is answered before whether the upload is valid (403 before 400).
    access.require(access.may_import(request.user, str(request.data.get("kind") or "files")))
    data = _valid(ws.ImportUploadSerializer, request.data)
    upload = data["file"]
    try:
        result = import_file(
            kind=data["kind"], file=upload, file_name=upload.name, user=request.user, dry_run=data["dry_run"]
        )
    except ImportRefused as refused:
        details = [error.as_dict() for error in refused.errors]
        count = refused.error_count
        message = f"The {refused.kind} file was refused ({count} error(s)); nothing was imported."
        if count > len(details):
            message += f" The first {len(details)} are listed."
        body = error_body("import_refused", message, details)
        body["error"]["error_count"] = count
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return Response(ws.ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema(
    operation_id="snapshots_approve",
    tags=["snapshots"],
    summary="Approve and freeze a fiscal year's target snapshot (cco)",
    request=None,
    parameters=[IF_MATCH, ETAG],
    responses={200: SnapshotSerializer, **_errors(400, 403, 404, 409), **precondition_failed_response()},
)
@api_view(["POST"])
@schema(AttainAutoSchema())
def snapshot_approve(request, fiscal_year: str):
    try:
        code = FiscalYear.parse(fiscal_year).code
    except CalendarError as exc:
        raise AttainError(str(exc)) from None
    header = if_match(request)
    with transaction.atomic():
        if header is not None:
            # Who may approve is answered before whether the version is current (403 before 412).
            access.require(access.may_approve_snapshot(request.user, code))
            # Locked, so the digest compared is the one approved (the service's transaction nests here).
            current = Snapshot.objects.select_for_update().filter(fiscal_year=code).first()
            if current is not None:
                require_match(header, snapshot_etag(current))
        snapshot = approve_snapshot(fiscal_year=code, user=request.user)
    response = Response(SnapshotSerializer(snapshot).data)
    response["ETag"] = snapshot_etag(snapshot)
    return response


@extend_schema(
    operation_id="pulls_create",
    tags=["pulls"],
    summary="Pull every customer's quarter-end score (ops)",
    request=ws.PeriodInputSerializer,
    parameters=[idempotency.PARAMETER, idempotency.REPLAYED],
    responses={201: ws.PullSerializer, **_errors(400, 403, 409), **idempotency.responses()},
)
@api_view(["POST"])
@schema(AttainAutoSchema())
@idempotency.idempotent
def pull_create(request):
    access.require(access.may_pull(request.user))
    data = _valid(ws.PeriodInputSerializer, request.data)
    pull = pull_scores(period=open_period_for_writing(data["period"]), user=request.user, trigger="api")
    return Response(ws.PullSerializer(pull).data, status=status.HTTP_201_CREATED)


# /api/runs/: the read list of api.views.RunViewSet (its docstring stays the list's description), plus
# POST to start a calculation.
class RunStartViewSet(views.RunViewSet):
    @extend_schema(
        operation_id="runs_start",
        tags=["runs"],
        summary="Start calculating a plan for a quarter (ops); runs in the background",
        request=ws.RunStartSerializer,
        parameters=[idempotency.PARAMETER, idempotency.REPLAYED],
        responses={
            202: OpenApiResponse(
                ws.RunAcceptedSerializer, description="Queued (or already current); follow the URL."
            ),
            **_errors(400, 403, 404, 409),
            **idempotency.responses(),
        },
    )
    @idempotency.idempotent
    def create(self, request):
        access.require(access.may_calculate(request.user))
        data = _valid(ws.RunStartSerializer, request.data)
        period = find_period(data["period"])  # calculating never creates the quarter it names
        plan = Plan.objects.filter(code=data["plan"]).first()
        if plan is None:
            raise NotFound(f"There is no plan {data['plan']!r}.")
        started = start_calculation(period=period, plan=plan, user=request.user, trigger="api")
        url = "/api/runs/?" + urlencode({"period": period.code, "plan": plan.code})
        body = {"url": url, "plan": plan.code, "queued": started.queued, "message": started.message}
        return Response(ws.RunAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class CSVRenderer(BaseRenderer):
    """Lets a client ask for text/csv; errors are still rendered as the JSON error shape."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str | bytes):
            return data
        # An error asked for as CSV is still the JSON error shape, and says so.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data)


@extend_schema(
    operation_id="payouts_csv",
    tags=["payouts"],
    summary="The payroll CSV of a closed quarter signed off by finance (ops, finance)",
    parameters=[
        OpenApiParameter("period", OpenApiTypes.STR, required=True, description="e.g. FY22-Q2"),
        OpenApiParameter("detail", OpenApiTypes.BOOL, description="One row per component instead."),
    ],
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The payroll CSV (DESIGN §6)."),
        # 404: a ``format`` other than json or csv; 409: not closed, or not signed off by finance (DESIGN §5).
        **{(code, "application/json"): response for code, response in _errors(400, 403, 404, 409).items()},
    },
)
@api_view(["GET"])
@schema(AttainAutoSchema())
@renderer_classes([JSONRenderer, CSVRenderer])
def payouts_csv(request):
    access.require(access.may_export_payroll(request.user))
    data = _valid(ws.PeriodInputSerializer, request.query_params)
    detail = request.query_params.get("detail", "") in ("1", "true", "yes")
    period = find_period(data["period"])  # a GET never creates the quarter it names
    out = io.StringIO()
    write_payouts(period, out, detail=detail, user=request.user)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"payouts-{period.code}{'-detail' if detail else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
