"""Read serializers. Decimals are strings: money always with 2 decimals (``MoneyField``), ratios with 4
(``RatioField``), as the exports write them (DESIGN §6); scores and KPI values keep their own places.
"""

from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.utils import extend_schema_field
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
from commissions.services.plans.validate import COMPONENT_KEYS

MONEY_PLACES = 2  # DESIGN §6: money with 2 decimals
RATIO_PLACES = 4  # DESIGN §6: ratios with 4 decimals
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class _FixedPlacesField(serializers.DecimalField):
    """A Decimal written as a string with exactly ``decimal_places`` decimals, rounded half-up.

    Its OpenAPI schema (``format: decimal`` and a pattern naming the places) is api.schema's
    ``FixedPlacesFieldExtension``."""

    places = 0
    kind = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", self.places)
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("coerce_to_string", True)
        kwargs.setdefault("rounding", ROUND_HALF_UP)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        quantum = Decimal(1).scaleb(-self.decimal_places)
        return str(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


class MoneyField(_FixedPlacesField):
    """Money, always a string with 2 decimals, rounded half-up (DESIGN §6), e.g. ``"1000.00"``."""

    places = MONEY_PLACES
    kind = "Money"


class RatioField(_FixedPlacesField):
    """A ratio (attainment, factor, weight, goal, cap, rate…), a string with 4 decimals unless a field
    states more (an FX rate keeps 10: 4 would lose a weak currency's rate), rounded half-up."""

    places = RATIO_PLACES
    kind = "A ratio"


@extend_schema_field({"type": "string", "pattern": CURRENCY_PATTERN, "example": "USD"})
class CurrencyField(serializers.CharField):
    """An ISO 4217 code: any three capital letters (the currencies are the data's, not a fixed list)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


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
    arr = MoneyField()
    currency = CurrencyField()

    class Meta:
        model = ArrRecord
        fields = ["id", "customer", "as_of", "arr", "currency"]


class SnapshotSerializer(serializers.ModelSerializer):
    approved_by = employee_field(allow_null=True)

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "fiscal_year",
            "status",
            "revision",
            "approved_by",
            "approved_at",
            "approval_comment",
            "created_at",
        ]
        # revision: the draft's, raised by each targets import that changes it; send it back to approve.


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
    arr_delta = MoneyField(help_text="The change of ARR; negative for a contraction or churn.")
    currency = CurrencyField()

    class Meta:
        model = Deal
        fields = ["id", "deal_id", "customer", "type", "arr_delta", "currency", "booked_on", "effective_on"]


class KpiActualSerializer(serializers.ModelSerializer):
    employee = employee_field()

    class Meta:
        model = KpiActual
        fields = ["id", "period", "employee", "kpi", "value"]


class FxRateSerializer(serializers.ModelSerializer):
    currency = CurrencyField()
    rate = RatioField(decimal_places=10, help_text="Units of the base currency per one unit of `currency`.")

    class Meta:
        model = FxRate
        fields = ["id", "period", "currency", "rate"]


class ComponentSerializer(serializers.ModelSerializer):
    weight = RatioField(help_text="A relative share of the plan (1:1:1 is a third each).")
    goal = RatioField(allow_null=True)
    floor = RatioField(allow_null=True)
    threshold = RatioField()
    accelerator = RatioField()
    cap = RatioField(allow_null=True)
    ceiling = RatioField(
        allow_null=True, help_text="Lower is better: the value at which attainment falls to 0 (DESIGN §10.3)."
    )

    class Meta:
        model = Component
        # The plan file's keys (COMPONENT_KEYS starts with code), with the id and position.
        fields = ["id", "code", "position", *COMPONENT_KEYS[1:]]


class PlanSerializer(serializers.ModelSerializer):
    components = ComponentSerializer(many=True, read_only=True)
    currency = CurrencyField()
    customer_cap = RatioField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name",
            "fiscal_year",
            "currency",
            "credit_date",
            "credit_date_by_type",
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
    on_target_amount = MoneyField()
    nrr_goal = RatioField(allow_null=True)
    kpi_goal = RatioField(allow_null=True)

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
    on_target_amount = MoneyField()
    amount = MoneyField()
    currency = CurrencyField()

    class Meta:
        model = Payout
        fields = ["id", "run", "period", "employee", "on_target_amount", "amount", "currency"]


class ComponentResultSerializer(serializers.ModelSerializer):
    employee = employee_field()
    metric_value = RatioField(allow_null=True, help_text="A (adoption), NRR or the KPI's value.")
    attainment = RatioField(allow_null=True)
    factor = RatioField(allow_null=True)
    weight = RatioField()
    share = RatioField(help_text="The component's effective share: weight / the applying weights' sum.")
    payout = MoneyField()

    class Meta:
        model = ComponentResult
        fields = ["id", "run", "employee", *ComponentResult.FIGURES]


class CustomerResultSerializer(serializers.ModelSerializer):
    employee = employee_field()
    customer = customer_field()
    r = RatioField(allow_null=True, help_text="The customer's adoption ratio (DESIGN §4.3).")
    weight = RatioField(allow_null=True)

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
