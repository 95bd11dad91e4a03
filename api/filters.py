"""django-filter sets for the list endpoints. Related rows are filtered by their natural keys."""

import django_filters as filters

from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, TargetLine
from approvals.models import Request
from commissions.models import Assignment, ComponentResult, CustomerResult, Deal, KpiActual, Payout, Run


class CustomerFilter(filters.FilterSet):
    class Meta:
        model = Customer
        fields = ["customer_id", "geo", "segment"]


class _ByCustomer(filters.FilterSet):
    customer = filters.CharFilter(field_name="customer__customer_id")


class OwnershipFilter(_ByCustomer):
    employee = filters.CharFilter(field_name="employee__email")

    class Meta:
        model = Ownership
        fields = ["customer", "employee"]


class ArrRecordFilter(_ByCustomer):
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = ArrRecord
        fields = ["customer", "currency"]


class TargetLineFilter(_ByCustomer):
    snapshot = filters.CharFilter(field_name="snapshot__fiscal_year")

    class Meta:
        model = TargetLine
        fields = ["snapshot", "customer", "period"]


class ScoreFilter(_ByCustomer):
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = ScoreObservation
        fields = ["customer"]


class DealFilter(_ByCustomer):
    booked_after = filters.DateFilter(field_name="booked_on", lookup_expr="gte")
    booked_before = filters.DateFilter(field_name="booked_on", lookup_expr="lte")

    class Meta:
        model = Deal
        fields = ["customer", "type", "currency"]


class _ByEmployee(filters.FilterSet):
    employee = filters.CharFilter(field_name="employee__email")


class KpiActualFilter(_ByEmployee):
    class Meta:
        model = KpiActual
        fields = ["period", "employee", "kpi"]


class AssignmentFilter(_ByEmployee):
    plan = filters.CharFilter(field_name="plan__code")

    class Meta:
        model = Assignment
        fields = ["employee", "plan"]


class RunFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code")
    period = filters.CharFilter(field_name="period__code")

    class Meta:
        model = Run
        fields = ["plan", "period", "status", "is_final"]


class _ByRun(_ByEmployee):
    period = filters.CharFilter(field_name="run__period__code")


class PayoutFilter(_ByRun):
    class Meta:
        model = Payout
        fields = ["run", "period", "employee", "currency"]


class ComponentResultFilter(_ByRun):
    class Meta:
        model = ComponentResult
        fields = ["run", "period", "employee", "component", "metric"]


class CustomerResultFilter(_ByRun):
    customer = filters.CharFilter(field_name="customer__customer_id")

    class Meta:
        model = CustomerResult
        fields = ["run", "period", "employee", "customer", "counted"]


class RequestFilter(_ByCustomer):
    period = filters.CharFilter(field_name="period__code")
    filed_by = filters.CharFilter(field_name="filed_by__email")

    class Meta:
        model = Request
        fields = ["customer", "period", "kind", "status", "filed_by"]
