"""Clawbacks (issue 14, RULES "Clawback window"): churn or contraction of a customer within a plan's
``clawback_days`` after an expansion was credited in a closed quarter recovers that credit.

Each (expansion, churn or contraction) pair becomes one pending ``clawback`` correction of the closed
quarter that credited the expansion, recorded once (source ``clawback:<expansion>:<undoing deal>``);
ops applies it like any correction. The churn or contraction still counts in its own quarter's NRR as
any deal does.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q

from accounts.models import User
from core.errors import AttainError

from ..engine.money import exact
from ..engine.tables import credit_field
from ..engine.types import PlanSpec
from ..models import Correction, Deal, FxRate, Period, Plan
from .corrections import record_correction

ONE = Decimal(1)


def _spec(plan: Plan) -> PlanSpec:
    """The crediting part of ``plan`` as the engine reads it (``credit_date`` and its rules per type)."""
    rules = tuple(sorted((plan.credit_date_by_type or {}).items()))
    return PlanSpec(
        code=plan.code,
        currency=plan.currency,
        components=(),
        credit_date=plan.credit_date,
        credit_date_by_type=rules,
    )


def credit_day(deal: Deal, plan: Plan):
    """The day a deal is credited under the plan: the date its rule for the deal's type names, else
    ``credit_date`` (DESIGN §3, issue 20) — the engine's ``credit_field``, so both agree."""
    return getattr(deal, credit_field(_spec(plan), deal.type))


def share_undone(expansion: Deal, undoing: Deal, period: Period) -> Decimal:
    """The share of the expansion's credit an undoing deal recovers: all of it for a churn; for a
    contraction |delta| / expansion delta, at most 1, both at the closed quarter's rates when their
    currencies differ. Raises ``AttainError`` naming a missing rate."""
    if undoing.type == Deal.Type.CHURN:
        return ONE
    contracted, expanded = abs(undoing.arr_delta), expansion.arr_delta
    if undoing.currency != expansion.currency:
        rates = dict(FxRate.objects.filter(period=period.code).values_list("currency", "rate"))
        for currency in (undoing.currency, expansion.currency):
            if currency not in rates:
                raise AttainError(
                    f"No {currency} rate for {period.code}: the clawback of {expansion.deal_id} by "
                    f"{undoing.deal_id} needs it. Record an fx correction of {period.code} first."
                )
        with exact():
            contracted, expanded = contracted * rates[undoing.currency], expanded * rates[expansion.currency]
    with exact():
        return min(ONE, contracted / expanded)


def find_clawbacks(*, user: User | None = None) -> list[Correction]:
    """Record a pending clawback correction for every expansion credited in a closed quarter of a plan with
    ``clawback_days`` N, undone by a churn or contraction of the same customer credited after that quarter
    and at most N days after the expansion (day N included). Returns the corrections recorded now; pairs
    already recorded are skipped. Safe to run again at any time."""
    recorded = []
    for plan in Plan.objects.filter(clawback_days__isnull=False).order_by("code"):
        window = timedelta(days=plan.clawback_days)
        closed = Period.objects.filter(status=Period.Status.CLOSED, runs__plan=plan, runs__is_final=True)
        for period in closed.distinct().order_by("start"):
            spec = _spec(plan)
            field = credit_field(spec, Deal.Type.EXPANSION)
            expansions = Deal.objects.filter(
                type=Deal.Type.EXPANSION, **{f"{field}__range": (period.start, period.end)}
            ).select_related("customer")
            for expansion in expansions:
                start = credit_day(expansion, plan)
                # Each undoing type by its own credit date (issue 20): churn and contraction may differ.
                credited_after = Q()
                for kind in (Deal.Type.CHURN, Deal.Type.CONTRACTION):
                    own = credit_field(spec, kind)
                    credited_after |= Q(
                        type=kind, **{f"{own}__gt": period.end, f"{own}__lte": start + window}
                    )
                undoing = Deal.objects.filter(credited_after, customer=expansion.customer)
                for deal in sorted(undoing, key=lambda d: (credit_day(d, plan), d.deal_id)):
                    source = f"clawback:{expansion.deal_id}:{deal.deal_id}"
                    if Correction.objects.filter(source=source).exists():
                        continue
                    recorded.append(_record(plan, period, expansion, deal, source, user))
    return recorded


def _record(plan: Plan, period: Period, expansion: Deal, deal: Deal, source: str, user) -> Correction:
    share = share_undone(expansion, deal, period)
    day = credit_day(deal, plan)
    reason = (
        f"{deal.type} {deal.deal_id} of {expansion.customer.customer_id} on {day:%Y-%m-%d}, within "
        f"{plan.clawback_days} days of expansion {expansion.deal_id} credited on "
        f"{credit_day(expansion, plan):%Y-%m-%d} ({plan.code})"
    )
    return record_correction(
        period=period,
        kind=Correction.Kind.CLAWBACK,
        rows=[{"deal_id": expansion.deal_id, "share": str(share), "by_deal": deal.deal_id}],
        reason=reason,
        user=user,
        source=source,
        cause=f"{period.code} restated: clawback of {expansion.deal_id}: {reason}"[:300],
    )
