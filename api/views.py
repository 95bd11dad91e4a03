"""Read-only API endpoints. Every queryset is scoped through accounts.access; out of scope is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from accounts import access
from adoption.access import customers_visible_to
from adoption.models import ArrRecord, Ownership, ScoreObservation, Snapshot, TargetLine
from commissions.access import component_results_visible_to, customer_results_visible_to, payouts_visible_to
from commissions.models import Assignment, Deal, FxRate, KpiActual, Period, Plan, Run

from . import filters, serializers
from .concurrency import ETAG, snapshot_etag
from .schema import AttainAutoSchema


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only set whose rows come from ``scoped(user)``, an access-module selector."""

    schema = AttainAutoSchema()

    def scoped(self, user) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.scoped(self.request.user)


class ByCustomerViewSet(ScopedViewSet):
    """Rows hanging on a customer: visible when the customer is."""

    model = None

    def scoped(self, user) -> QuerySet:
        visible = customers_visible_to(user).values("pk")
        return self.model.objects.filter(customer__in=visible).select_related("customer")


class CustomerViewSet(ScopedViewSet):
    serializer_class = serializers.CustomerSerializer
    filterset_class = filters.CustomerFilter
    ordering_fields = ["customer_id", "name", "geo", "segment", "start_date"]

    def scoped(self, user) -> QuerySet:
        return customers_visible_to(user)


class OwnershipViewSet(ByCustomerViewSet):
    model = Ownership
    serializer_class = serializers.OwnershipSerializer
    filterset_class = filters.OwnershipFilter
    ordering_fields = ["start_date", "customer__customer_id"]

    def scoped(self, user) -> QuerySet:
        return super().scoped(user).select_related("employee")


class ArrRecordViewSet(ByCustomerViewSet):
    model = ArrRecord
    serializer_class = serializers.ArrRecordSerializer
    filterset_class = filters.ArrRecordFilter
    ordering_fields = ["as_of", "arr", "customer__customer_id"]


class ScoreViewSet(ByCustomerViewSet):
    model = ScoreObservation
    serializer_class = serializers.ScoreSerializer
    filterset_class = filters.ScoreFilter
    ordering_fields = ["as_of", "score", "customer__customer_id"]


class DealViewSet(ByCustomerViewSet):
    model = Deal
    serializer_class = serializers.DealSerializer
    filterset_class = filters.DealFilter
    ordering_fields = ["booked_on", "effective_on", "arr_delta", "deal_id"]


class TargetLineViewSet(ByCustomerViewSet):
    model = TargetLine
    serializer_class = serializers.TargetLineSerializer
    filterset_class = filters.TargetLineFilter
    ordering_fields = ["period", "customer__customer_id", "snapshot__fiscal_year"]

    def scoped(self, user) -> QuerySet:
        return super().scoped(user).select_related("snapshot")


class SnapshotViewSet(ScopedViewSet):
    """Snapshots' metadata for everyone signed in; their lines are scoped at /api/target-lines/."""

    serializer_class = serializers.SnapshotSerializer
    filterset_fields = ["fiscal_year", "status"]
    ordering_fields = ["fiscal_year"]

    def scoped(self, user) -> QuerySet:
        return Snapshot.objects.select_related("approved_by")

    @extend_schema(responses={200: serializers.SnapshotSerializer}, parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        """One snapshot, with its ETag (a digest of its status and lines) for approving it with If-Match."""
        snapshot = self.get_object()
        response = Response(self.get_serializer(snapshot).data)
        response["ETag"] = snapshot_etag(snapshot)
        return response


class KpiActualViewSet(ScopedViewSet):
    serializer_class = serializers.KpiActualSerializer
    filterset_class = filters.KpiActualFilter
    ordering_fields = ["period", "kpi", "value"]

    def scoped(self, user) -> QuerySet:
        visible = access.employees_visible_to(user).values("pk")
        return KpiActual.objects.filter(employee__in=visible).select_related("employee")


class AssignmentViewSet(ScopedViewSet):
    serializer_class = serializers.AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    ordering_fields = ["start_date", "end_date", "on_target_amount"]

    def scoped(self, user) -> QuerySet:
        visible = access.employees_visible_to(user).values("pk")
        return Assignment.objects.filter(employee__in=visible).select_related("employee", "plan")


class FxRateViewSet(ScopedViewSet):
    serializer_class = serializers.FxRateSerializer
    filterset_fields = ["period", "currency"]
    ordering_fields = ["period", "currency"]

    def scoped(self, user) -> QuerySet:
        return FxRate.objects.all()


class PlanViewSet(ScopedViewSet):
    serializer_class = serializers.PlanSerializer
    filterset_fields = ["code", "fiscal_year"]
    ordering_fields = ["code", "fiscal_year"]

    def scoped(self, user) -> QuerySet:
        return Plan.objects.prefetch_related("components")


class PeriodViewSet(ScopedViewSet):
    serializer_class = serializers.PeriodSerializer
    filterset_fields = ["code", "status"]
    ordering_fields = ["code", "start"]

    def scoped(self, user) -> QuerySet:
        return Period.objects.all()


class RunViewSet(ScopedViewSet):
    """Runs of every plan and period; warnings and errors only for those who see everything."""

    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilter
    ordering_fields = ["created_at", "version", "finished_at"]

    def get_serializer_class(self):
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and not access.sees_everything(user):
            return serializers.RunMetadataSerializer
        return serializers.RunSerializer

    def scoped(self, user) -> QuerySet:
        return Run.objects.select_related("plan", "period")


class PayoutViewSet(ScopedViewSet):
    serializer_class = serializers.PayoutSerializer
    filterset_class = filters.PayoutFilter
    ordering_fields = ["amount", "run", "employee__email"]

    def scoped(self, user) -> QuerySet:
        return payouts_visible_to(user).select_related("employee", "run__period")


class ComponentResultViewSet(ScopedViewSet):
    serializer_class = serializers.ComponentResultSerializer
    filterset_class = filters.ComponentResultFilter
    ordering_fields = ["run", "position", "payout"]

    def scoped(self, user) -> QuerySet:
        return component_results_visible_to(user).select_related("employee")


class CustomerResultViewSet(ScopedViewSet):
    serializer_class = serializers.CustomerResultSerializer
    filterset_class = filters.CustomerResultFilter
    ordering_fields = ["run", "customer__customer_id", "r"]

    def scoped(self, user) -> QuerySet:
        return customer_results_visible_to(user).select_related("employee", "customer")
