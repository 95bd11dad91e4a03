"""GET /api/audit/: the audit trail of the /audit/ page, for the same people, with the same filters.

The entries come from audit.selectors.audit_trail (its sources differ on PostgreSQL and SQLite, see
docs/audit.md); this view only checks who asks, reads the filters and pages the trail.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.access import sees_everything
from audit.selectors import AuditFilters, audit_trail, object_type_choices
from core.errors import NotAllowed

from .schema import AttainAutoSchema
from .write_views import _errors


class AuditQuerySerializer(serializers.Serializer):
    """The /audit/ page's filters (audit.views.AuditFilterForm), as query parameters."""

    object_type = serializers.ChoiceField(choices=[], required=False, help_text="One kind of object.")
    search = serializers.CharField(required=False, max_length=200, help_text="An object id or label.")
    person = serializers.CharField(required=False, max_length=200, help_text="Part of an e-mail address.")
    date_from = serializers.DateField(required=False, help_text="From this day, inclusive.")
    date_to = serializers.DateField(required=False, help_text="To this day, inclusive.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()

    def filters(self) -> AuditFilters:
        data = self.validated_data
        return AuditFilters(
            object_type=data.get("object_type", ""),
            search=data.get("search", "").strip(),
            person=data.get("person", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField(allow_blank=True)
    object_type = serializers.CharField()
    object_id = serializers.CharField(allow_blank=True)
    object_label = serializers.CharField(allow_blank=True)
    action = serializers.CharField()
    changes = AuditChangeSerializer(many=True)
    note = serializers.CharField(allow_blank=True)


@extend_schema(
    tags=["audit"],
    summary="The audit trail, newest first (ops, finance, cco, admin)",
    parameters=[AuditQuerySerializer],
    responses={200: AuditEntrySerializer(many=True), **_errors(400, 403)},
)
class AuditTrailView(generics.ListAPIView):
    """Every recorded change and import, newest first; filterable like the /audit/ page."""

    serializer_class = AuditEntrySerializer
    filter_backends: list = []
    schema = AttainAutoSchema()

    def get_queryset(self):
        if not sees_everything(self.request.user):
            raise NotAllowed("The audit trail is for ops, finance, the CCO and admins.")
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return audit_trail(filters=query.filters())
