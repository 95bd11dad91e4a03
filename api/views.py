"""Read-only API endpoints. Every queryset is scoped through accounts.access; out of scope is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
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

PAYOUT_EXAMPLE = {
    "id": 41,
    "run": 7,
    "period": "FY26-Q2",
    "employee": "csm@example.com",
    "on_target_amount": "12500.00",
    "amount": "11873.42",
    "currency": "USD",
}
RUN_EXAMPLE = {
    "id": 7,
    "plan": "CS-FY26",
    "period": "FY26-Q2",
    "version": 2,
    "status": "succeeded",
    "progress": 100,
    "is_final": True,
    "created_at": "2026-08-03T09:12:44Z",
    "finished_at": "2026-08-03T09:13:02Z",
    "trigger": "api",
    "warnings": [],
    "error": "",
}
SCOPE = "Scoped like the pages: a CSM sees their own book, a Geo VP their geo, cco/finance/ops/admin all."


def read_only(
    noun: str,
    plural: str,
    about: str,
    *,
    tag: str,
    scoped: bool | str = True,
    example: dict | None = None,
    example_name: str = "",
):
    """The summaries and descriptions of a read-only set's two operations, for an integrator.

    ``noun``/``plural`` name the rows ("payout", "payouts"); ``about`` says what one is and where its
    rule is (a DESIGN section); ``scoped`` says who sees which: True, the pages' reach (``SCOPE``); False,
    everyone all; a sentence, a scope of its own. ``example`` is one row, shown on both operations."""
    everyone = "Everyone signed in sees all of them."
    scope = scoped if isinstance(scoped, str) else SCOPE if scoped else everyone
    own_scope = f"{scoped} " if isinstance(scoped, str) else ""  # said on the detail too
    examples = (
        [OpenApiExample(example_name or noun.capitalize(), value=example, response_only=True)]
        if example
        else []
    )
    return extend_schema_view(
        list=extend_schema(
            tags=[tag],
            summary=f"List {plural}",
            description=f"{about} {scope} Paged (`page`, `page_size`); filters and `ordering` as listed; "
            "a malformed or unknown value of any of them is a 400 naming it.",
            examples=examples,
        ),
        retrieve=extend_schema(
            tags=[tag],
            summary=f"Get one {noun}",
            description=f"One {noun} by its id. {about} {own_scope}Out of your scope is a 404, as for no "
            f"such {noun}.",
            examples=examples,
        ),
    )


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


@read_only(
    "customer",
    "customers",
    "A customer of the book: its id, name, geo, segment and start date (DESIGN §3 `customers`).",
    tag="customers",
)
class CustomerViewSet(ScopedViewSet):
    serializer_class = serializers.CustomerSerializer
    filterset_class = filters.CustomerFilter
    ordering_fields = ["customer_id", "name", "geo", "segment", "start_date"]

    def scoped(self, user) -> QuerySet:
        return customers_visible_to(user)


@read_only(
    "ownership record",
    "ownership records",
    (
        "Who owns a customer from which day on (DESIGN §3 `ownership`): a customer's CSM is the latest "
        "record on or before a day."
    ),
    tag="ownership",
)
class OwnershipViewSet(ByCustomerViewSet):
    model = Ownership
    serializer_class = serializers.OwnershipSerializer
    filterset_class = filters.OwnershipFilter
    ordering_fields = ["start_date", "customer__customer_id"]

    def scoped(self, user) -> QuerySet:
        return super().scoped(user).select_related("employee")


@read_only(
    "ARR record",
    "ARR records",
    (
        "A customer's annual recurring revenue on a day, money with 2 decimals in its currency (DESIGN §3 "
        "`arr`)."
    ),
    tag="arr",
)
class ArrRecordViewSet(ByCustomerViewSet):
    model = ArrRecord
    serializer_class = serializers.ArrRecordSerializer
    filterset_class = filters.ArrRecordFilter
    ordering_fields = ["as_of", "arr", "customer__customer_id"]


@read_only(
    "adoption score",
    "adoption scores",
    "An adoption score of a customer on a day, 0 to 100 (DESIGN §3 `scores`).",
    tag="scores",
)
class ScoreViewSet(ByCustomerViewSet):
    model = ScoreObservation
    serializer_class = serializers.ScoreSerializer
    filterset_class = filters.ScoreFilter
    ordering_fields = ["as_of", "score", "customer__customer_id"]


@read_only(
    "deal",
    "deals",
    (
        "A booked deal: its type, ARR change in its currency, booking and effective days (DESIGN §3 "
        "`deals`); deals make NRR (DESIGN §4)."
    ),
    tag="deals",
)
class DealViewSet(ByCustomerViewSet):
    model = Deal
    serializer_class = serializers.DealSerializer
    filterset_class = filters.DealFilter
    ordering_fields = ["booked_on", "effective_on", "arr_delta", "deal_id"]


@read_only(
    "target line",
    "target lines",
    (
        "A customer's baseline and target adoption score for a quarter, from a fiscal year's target snapshot "
        "(DESIGN §3 `targets`)."
    ),
    tag="target-lines",
)
class TargetLineViewSet(ByCustomerViewSet):
    model = TargetLine
    serializer_class = serializers.TargetLineSerializer
    filterset_class = filters.TargetLineFilter
    ordering_fields = ["period", "customer__customer_id", "snapshot__fiscal_year"]

    def scoped(self, user) -> QuerySet:
        return super().scoped(user).select_related("snapshot")


@read_only(
    "target snapshot",
    "target snapshots",
    (
        "A fiscal year's target snapshot: draft until the CCO approves it, frozen after (DESIGN §5); its "
        "lines are at /api/target-lines/."
    ),
    tag="snapshots",
    scoped=False,
)
class SnapshotViewSet(ScopedViewSet):
    """Snapshots' metadata for everyone signed in; their lines are scoped at /api/target-lines/."""

    serializer_class = serializers.SnapshotSerializer
    filterset_class = filters.SnapshotFilter
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


@read_only(
    "KPI actual", "KPI actuals", "A CSM's value of a KPI for a quarter (DESIGN §3 `kpis`).", tag="kpis"
)
class KpiActualViewSet(ScopedViewSet):
    serializer_class = serializers.KpiActualSerializer
    filterset_class = filters.KpiActualFilter
    ordering_fields = ["period", "kpi", "value"]

    def scoped(self, user) -> QuerySet:
        visible = access.employees_visible_to(user).values("pk")
        return KpiActual.objects.filter(employee__in=visible).select_related("employee")


@read_only(
    "plan assignment",
    "plan assignments",
    "A CSM on a plan from a day to a day, with the on-target amount and goals (DESIGN §3 `assignments`).",
    tag="assignments",
)
class AssignmentViewSet(ScopedViewSet):
    serializer_class = serializers.AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    ordering_fields = ["start_date", "end_date", "on_target_amount"]

    def scoped(self, user) -> QuerySet:
        visible = access.employees_visible_to(user).values("pk")
        return Assignment.objects.filter(employee__in=visible).select_related("employee", "plan")


@read_only(
    "FX rate",
    "FX rates",
    "Units of the base currency per one unit of a currency in a quarter, 10 decimals (DESIGN §3 `fx`).",
    tag="fx",
    scoped=False,
)
class FxRateViewSet(ScopedViewSet):
    serializer_class = serializers.FxRateSerializer
    filterset_class = filters.FxRateFilter
    ordering_fields = ["period", "currency"]

    def scoped(self, user) -> QuerySet:
        return FxRate.objects.all()


# Who reads a plan here is who reads its handbook (accounts.access.may_see_handbook, docs/handbook.md).
PLAN_SCOPE = (
    "Scoped like the plan handbook (`accounts.access.plans_with_handbook_for`): a plan you are or were on, "
    "one a person you manage (at any level) is or was on, for a Geo VP one a person of their geo is or was "
    "on; cco/finance/ops/admin see every plan."
)


@read_only(
    "plan",
    "plans",
    (
        "A commission plan of a fiscal year with its components, weights, goals, caps and accelerators; "
        "ratios with 4 decimals (DESIGN §2)."
    ),
    tag="plans",
    scoped=PLAN_SCOPE,
)
class PlanViewSet(ScopedViewSet):
    """The plans whose handbook the person may read: one rule for both (``access.may_see_handbook``)."""

    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ["code", "fiscal_year"]

    def scoped(self, user) -> QuerySet:
        return access.plans_with_handbook_for(user, Plan.objects.prefetch_related("components"))


@read_only(
    "fiscal quarter",
    "fiscal quarters",
    "A fiscal quarter (code FY26-Q2) with its first and last day, open or closed (DESIGN §5).",
    tag="periods",
    scoped=False,
)
class PeriodViewSet(ScopedViewSet):
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter
    ordering_fields = ["code", "start"]

    def scoped(self, user) -> QuerySet:
        return Period.objects.all()


@read_only(
    "calculation run",
    "calculation runs",
    (
        "A calculation of a plan for a quarter (DESIGN §4): its version, status and progress; warnings and "
        "the error for cco, finance, ops and admin only."
    ),
    tag="runs",
    scoped=False,
    example=RUN_EXAMPLE,
    example_name="A finished run",
)
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


@read_only(
    "payout",
    "payouts",
    (
        "A CSM's payout of a run in the plan's currency: the on-target amount and the amount earned, money "
        "with 2 decimals (DESIGN §4.7)."
    ),
    tag="payouts",
    example=PAYOUT_EXAMPLE,
    example_name="A payout",
)
class PayoutViewSet(ScopedViewSet):
    serializer_class = serializers.PayoutSerializer
    filterset_class = filters.PayoutFilter
    ordering_fields = ["amount", "run", "employee__email"]

    def scoped(self, user) -> QuerySet:
        return payouts_visible_to(user).select_related("employee", "run__period")


@read_only(
    "component result",
    "component results",
    (
        "A CSM's line for one plan component in a run: metric value, attainment, factor, weight and share "
        "(ratios, 4 decimals) and payout (money, 2 decimals) (DESIGN §4.6)."
    ),
    tag="component-results",
)
class ComponentResultViewSet(ScopedViewSet):
    serializer_class = serializers.ComponentResultSerializer
    filterset_class = filters.ComponentResultFilter
    ordering_fields = ["run", "position", "payout"]

    def scoped(self, user) -> QuerySet:
        return component_results_visible_to(user).select_related("employee")


@read_only(
    "customer result",
    "customer results",
    (
        "How a customer entered a CSM's adoption in a run: baseline, target, score, its ratio r, whether it "
        "counted and why (DESIGN §4.3)."
    ),
    tag="customer-results",
)
class CustomerResultViewSet(ScopedViewSet):
    serializer_class = serializers.CustomerResultSerializer
    filterset_class = filters.CustomerResultFilter
    ordering_fields = ["run", "customer__customer_id", "r"]

    def scoped(self, user) -> QuerySet:
        return customer_results_visible_to(user).select_related("employee", "customer")
