"""/api/imports/: an import is a job, as on the console's Imports page (docs/imports.md "Imports in the
browser" and "The API"; DESIGN §3).

``POST /api/imports/`` stores the file as an ``ImportJob`` and queues its dry run (202, ``Location`` the
job); ``GET /api/imports/jobs/{id}/`` follows it; ``POST …/confirm/`` queues its writing, all or nothing
(202 again); ``…/recheck/`` checks it again when its kind's data changed since its dry run; ``…/discard/``
drops it. The same service and the same Celery task as the page (commissions.services.imports.jobs),
so a file is imported the same way whoever sends it. ``GET /api/imports/`` is the import history: every
import record, command, API or page alike.

Who sees the jobs and the history: whoever sees the console (ops, admins, the CCO, finance); who may
upload and confirm: ``access.may_import`` (the service enforces it).
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from commissions.models import ImportJob, ImportRecord
from commissions.services.imports.freshness import CheckOutOfDate
from commissions.services.imports.jobs import (
    confirm_import_job,
    discard_import_job,
    recheck_import_job,
    start_import_job,
)
from core.calendar import QUARTER_EXAMPLE, FiscalQuarter
from core.errors import NotAllowed
from core.fiscal import calendar

from . import idempotency
from . import import_serializers as ims
from .errors import error_body
from .filters import QuarterFilter
from .schema import AttainAutoSchema
from .write_serializers import ErrorSerializer

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[202],
    description="The job to poll (GET) until its `waiting` is false.",
)
DESCRIPTIONS = {
    400: "Invalid input (errors by field), or refused by a rule.",
    401: "Not signed in: send `Authorization: Bearer <key>`.",
    403: "The role this needs is missing.",
    404: "Not found.",
    409: "Conflicts with the job's state: it is not checked (still checking, refused, already confirmed), or"
    " (`check_out_of_date`) its kind's data changed since its dry run: check it again.",
    413: "The file is above MAX_UPLOAD_BYTES: split it.",
}


def _errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in (401, *codes)}


def _require_viewer(view) -> None:
    # The Imports page's readers: whoever sees the console (dashboards.console.views.VIEWERS).
    if getattr(view, "swagger_fake_view", False):
        return  # the schema generator reading the view's model
    if not access.sees_everything(view.request.user):
        raise NotAllowed("Import jobs and the import history are for ops, admins, the CCO and finance.")


def _accepted(job: ImportJob, http_status: int = status.HTTP_202_ACCEPTED) -> Response:
    response = Response(ims.ImportJobSerializer(job).data, status=http_status)
    response["Location"] = reverse("import-job", args=[job.pk])
    return response


def _jobs() -> QuerySet:
    return (
        ImportJob.objects.select_related("user", "confirmed_by").defer("data").order_by("-created_at", "-pk")
    )


class ImportRecordFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ims.KIND_CHOICES)
    status = filters.ChoiceFilter(choices=ImportRecord.Status.choices)
    period = QuarterFilter(
        method="in_period",
        help_text=f"A fiscal quarter, e.g. {QUARTER_EXAMPLE}: the records started within it.",
    )
    date_from = filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", help_text="Started on or after this day."
    )
    date_to = filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", help_text="Started on or before this day."
    )

    class Meta:
        model = ImportRecord
        fields = ["kind", "status", "period", "date_from", "date_to"]

    def in_period(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        start, end = calendar().bounds(FiscalQuarter.parse(value))  # QuarterFilter refused a bad code
        return queryset.filter(started_at__date__range=(start, end))


class ImportsView(generics.ListAPIView):
    """The import history, newest first: every import record (command, API and page alike) — the one the
    console's Imports page lists. Filter by `kind`, `status`, `period` (the quarter it was made in) or
    `date_from`/`date_to`."""

    serializer_class = ims.ImportRecordSerializer
    filterset_class = ImportRecordFilter
    ordering_fields = ["started_at", "kind"]
    parser_classes = [MultiPartParser, FormParser]
    schema = AttainAutoSchema()

    def get_queryset(self) -> QuerySet:
        _require_viewer(self)
        return ImportRecord.objects.select_related("user").order_by("-started_at", "-pk")

    @extend_schema(
        operation_id="imports_list",
        tags=["imports"],
        summary="The import history (ops, admin, cco, finance)",
        responses={200: ims.ImportRecordSerializer(many=True), **_errors(400, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="imports_create",
        tags=["imports"],
        summary="Upload a CSV or Excel file of one kind: a job that checks it (ops; employees: admin too)",
        description=(
            "Stores the file as an import job and queues its dry run, as the console's Imports page does; "
            "answers 202 with the job and its `Location`. Poll the job until `waiting` is false: it is then "
            "`validated` (its counts say what confirming would write; `warnings` what to check) or `refused` "
            "(`errors`: every bad row, line, column, value and reason; nothing to import for a header "
            "alone). Nothing is written until you confirm it (`links.confirm`). A file above "
            "MAX_UPLOAD_BYTES is a 413, an empty one a 400."
        ),
        request={"multipart/form-data": ims.ImportUploadSerializer},
        parameters=[idempotency.PARAMETER, idempotency.REPLAYED, LOCATION],
        responses={
            202: OpenApiResponse(ims.ImportJobSerializer, description="Queued for its dry run: poll it."),
            **_errors(400, 403, 413),
            **idempotency.responses(),
        },
    )
    @idempotency.idempotent
    def post(self, request, *args, **kwargs):
        # Who may import is answered before whether the upload is valid (403 before 400).
        access.require(access.may_import(request.user, str(request.data.get("kind") or "files")))
        upload = ims.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        job = start_import_job(
            kind=upload.validated_data["kind"], file=file, file_name=file.name, user=request.user
        )
        return _accepted(_jobs().get(pk=job.pk))


class ImportRecordView(generics.RetrieveAPIView):
    """One import record with its errors (the first 1,000 of ``error_count``)."""

    serializer_class = ims.ImportRecordDetailSerializer
    schema = AttainAutoSchema()

    def get_queryset(self) -> QuerySet:
        _require_viewer(self)
        return ImportRecord.objects.select_related("user")

    @extend_schema(
        operation_id="imports_record",
        tags=["imports"],
        summary="One import record, with its errors (ops, admin, cco, finance)",
        responses={200: ims.ImportRecordDetailSerializer, **_errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ImportJobListView(generics.ListAPIView):
    """Import jobs, newest first (the Imports page's Uploads), filterable by `kind` and `status`."""

    serializer_class = ims.ImportJobSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at"]
    schema = AttainAutoSchema()

    def get_queryset(self) -> QuerySet:
        _require_viewer(self)
        return _jobs().select_related("dry_run_record")

    @extend_schema(
        operation_id="imports_jobs_list",
        tags=["imports"],
        summary="Import jobs, newest first (ops, admin, cco, finance)",
        responses={200: ims.ImportJobSerializer(many=True), **_errors(400, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ImportJobView(generics.RetrieveAPIView):
    """One import job: where it stands, its counts, its bad rows and what may be done next (``links``)."""

    serializer_class = ims.ImportJobSerializer
    schema = AttainAutoSchema()

    def get_queryset(self) -> QuerySet:
        _require_viewer(self)
        return _jobs().select_related("dry_run_record")

    @extend_schema(
        operation_id="imports_jobs_retrieve",
        tags=["imports"],
        summary="Follow an import job (ops, admin, cco, finance)",
        description="Poll it while `waiting` is true (a worker has its step); then read its outcome.",
        responses={200: ims.ImportJobSerializer, **_errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _job_action(service, *, name: str, summary: str, description: str, http_status: int):
    """A POST on one job running ``service(job=…, user=…)``: 202 and the job when a worker takes the next
    step (confirm, recheck), 200 when it is done at once (discard)."""

    class JobActionView(generics.GenericAPIView):
        serializer_class = ims.ImportJobSerializer
        schema = AttainAutoSchema()

        def get_queryset(self) -> QuerySet:
            _require_viewer(self)
            return _jobs().select_related("dry_run_record")

        @extend_schema(
            operation_id=f"imports_jobs_{name}",
            tags=["imports"],
            summary=summary,
            description=description,
            request=None,
            parameters=[LOCATION] if http_status == status.HTTP_202_ACCEPTED else [],
            responses={
                http_status: OpenApiResponse(ims.ImportJobSerializer, description="The job after the step."),
                **_errors(403, 404, 409),
            },
        )
        def post(self, request, *args, **kwargs):
            job = self.get_object()
            try:
                service(job=job, user=request.user)
            except CheckOutOfDate as exc:
                return Response(error_body("check_out_of_date", exc.message), status=status.HTTP_409_CONFLICT)
            return _accepted(_jobs().get(pk=job.pk), http_status)

    JobActionView.__name__ = JobActionView.__qualname__ = f"ImportJob{name.capitalize()}View"
    return JobActionView


ImportJobConfirmView = _job_action(
    confirm_import_job,
    name="confirm",
    summary="Confirm a checked import job: write it, all or nothing (ops; employees: admin too)",
    description=(
        "Queues the writing of the job's stored bytes as you, in one transaction (202; poll the job until "
        "it is `applied` or `refused`). Only a `validated` job is confirmed (409 `conflict` otherwise; "
        "confirming twice writes once). When its kind's data changed since its dry run (another import of "
        "the kind applied, an admin edit), it is refused with 409 `check_out_of_date` and nothing is "
        "written: recheck it, read its new counts, then confirm. The worker checks the same again before "
        "writing: such a job goes back to `validated` with `out_of_date` set."
    ),
    http_status=status.HTTP_202_ACCEPTED,
)
ImportJobRecheckView = _job_action(
    recheck_import_job,
    name="recheck",
    summary="Check a checked import job again, against the data as it is now (ops; employees: admin too)",
    description="Queues a new dry run of the same stored file (202; poll it): what the Imports page's "
    "*Check again* does when the kind's data changed since the first check.",
    http_status=status.HTTP_202_ACCEPTED,
)
ImportJobDiscardView = _job_action(
    discard_import_job,
    name="discard",
    summary="Discard a checked import job nobody will confirm (ops; employees: admin too)",
    description="The job is abandoned and its stored bytes cleared; nothing is written.",
    http_status=status.HTTP_200_OK,
)
