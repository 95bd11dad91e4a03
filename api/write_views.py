"""Write endpoints: snapshot approval, pulls, calculation runs and the payroll CSV.

(Requests are in api.request_views, bulk scores in api.score_views, imports — jobs — in api.import_views.)

Each view checks the request's shape, calls one service and renders what it returns; the rules are the
services'. Domain errors become statuses once, in api.errors.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, content_negotiation_class, renderer_classes, schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from accounts import access
from adoption.models import Snapshot
from adoption.services import MAX_COMMENT, approve_snapshot
from commissions.services.calculations import start_calculation
from commissions.services.export import write_payouts
from commissions.services.periods import find_period, plans_to_calculate
from commissions.services.pulls import period_to_pull, pull_scores
from core.calendar import CalendarError, FiscalYear
from core.errors import AttainError

from . import idempotency, views
from . import write_serializers as ws
from .concurrency import ETAG, IF_MATCH, if_match, precondition_failed_response, require_match, snapshot_etag
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


class SnapshotApproveSerializer(serializers.Serializer):
    """What the CCO sends with an approval: both optional (DESIGN §3 "Target snapshots")."""

    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_COMMENT,
        help_text="Kept on the snapshot (`approval_comment`): at most 2,000 characters.",
    )
    revision = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The draft's `revision` you reviewed: when a targets import changed the draft since, the "
        "approval is refused (409) and nothing changes.",
    )


@extend_schema(
    operation_id="snapshots_approve",
    tags=["snapshots"],
    summary="Approve and freeze a fiscal year's target snapshot (cco)",
    description=(
        "The CCO approves the fiscal year's draft target snapshot (DESIGN §5); approved, its targets are "
        "frozen and a re-import cannot change them. Send the snapshot's `revision` you reviewed (409 "
        "`conflict` when a targets import changed the draft since: review it again), or its ETag as "
        "`If-Match` (412); an optional `comment` is kept on the snapshot."
    ),
    # JSON only in the schema: a generated client then sends one body type (an empty POST still approves).
    request={"application/json": SnapshotApproveSerializer},
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
    data = _valid(SnapshotApproveSerializer, request.data)
    header = if_match(request)
    with transaction.atomic():
        if header is not None:
            # Who may approve is answered before whether the version is current (403 before 412).
            access.require(access.may_approve_snapshot(request.user, code))
            # Locked, so the digest compared is the one approved (the service's transaction nests here).
            current = Snapshot.objects.select_for_update().filter(fiscal_year=code).first()
            if current is not None:
                require_match(header, snapshot_etag(current))
        snapshot = approve_snapshot(
            fiscal_year=code, user=request.user, comment=data["comment"], revision=data.get("revision")
        )
    response = Response(SnapshotSerializer(snapshot).data)
    response["ETag"] = snapshot_etag(snapshot)
    return response


@extend_schema(
    operation_id="pulls_create",
    tags=["pulls"],
    summary="Pull every customer's quarter-end score (ops)",
    description=(
        "Records each customer's latest adoption score on or before the quarter's last day as the score "
        "its calculations use (DESIGN §4.3). The quarter must be open (409 if closed); pulling again makes "
        "a new pull, and the latest one counts."
    ),
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
    pull = pull_scores(period=period_to_pull(data["period"]), user=request.user, trigger="api")
    return Response(ws.PullSerializer(pull).data, status=status.HTTP_201_CREATED)


# /api/runs/: the read list of api.views.RunViewSet (its docstring stays the list's description), plus
# POST to start a calculation.
class RunStartViewSet(views.RunViewSet):
    @extend_schema(
        operation_id="runs_start",
        tags=["runs"],
        summary="Start calculating a plan for a quarter (ops); runs in the background",
        description=(
            "Queues a calculation run of the plan for the quarter (DESIGN §4) and answers 202 at once with "
            "where to follow it (`GET /api/runs/?period=…&plan=…`). When a run with the plan's current "
            "inputs exists, nothing is queued (`queued: false`). Refused before anything is queued: a plan "
            "of another fiscal year (400), a quarter with no row yet (404), a closed quarter, one that has "
            "not started, or one under way for a plan paying on adoption scores, which are pulled once the "
            "quarter is over (409)."
        ),
        examples=[
            OpenApiExample("Start", value={"plan": "CS-FY26", "period": "FY26-Q2"}, request_only=True),
            OpenApiExample(
                "Queued",
                value={
                    "url": "/api/runs/?period=FY26-Q2&plan=CS-FY26",
                    "plan": "CS-FY26",
                    "queued": True,
                    "message": "CS-FY26: v2 queued",
                },
                response_only=True,
                status_codes=["202"],
            ),
        ],
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
        period, [plan] = plans_to_calculate(data["period"], data["plan"])  # never creates the quarter
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


class CSVOnly(BaseContentNegotiation):
    """payouts.csv answers CSV (errors: JSON) whatever ``Accept`` or ``?format=`` asks: never a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    operation_id="payouts_csv",
    tags=["payouts"],
    summary="Download the payroll CSV of a closed, signed-off quarter (ops, finance)",
    description=(
        "The file payroll loads (DESIGN §6 `export_payouts`): one row per payable line of a CSM and plan, "
        "`period,employee_id,email,plan,currency,amount,type,restates`, money with 2 decimals; with "
        "`detail=true` one row per component, ratios with 4 decimals. Always `text/csv` (UTF-8); errors "
        "are JSON. 409 until the quarter is closed and finance has signed off its payouts (DESIGN §5). "
        "Each download is recorded."
    ),
    parameters=[ws.PayoutsCsvQuerySerializer],
    responses={
        # A string, not binary: the CSV is UTF-8 text, and a client generated by openapi-python-client reads
        # a text/* binary answer as BytesIO(response.text), a TypeError (tests/api/test_generated_client.py).
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR, description="The payroll CSV, as an attachment named payouts-FY26-Q2.csv."
        ),
        # 404: no such quarter; 409: not closed, or not signed off by finance (DESIGN §5).
        **{(code, "application/json"): response for code, response in _errors(400, 403, 404, 409).items()},
    },
)
@api_view(["GET"])
@schema(AttainAutoSchema())
@renderer_classes([CSVRenderer])
@content_negotiation_class(CSVOnly)
def payouts_csv(request):
    access.require(access.may_export_payroll(request.user))
    data = _valid(ws.PayoutsCsvQuerySerializer, request.query_params)
    detail = data["detail"]
    period = find_period(data["period"])  # a GET never creates the quarter it names
    out = io.StringIO()
    write_payouts(period, out, detail=detail, user=request.user)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"payouts-{period.code}{'-detail' if detail else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
