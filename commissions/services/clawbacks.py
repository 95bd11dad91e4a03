"""Clawbacks (issue 14, RULES "Clawback window"): churn or contraction of a customer within a plan's
``clawback_days`` after an expansion was credited in a closed quarter recovers that credit.

Each (expansion, churn or contraction) pair becomes one pending ``clawback`` correction of the closed
quarter that credited the expansion, recorded once (source ``clawback:<expansion>:<undoing deal>``);
ops applies it like any correction. The churn or contraction still counts in its own quarter's NRR as
any deal does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q

from accounts.models import User
from core import formatting as fmt
from core.errors import AttainError

from ..engine.money import exact
from ..engine.tables import credit_field
from ..engine.types import PlanSpec
from ..models import Correction, Deal, FxRate, Period, Plan
from .corrections import record_correction, withdraw_correction

ONE = Decimal(1)
logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Found:
    """One (expansion, undoing deal) pair as the deals stand now, with the share of the credit undone."""

    plan: Plan
    period: Period
    expansion: Deal
    deal: Deal
    share: Decimal
    plans: tuple[str, ...] = ()  # every plan with a clawback window the pair falls in: only they claw back


def find_clawbacks(*, user: User | None = None) -> list[Correction]:
    """Record a pending clawback correction for every expansion credited in a closed quarter of a plan with
    ``clawback_days`` N, undone by a churn or contraction of the same customer credited after that quarter
    and at most N days after the expansion (day N included).

    A pair recorded before is compared with the deals as they stand now (a corrected contraction, a deal
    re-dated or deleted): when the share it undoes changed, a pending clawback of the pair is withdrawn and
    an applied one is revised by a new pending clawback of the pair with the share now (0 when the deal no
    longer undoes the expansion); the engine counts the latest clawback of each pair only (design.md §7
    "Clawbacks"). Returns the corrections recorded now and those withdrawn because nothing replaces them
    (status withdrawn); pairs unchanged are skipped. Safe to run again at any
    time. Raises ``AttainError`` naming a missing rate (``share_undone``).
    """
    found = _pairs_now()
    latest = _latest_recorded()
    recorded = []
    for key, pair in found.items():
        before = latest.get(key)
        if before is None:
            recorded.append(_record(pair, _source(key), user))
        elif _share_of(before, key) != pair.share or _plans_of(before, key) not in (None, pair.plans):
            recorded.append(_revise(before, key, user, pair=pair))
    for key, before in latest.items():
        if key in found or _share_of(before, key) == 0 or not before.period.is_closed:
            continue
        if before.status == Correction.Status.PENDING:
            recorded.append(withdraw_correction(correction=before, user=user))
        else:
            recorded.append(_revise(before, key, user, pair=None))
    return recorded


def look_again(*, after: str) -> list[Correction]:
    """``find_clawbacks`` after an event that may change what undoes what (``after``: a close, an applied
    deal correction), which stands whatever happens here: a clawback that cannot be computed now (a missing
    rate) is logged and found again after the next deals import or close."""
    try:
        return find_clawbacks()
    except AttainError as exc:
        logger.warning("Clawbacks could not be checked after %s: %s", after, exc.message)
        return []


def _pairs_now() -> dict[tuple[str, str], Found]:
    """Every qualifying pair, keyed (expansion deal_id, undoing deal_id), with the plans whose clawback
    window it falls in (a plan without ``clawback_days``, or whose window the deal misses, keeps what it
    paid); the first plan by code dates it (its quarter), and another plan counts when it credited the
    expansion in that same quarter."""
    found: dict[tuple[str, str], Found] = {}
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
                    key = (expansion.deal_id, deal.deal_id)
                    if key not in found:
                        share = share_undone(expansion, deal, period)
                        found[key] = Found(plan, period, expansion, deal, share, (plan.code,))
                    elif found[key].period == period and plan.code not in found[key].plans:
                        found[key] = replace(found[key], plans=(*found[key].plans, plan.code))
    return found


def _latest_recorded() -> dict[tuple[str, str], Correction]:
    """The latest clawback correction (pending or applied) this module recorded of each pair, by recording
    order. A clawback ops recorded by hand (no ``clawback:`` source) is theirs: never revised here."""
    latest: dict[tuple[str, str], Correction] = {}
    clawbacks = Correction.objects.filter(
        kind=Correction.Kind.CLAWBACK, source__startswith="clawback:"
    ).exclude(status=Correction.Status.WITHDRAWN)
    for correction in clawbacks.select_related("period").order_by("pk"):
        for row in correction.rows:
            latest[(row["deal_id"], row["by_deal"])] = correction
    return latest


def _source(key: tuple[str, str]) -> str:
    """``clawback:D1:D9`` for a pair's first clawback, ``clawback:D1:D9#2`` … for its revisions."""
    base = f"clawback:{key[0]}:{key[1]}"
    earlier = Correction.objects.filter(Q(source=base) | Q(source__startswith=f"{base}#")).count()
    return base if not earlier else f"{base}#{earlier + 1}"


def _row(correction: Correction, key: tuple[str, str]) -> dict:
    """A clawback correction's last row of the pair ``key``."""
    return [row for row in correction.rows if (row["deal_id"], row["by_deal"]) == key][-1]


def _share_of(correction: Correction, key: tuple[str, str]) -> Decimal:
    """The share of the pair ``key`` a clawback correction undoes."""
    return Decimal(str(_row(correction, key)["share"]))


def _plans_of(correction: Correction, key: tuple[str, str]) -> tuple[str, ...] | None:
    """The plans a clawback of the pair ``key`` claws back (its ``plans``), or None for one recorded
    before clawbacks named their plans (every plan that paid the quarter)."""
    named = _row(correction, key).get("plans")
    return tuple(named.split()) if named else None


def _revise(before: Correction, key: tuple[str, str], user, *, pair: Found | None) -> Correction:
    """Replace the pair's latest clawback ``before``: withdrawn when pending, followed by a clawback with the
    share now (``pair``; None: nothing is undone any more, share 0)."""
    undid = fmt.percent_exact(_share_of(before, key))
    if before.status == Correction.Status.PENDING:
        withdraw_correction(correction=before, user=user)
        was = f"replaces {before.label}, withdrawn before it was applied ({undid} undone)"
    else:
        was = f"revises {before.label}, applied ({undid} undone)"
    if pair is not None:
        return _record(pair, _source(key), user, note=f"; {was}: {fmt.percent_exact(pair.share)} undone now")
    expansion, deal = key
    reason = (
        f"deal {deal} no longer undoes expansion {expansion} (changed, removed or no longer credited within "
        f"the plan's clawback window); {was}: nothing undone now"
    )
    return record_correction(
        period=before.period,
        kind=Correction.Kind.CLAWBACK,
        rows=[{"deal_id": expansion, "share": "0", "by_deal": deal, "plans": _row(before, key).get("plans")}],
        reason=reason,
        user=user,
        source=_source(key),
        cause=f"{before.period.code} restated: clawback of {expansion} revised: {reason}"[:300],
    )


def _record(pair: Found, source: str, user, *, note: str = "") -> Correction:
    plan, period, expansion, deal = pair.plan, pair.period, pair.expansion, pair.deal
    day = credit_day(deal, plan)
    reason = (
        f"{deal.type} {deal.deal_id} of {expansion.customer.customer_id} on {day:%Y-%m-%d}, within "
        f"{plan.clawback_days} days of expansion {expansion.deal_id} credited on "
        f"{credit_day(expansion, plan):%Y-%m-%d} ({plan.code}){note}"
    )
    return record_correction(
        period=period,
        kind=Correction.Kind.CLAWBACK,
        rows=[
            {
                "deal_id": expansion.deal_id,
                "share": str(pair.share),
                "by_deal": deal.deal_id,
                "plans": " ".join(pair.plans),
            }
        ],
        reason=reason,
        user=user,
        source=source,
        cause=f"{period.code} restated: clawback of {expansion.deal_id}: {reason}"[:300],
    )
