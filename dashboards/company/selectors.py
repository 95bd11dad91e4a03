"""Read paths of the CCO / finance page (issue 5 §3): payouts by geo, component and quarter, actual
against on-target amount, and the approval queues — aggregated in the database, a constant number of
queries whatever the size of the company.

The runs that count: the final run of each closed quarter (the one its close marked final) and the
latest successful run of each open quarter, per plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.access import sees_everything
from accounts.models import User
from approvals.access import requests_visible_to
from approvals.models import Request
from commissions.access import component_results_visible_to, payouts_visible_to
from commissions.models import Period, Run

S = Request.Status
QUEUES = (S.PENDING_CCO, S.PENDING_FINANCE, S.APPROVED)


def may_see_company(user: User) -> bool:
    return sees_everything(user)


def chosen_runs() -> QuerySet:
    """Per plan and quarter: the final run of a closed quarter, the latest successful run of an open one."""
    latest = (
        Run.objects.filter(plan=OuterRef("plan"), period=OuterRef("period"), status=Run.Status.SUCCEEDED)
        .order_by("-version")
        .values("version")[:1]
    )
    return Run.objects.filter(
        Q(period__status=Period.Status.CLOSED, is_final=True)
        | Q(period__status=Period.Status.OPEN, status=Run.Status.SUCCEEDED, version=Subquery(latest))
    )


@dataclass
class CompanyPayouts:
    """Aggregated rows (dicts) for the tables and charts."""

    by_geo: list[dict] = field(default_factory=list)  # period, geo, currency, csms, oti, amount, ratio
    by_component: list[dict] = field(default_factory=list)  # period, component, currency, amount, csms
    by_quarter: list[dict] = field(default_factory=list)  # period, currency, csms, oti, amount, ratio, status
    runs: list[dict] = field(default_factory=list)  # period, plan, version, final

    @property
    def currencies(self) -> list[str]:
        return sorted({row["currency"] for row in self.by_quarter})


def _ratio(amount: Decimal | None, oti: Decimal | None) -> Decimal | None:
    return amount / oti if amount is not None and oti else None


def company_payouts(user: User, period: Period | None = None) -> CompanyPayouts:
    """Payout and on-target amount summed per quarter × geo, per quarter × component and per quarter;
    of ``period`` only when given (the page's quarter picker), else of every quarter."""
    runs = chosen_runs()
    if period is not None:
        runs = runs.filter(period=period)
    payouts = payouts_visible_to(user).filter(run__in=runs)
    result = CompanyPayouts()
    for row in (
        payouts.values("run__period__code", "employee__geo", "currency")
        .annotate(amount=Sum("amount"), oti=Sum("on_target_amount"), csms=Count("employee", distinct=True))
        .order_by("run__period__code", "employee__geo", "currency")
    ):
        result.by_geo.append(
            {
                "period": row["run__period__code"],
                "geo": row["employee__geo"] or "(none)",
                "currency": row["currency"],
                "csms": row["csms"],
                "oti": row["oti"],
                "amount": row["amount"],
                "ratio": _ratio(row["amount"], row["oti"]),
            }
        )
    for row in (
        payouts.values("run__period__code", "run__period__status", "currency")
        .annotate(amount=Sum("amount"), oti=Sum("on_target_amount"), csms=Count("employee", distinct=True))
        .order_by("run__period__code", "currency")
    ):
        result.by_quarter.append(
            {
                "period": row["run__period__code"],
                "status": row["run__period__status"],
                "currency": row["currency"],
                "csms": row["csms"],
                "oti": row["oti"],
                "amount": row["amount"],
                "ratio": _ratio(row["amount"], row["oti"]),
            }
        )
    components = component_results_visible_to(user).filter(run__in=runs)
    for row in (
        components.values("run__period__code", "component", "run__plan__currency")
        .annotate(amount=Sum("payout"), csms=Count("employee", distinct=True), position=Max("position"))
        .order_by("run__period__code", "position", "component")
    ):
        result.by_component.append(
            {
                "period": row["run__period__code"],
                "component": row["component"],
                "currency": row["run__plan__currency"],
                "csms": row["csms"],
                "amount": row["amount"],
            }
        )
    for run in runs.select_related("plan", "period").order_by("period__start", "plan__code"):
        result.runs.append(
            {
                "period": run.period.code,
                "plan": run.plan.code,
                "version": run.version,
                "kind": "final (closed quarter)" if run.is_final else "latest successful (open quarter)",
            }
        )
    return result


@dataclass
class Queues:
    """Open requests by the step they wait for."""

    pending_cco: list = field(default_factory=list)
    pending_finance: list = field(default_factory=list)
    approved: list = field(default_factory=list)


def approval_queues(user: User) -> Queues:
    """Requests waiting for the CCO, for finance and for ops to apply (one query)."""
    queues = Queues()
    pending = (
        requests_visible_to(user)
        .filter(status__in=QUEUES)
        .select_related("customer", "period", "filed_by", "cco_approver", "finance_approver")
        .order_by("filed_at", "pk")
    )
    for request in pending:
        getattr(queues, request.status).append(request)
    return queues
