"""Serializers of the write endpoints: what a request carries in and what it answers.

They check shapes only (types, required fields); every rule lives in the services the views call.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.models import Request
from approvals.services import MIN_JUSTIFICATION
from commissions.models import ScorePull
from core.calendar import (
    PERIOD_RE,
    QUARTER_EXAMPLE,
    CalendarError,
    FiscalQuarter,
)
from core.text import MAX_REASON

from .serializers import RatioField

# The codes core.calendar parses; the pattern is in the schema, so a client checks it before sending.
QUARTER_PATTERN = PERIOD_RE.pattern
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class _CalendarCodeField(serializers.CharField):
    """A quarter or fiscal-year code read by core.calendar's ``parse``: its canonical code, or the
    project's one refusal naming the value as written (``“FY27-Q9” is not a quarter: write it like
    FY27-Q1.``, core.calendar ``not_a_quarter``/``not_a_fiscal_year``). Surrounding whitespace is dropped,
    as ``parse`` drops it; a blank, null or missing value keeps DRF's own messages."""

    parse = None  # FiscalQuarter.parse or FiscalYear.parse

    def to_internal_value(self, data) -> str:
        written = data.strip() if isinstance(data, str) and self.trim_whitespace else data
        try:
            return self.parse(written).code
        except CalendarError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None


@extend_schema_field(
    {"type": "string", "maxLength": 7, "pattern": QUARTER_PATTERN, "example": QUARTER_EXAMPLE}
)
class QuarterField(_CalendarCodeField):
    """A fiscal quarter's code, ``FY26-Q2`` (core.calendar ``FiscalQuarter.parse``)."""

    parse = staticmethod(FiscalQuarter.parse)


def quarter_field(**kwargs) -> QuarterField:
    """A fiscal quarter's code, ``FY26-Q2``: every body or query field that reads a quarter."""
    kwargs.setdefault("help_text", f"A fiscal quarter, e.g. {QUARTER_EXAMPLE}.")
    return QuarterField(**kwargs)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "nullable": True,
        "description": "Errors by field: `{field: [messages]}`; `non_field_errors` for the whole request.",
        "example": {"justification": ["Ensure this field has at least 20 characters."]},
    }
)
class FieldErrorsField(serializers.JSONField):
    pass


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, `throttled`, …")
    message = serializers.CharField(help_text="One sentence for a person.")
    details = FieldErrorsField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape (api.errors): ``details`` null, or the errors by field."""

    error = ErrorBodySerializer()


class ValidationErrorBodySerializer(ErrorBodySerializer):
    details = FieldErrorsField()


class ValidationErrorSerializer(serializers.Serializer):
    """A 400: the one error shape, ``details`` always the errors by field (``{field: [messages]}``)."""

    error = ValidationErrorBodySerializer()


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


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    sha256 = serializers.CharField()


class PeriodInputSerializer(serializers.Serializer):
    period = quarter_field()


class PayoutsCsvQuerySerializer(serializers.Serializer):
    """The query of payouts.csv."""

    period = quarter_field(help_text=f"The closed, signed-off quarter, e.g. {QUARTER_EXAMPLE}.")
    detail = serializers.BooleanField(
        default=False, help_text="true: one row per CSM, plan and component instead of per payable line."
    )


class PullSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ScorePull
        fields = ["id", "period", "pulled_at", "trigger", "customers"]


class RunStartSerializer(PeriodInputSerializer):
    plan = serializers.RegexField(CODE_PATTERN, max_length=64, help_text="The plan's code, e.g. CS-FY22.")


class RunAcceptedSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Where to follow the run's progress.")
    plan = serializers.CharField(help_text="The plan's code, e.g. CS-FY22.")
    queued = serializers.BooleanField(help_text="False when a run with the plan's current inputs exists.")
    message = serializers.CharField(
        help_text='What was done, as the console says it: "CS-FY22: v2 queued" or '
        '"CS-FY22: no new run: inputs unchanged since v1".'
    )


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^\d{1,4}(?:\.\d{1,4})?$", "example": "0.9000"}
)
class RequestValueField(serializers.DecimalField):
    """A request's value: not negative, at most 4 decimals (the model's ``value``, DESIGN §5)."""


class RequestFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Request.Kind.choices)
    customer_id = serializers.CharField(max_length=64)
    period = quarter_field(help_text="An open quarter, or a closed one within its year-end window.")
    value = RequestValueField(
        max_digits=8,
        decimal_places=4,
        min_value=0,
        help_text="An exception: the adoption ratio r granted, from 0 to the plan's customer cap (e.g. 1.5). "
        "Extra credit: points above 0 and at most 1. At most 4 decimals (DESIGN §5).",
    )
    justification = serializers.CharField(
        min_length=MIN_JUSTIFICATION,
        max_length=MAX_REASON,
        help_text=f"Why, for the approvers: {MIN_JUSTIFICATION} to {MAX_REASON:,} characters.",
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    """Approving or rejecting carries a comment (DESIGN §5)."""

    comment = serializers.CharField(
        help_text="Why: every decision carries a comment.",
        error_messages={
            "required": "Every decision carries a comment.",
            "blank": "Every decision carries a comment.",
            "null": "Every decision carries a comment.",
        },
    )


class RequestSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="customer_id", read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    filed_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    value = RatioField(help_text="The ratio r granted (an exception) or the extra-credit points.")

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
