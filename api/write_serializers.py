"""Serializers of the write endpoints: what a request carries in and what it answers.

They check shapes only (types, required fields); every rule lives in the services the views call.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.models import Request
from commissions.models import ScorePull
from commissions.services.imports import KINDS


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape (api.errors)."""

    error = ErrorBodySerializer()


def row_errors_or_field_errors(row_schema: dict):
    """``details`` of a refusal: the row errors, or (input malformed) errors by field, or null."""

    @extend_schema_field(
        {
            "oneOf": [
                {"type": "array", "items": row_schema},
                {"type": "object", "additionalProperties": True},
            ],
            "nullable": True,
        }
    )
    class DetailsField(serializers.JSONField):
        pass

    return DetailsField()


ROW_ERROR = {
    "type": "object",
    "properties": {
        "line": {"type": "integer", "description": "The line in the file; the header is line 1."},
        "column": {"type": "string"},
        "value": {"type": "string"},
        "reason": {"type": "string"},
    },
    "required": ["line", "column", "value", "reason"],
}


class ImportRefusalBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = row_errors_or_field_errors(ROW_ERROR)
    error_count = serializers.IntegerField(
        required=False, help_text="Every error of the file; details lists the first 1,000 of them."
    )


class ImportRefusalSerializer(serializers.Serializer):
    """A refused import: every bad row, with its line, column, value and reason."""

    error = ImportRefusalBodySerializer()


class ImportUploadSerializer(serializers.Serializer):
    # A plain string (the import service refuses unknown kinds): an enum would collide with Request.kind.
    kind = serializers.CharField(max_length=32, help_text="One of: " + ", ".join(KINDS) + ".")
    file = serializers.FileField(
        help_text="CSV (UTF-8, header row) or an Excel .xlsx workbook (its first sheet, header in row 1);"
        " the format is told by the content."
    )
    dry_run = serializers.BooleanField(default=False)


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    sha256 = serializers.CharField()


class PeriodInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=16, help_text="A fiscal quarter, e.g. FY22-Q2.")


class PullSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ScorePull
        fields = ["id", "period", "pulled_at", "trigger", "customers"]


class RunStartSerializer(PeriodInputSerializer):
    plan = serializers.CharField(max_length=64, help_text="The plan's code, e.g. CS-FY22.")


class RunAcceptedSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Where to follow the run's progress.")
    plan = serializers.CharField(help_text="The plan's code, e.g. CS-FY22.")
    queued = serializers.BooleanField(help_text="False when a run with the plan's current inputs exists.")
    message = serializers.CharField(
        help_text='What was done, as the console says it: "CS-FY22: v2 queued" or '
        '"CS-FY22: no new run: inputs unchanged since v1".'
    )


class RequestFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Request.Kind.choices)
    customer_id = serializers.CharField(max_length=64)
    period = serializers.CharField(max_length=16)
    value = serializers.CharField(max_length=32, help_text="Attainment granted, or extra-credit points.")
    justification = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequestSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="customer_id", read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    filed_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "kind",
            "customer",
            "period",
            "value",
            "justification",
            "status",
            "filed_by",
            "filed_at",
            "version",
        ]
