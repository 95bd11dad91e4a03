"""POST /api/scores/: adoption scores as a JSON list, through the same import service as a CSV file.

The rows are written as a ``scores`` CSV (DESIGN §3: customer_id, as_of, score) and handed to
``import_file``: the same validation, the same all-or-nothing upsert, the same import record. A refused
list answers every bad row by its index in the list (0-based), with the field, the value and the reason.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts import access
from commissions.services.imports import ImportRefused, import_file

from . import idempotency, views
from . import write_serializers as ws
from .errors import error_body
from .write_views import _errors, _valid

FIELDS = ("customer_id", "as_of", "score")
MAX_ROWS = 50_000


class ScoreRowSerializer(serializers.Serializer):
    """One score: documents the shape; the import service validates the values."""

    customer_id = serializers.CharField(max_length=64)
    as_of = serializers.DateField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="0–100; a number also works.")


ROW_ERROR = {
    "type": "object",
    "properties": {
        "index": {"type": "integer", "nullable": True, "description": "The row's place in the list, from 0."},
        "field": {"type": "string"},
        "value": {"type": "string"},
        "reason": {"type": "string"},
    },
    "required": ["index", "field", "value", "reason"],
}


class ScoreRefusalBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = ws.row_errors_or_field_errors(ROW_ERROR)


class ScoreRefusalSerializer(serializers.Serializer):
    """Refused scores: every bad row, or the body's shape, and nothing written."""

    error = ScoreRefusalBodySerializer()


class DryRunQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False, help_text="true: check and count; write nothing.")


class Refused(Exception):
    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("must be a string or a number")
    return str(value)


def rows_as_csv(rows) -> tuple[bytes, dict[int, int]]:
    """The rows as a scores CSV, and the index of the row each file line starts."""
    if not isinstance(rows, list):
        raise Refused("Send a JSON list of {customer_id, as_of, score} objects.")
    if not rows:
        raise Refused("The list is empty: send at least one score.")
    if len(rows) > MAX_ROWS:
        raise Refused(f"Send at most {MAX_ROWS} scores at once, or import a CSV file.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    line, lines, shape_errors = 2, {}, []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            shape_errors.append(_error(index, "", row, "each score is an object"))
            continue
        for name in sorted(set(row) - set(FIELDS)):
            shape_errors.append(_error(index, name, row[name], f"unknown field: use {', '.join(FIELDS)}"))
        cells = []
        for name in FIELDS:
            try:
                cells.append(_cell(row.get(name)))
            except ValueError as exc:
                shape_errors.append(_error(index, name, row.get(name), str(exc)))
        before = out.tell()
        writer.writerow(cells)
        lines[line] = index
        line += out.getvalue()[before:].count("\n")
    if shape_errors:
        raise Refused(f"{len(shape_errors)} score(s) are malformed; nothing was imported.", shape_errors)
    return out.getvalue().encode(), lines


def _error(index: int | None, field: str, value, reason: str) -> dict:
    return {"index": index, "field": field, "value": "" if value is None else str(value), "reason": reason}


class ScoreBulkViewSet(views.ScoreViewSet):
    # /api/scores/: the scoped list of api.views.ScoreViewSet (its description), plus POST of a list.

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="scores_create",
        tags=["scores"],
        summary="Import adoption scores sent as a JSON list (ops); all or nothing",
        description=(
            "The rows of a DESIGN §3 `scores` file as JSON (`customer_id`, `as_of`, `score` 0–100), through "
            "the same import service as a CSV: the same checks, an upsert on (customer_id, as_of), an import "
            "record. Any bad row refuses the whole list: 400 `import_refused`, `details` listing every bad "
            "row by its index (from 0). At most 50,000 rows; `dry_run=true` checks and counts only."
        ),
        request=ScoreRowSerializer(many=True),
        parameters=[
            idempotency.PARAMETER,
            idempotency.REPLAYED,
            DryRunQuerySerializer,
        ],
        responses={
            201: OpenApiResponse(ws.ImportResultSerializer, description="Imported (or, dry run, would be)."),
            400: OpenApiResponse(ScoreRefusalSerializer, description="Refused; nothing written."),
            **_errors(403),
            **idempotency.responses(),
        },
    )
    @idempotency.idempotent
    def create(self, request):
        access.require(access.may_import(request.user, "scores"))
        dry_run = _valid(DryRunQuerySerializer, request.query_params)["dry_run"]
        try:
            data, lines = rows_as_csv(request.data)
            result = import_file(
                kind="scores",
                file=io.BytesIO(data),
                file_name=f"api-scores-{len(lines)}-rows.csv",
                user=request.user,
                dry_run=dry_run,
            )
        except Refused as refused:
            return self._refused(refused.message, refused.details)
        except ImportRefused as refused:
            details = [_error(lines.get(e.line), e.column, e.value, e.reason) for e in refused.errors]
            message = f"The scores were refused ({refused.error_count} error(s)); nothing was imported."
            return self._refused(message, details)
        return Response(ws.ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)

    def _refused(self, message: str, details: list[dict] | None) -> Response:
        code = "import_refused" if details else "invalid"
        return Response(error_body(code, message, details), status=status.HTTP_400_BAD_REQUEST)
