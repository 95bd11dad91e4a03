"""Serializers of /api/imports/: the upload, the import job a client follows and the import history.

Shapes only; the rules are the import service's (commissions.services.imports) and its jobs'.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissions.models import ImportJob, ImportRecord
from commissions.services.imports import KINDS
from commissions.services.imports.freshness import out_of_date

# One set of words for where a job or a record stands, as on the Imports page (docs/imports.md).
STATUS_WORDS = {
    **{status.value: status.label for status in ImportJob.Status},
    ImportRecord.Status.APPLIED.value: "Applied",
    ImportRecord.Status.REFUSED.value: "Refused",
    ImportRecord.Status.DRY_RUN.value: "Checked (dry run): nothing written",
}


@extend_schema_field({"type": "string", "format": "binary"})
class BinaryFileField(serializers.FileField):
    """A file part of a multipart body: declared as binary, so a generated client sends bytes."""


KIND_CHOICES = [(kind, kind) for kind in KINDS]  # the enum ImportKindEnum (SPECTACULAR_SETTINGS)


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES, help_text="The DESIGN §3 kind of the file.")
    file = BinaryFileField(
        help_text="CSV (UTF-8, header row) or an Excel .xlsx workbook (its first sheet, header in row 1);"
        " the format is told by the content."
    )


class ImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line in the file (the sheet row); the header is 1.")
    column = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class ImportJobLinksSerializer(serializers.Serializer):
    self = serializers.CharField(help_text="This job: poll it until `waiting` is false.")
    confirm = serializers.CharField(allow_null=True, help_text="POST to write it; null unless checked.")
    recheck = serializers.CharField(allow_null=True, help_text="POST to check it again; null unless checked.")
    discard = serializers.CharField(allow_null=True, help_text="POST to drop it; null unless checked.")
    record = serializers.CharField(
        allow_null=True, help_text="The import record of its latest step (/api/imports/{id}/), or null."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job, as the Imports page's job page shows it (docs/imports.md "Imports in the browser")."""

    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    status_label = serializers.SerializerMethodField(help_text="Where it stands, in the pages' words.")
    waiting = serializers.BooleanField(read_only=True, help_text="A worker has yet to finish its step.")
    uploaded_by = serializers.SlugRelatedField(
        source="user", slug_field="email", read_only=True, allow_null=True
    )
    confirmed_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    error_count = serializers.IntegerField(read_only=True, help_text="Every error of the file.")
    errors = serializers.SerializerMethodField(help_text="The bad rows: the first 1,000 of `error_count`.")
    warnings = serializers.SerializerMethodField(
        help_text="What the step said beyond its counts: warnings (a KPI no plan pays on), what an applied"
        " import set off, or why the job failed."
    )
    out_of_date = serializers.SerializerMethodField(
        help_text="For a checked job whose kind's data changed since its dry run: why it must be checked"
        " again before it is confirmed (confirming it is refused with 409 `check_out_of_date`); else null."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "size",
            "status",
            "status_label",
            "stage",
            "waiting",
            "rows",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "warnings",
            "out_of_date",
            "uploaded_by",
            "confirmed_by",
            "created_at",
            "validated_at",
            "confirmed_at",
            "finished_at",
            "dry_run_record",
            "applied_record",
            "links",
        ]

    def get_status_label(self, job: ImportJob) -> str:
        return STATUS_WORDS.get(job.status, job.status)

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, job: ImportJob) -> list[dict]:
        return row_errors(job.errors)

    def get_warnings(self, job: ImportJob) -> list[str]:
        return [line for line in (job.notes or "").splitlines() if line.strip()]

    def get_out_of_date(self, job: ImportJob) -> str | None:
        return out_of_date(job) if job.status == ImportJob.Status.VALIDATED else None

    @extend_schema_field(ImportJobLinksSerializer)
    def get_links(self, job: ImportJob) -> dict:
        checked = job.status == ImportJob.Status.VALIDATED
        record_id = job.applied_record_id or job.dry_run_record_id

        def action(name: str) -> str | None:
            return reverse(f"import-job-{name}", args=[job.pk]) if checked else None

        return {
            "self": reverse("import-job", args=[job.pk]),
            "confirm": action("confirm"),
            "recheck": action("recheck"),
            "discard": action("discard"),
            "record": reverse("import-record", args=[record_id]) if record_id else None,
        }


class ImportRecordSerializer(serializers.ModelSerializer):
    """One import record — command, API or page alike — as the import history lists it."""

    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    status = serializers.ChoiceField(choices=ImportRecord.Status.choices)
    status_label = serializers.SerializerMethodField(help_text="Where it stands, in the pages' words.")
    uploaded_by = serializers.SlugRelatedField(
        source="user", slug_field="email", read_only=True, allow_null=True
    )
    error_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportRecord
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "status",
            "status_label",
            "uploaded_by",
            "started_at",
            "duration_ms",
            "rows",
            "created",
            "updated",
            "unchanged",
            "error_count",
        ]

    def get_status_label(self, record: ImportRecord) -> str:
        return STATUS_WORDS.get(record.status, record.status)


class ImportRecordDetailSerializer(ImportRecordSerializer):
    """One import record with its errors (the first 1,000 of ``error_count``)."""

    errors = serializers.SerializerMethodField(help_text="The bad rows: the first 1,000 of `error_count`.")

    class Meta(ImportRecordSerializer.Meta):
        fields = [*ImportRecordSerializer.Meta.fields, "errors"]

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, record: ImportRecord) -> list[dict]:
        return row_errors(record.errors)


def row_errors(errors: list[dict] | None) -> list[dict]:
    """Stored errors (``ImportRecord.errors``' shape) as listed: without the entry that counts them all."""
    errors = list(errors or [])
    if errors and isinstance(errors[-1], dict) and "total" in errors[-1]:
        errors = errors[:-1]
    return [
        {
            "line": int(row.get("line") or 0),
            "column": str(row.get("column") or ""),
            "value": str(row.get("value") or ""),
            "reason": str(row.get("reason") or ""),
        }
        for row in errors
    ]
