"""Read serializers. Money, scores and rates are decimals, rendered as strings (COERCE_DECIMAL_TO_STRING)."""

from rest_framework import serializers

from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from commissions.models import (
    Assignment,
    Component,
    ComponentResult,
    CustomerResult,
    Deal,
    FxRate,
    KpiActual,
    Payout,
    Period,
    Plan,
    Run,
)


def customer_field():
    return serializers.SlugRelatedField(slug_field="customer_id", read_only=True)


def employee_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="email", read_only=True, **kwargs)


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "customer_id", "name", "geo", "segment", "start_date"]


class OwnershipSerializer(serializers.ModelSerializer):
    customer = customer_field()
    employee = employee_field()

    class Meta:
        model = Ownership
        fields = ["id", "customer", "employee", "start_date"]


class ArrRecordSerializer(serializers.ModelSerializer):
    customer = customer_field()

    class Meta:
        model = ArrRecord
        fields = ["id", "customer", "as_of", "arr", "currency"]


class SnapshotSerializer(serializers.ModelSerializer):
    approved_by = employee_field(allow_null=True)

    class Meta:
        model = Snapshot
        fields = ["id", "fiscal_year", "status", "approved_by", "approved_at", "created_at"]


class TargetLineSerializer(serializers.ModelSerializer):
    snapshot = serializers.SlugRelatedField(slug_field="fiscal_year", read_only=True)
    customer = customer_field()

    class Meta:
        model = TargetLine
        fields = ["id", "snapshot", "customer", "period", "baseline_score", "target_score"]


class ScoreSerializer(serializers.ModelSerializer):
    customer = customer_field()

    class Meta:
        model = ScoreObservation
        fields = ["id", "customer", "as_of", "score"]


class DealSerializer(serializers.ModelSerializer):
    customer = customer_field()

    class Meta:
        model = Deal
        fields = ["id", "deal_id", "customer", "type", "arr_delta", "currency", "booked_on", "effective_on"]


class KpiActualSerializer(serializers.ModelSerializer):
    employee = employee_field()

    class Meta:
        model = KpiActual
        fields = ["id", "period", "employee", "kpi", "value"]


class FxRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FxRate
        fields = ["id", "period", "currency", "rate"]


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Component
        fields = [
            "id",
            "code",
            "position",
            "metric",
            "kpi",
            "weight",
            "goal",
            "floor",
            "threshold",
            "accelerator",
            "cap",
        ]


class PlanSerializer(serializers.ModelSerializer):
    components = ComponentSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name",
            "fiscal_year",
            "currency",
            "credit_date",
            "new_customer_window_days",
            "adoption_formula",
            "adoption_weighting",
            "customer_cap",
            "updated_at",
            "components",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    employee = employee_field()
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "employee",
            "plan",
            "start_date",
            "end_date",
            "on_target_amount",
            "nrr_goal",
            "kpi_goal",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "code", "start", "end", "status", "closed_at"]


class RunMetadataSerializer(serializers.ModelSerializer):
    """What anyone signed in may know of a run; a CSM sees no more (warnings may name others' customers)."""

    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "plan",
            "period",
            "version",
            "status",
            "progress",
            "is_final",
            "created_at",
            "finished_at",
        ]


class RunSerializer(RunMetadataSerializer):
    class Meta(RunMetadataSerializer.Meta):
        fields = [*RunMetadataSerializer.Meta.fields, "trigger", "warnings", "error"]


class PayoutSerializer(serializers.ModelSerializer):
    employee = employee_field()
    period = serializers.CharField(source="run.period.code", read_only=True)

    class Meta:
        model = Payout
        fields = ["id", "run", "period", "employee", "on_target_amount", "amount", "currency"]


class ComponentResultSerializer(serializers.ModelSerializer):
    employee = employee_field()

    class Meta:
        model = ComponentResult
        fields = ["id", "run", "employee", *ComponentResult.FIGURES]


class CustomerResultSerializer(serializers.ModelSerializer):
    employee = employee_field()
    customer = customer_field()

    class Meta:
        model = CustomerResult
        fields = [
            "id",
            "run",
            "employee",
            "customer",
            "baseline",
            "target",
            "score",
            "r",
            "counted",
            "reason",
            "weight",
        ]
