"""What the SPIFF and points pages read (docs/design.md §11.3, §11.4), scoped by ``accounts.access``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from accounts import access
from accounts.models import User

from .models import PointsEntry, PointsRule, Redemption, Reward, Spiff, SpiffAward, SpiffEvent
from .services.points import PointsBalance, balance_of
from .services.spiffs import BudgetUse, approval_open, eligible_people


@dataclass(frozen=True)
class SpiffRow:
    spiff: Spiff
    use: BudgetUse


def spiffs_with_budget(user: User) -> list[SpiffRow]:
    """Every SPIFF with its budget consumption (approved and pending sums), in one query; ``NotAllowed``
    unless ``user`` may see SPIFFs."""
    access.require(access.may_see_spiffs(user))
    rows = Spiff.objects.annotate(
        awarded=Sum("awards__amount", filter=Q(awards__status=SpiffAward.Status.APPROVED)),
        pending=Sum("awards__amount", filter=Q(awards__status=SpiffAward.Status.PENDING)),
    ).order_by("-start", "code")
    return [SpiffRow(s, BudgetUse(s.budget, s.awarded or 0, s.pending or 0)) for s in rows]


def spiff_for(user: User, code: str) -> Spiff:
    access.require(access.may_see_spiffs(user))
    return access.get_visible(
        Spiff.objects.select_related("proposed_by", "cco_approver", "finance_approver"), code=code
    )


def awards_of(user: User, spiff: Spiff) -> QuerySet:
    """The SPIFF's awards of the people in ``user``'s reach, in funding order."""
    awards = SpiffAward.objects.filter(spiff=spiff).select_related("employee", "period", "granted_by")
    return access.by_employee(awards, user).order_by("day", "employee__employee_id", "pk")


def events_of(spiff: Spiff) -> QuerySet:
    return SpiffEvent.objects.filter(spiff=spiff).order_by("at", "pk")


def grant_for(user: User, spiff: Spiff, pk: int) -> SpiffAward:
    """A grant by hand of ``spiff`` to a person in ``user``'s reach, else 404."""
    return access.get_visible(awards_of(user, spiff).filter(source=SpiffAward.Source.GRANT), pk=pk)


@dataclass(frozen=True)
class PendingGrant:
    """A grant waiting for approval, with what ``user`` may do with it: ``may_approve`` when their step is
    still to give (the CCO's, or finance's when the SPIFF needs it; never the granter's own grant)."""

    award: SpiffAward
    may_approve: bool


def pending_grants(user: User, spiff: Spiff) -> list[PendingGrant]:
    """The SPIFF's grants waiting for approval that ``user`` may decide on (``access.may_approve_spiff``);
    none for anyone else. Which step each one still needs is the service's rule (``approval_step``)."""
    if not access.may_approve_spiff(user, spiff):
        return []
    rows = awards_of(user, spiff).filter(source=SpiffAward.Source.GRANT, status=SpiffAward.Status.PENDING)
    rows = rows.select_related("spiff")
    return [PendingGrant(award, may_approve=approval_open(award, user)) for award in rows]


def grantable_people(user: User, spiff: Spiff) -> QuerySet:
    """The people ``user`` may grant ``spiff`` to: eligible for it and in their reach, by employee id."""
    people = eligible_people(spiff).filter(pk__in=access.employees_visible_to(user).values("pk"))
    return people.order_by("employee_id", "pk")


@dataclass(frozen=True)
class OwnAwards:
    """A person's own SPIFF awards (newest first) and the approved total per currency (money, cents)."""

    awards: QuerySet
    totals: dict[str, Decimal]


def own_spiff_awards(user: User) -> OwnAwards:
    """``user``'s own SPIFF awards — never anyone else's, whatever their role — with the SPIFF and the
    quarter whose payroll pays each (docs/design.md §11.3 "Payroll"); two queries."""
    access.require(access.may_see_own_spiff_awards(user))
    awards = (
        SpiffAward.objects.filter(employee=user)
        .select_related("spiff", "period")
        .order_by("-day", "spiff__code", "-pk")
    )
    sums = (
        SpiffAward.objects.filter(employee=user, status=SpiffAward.Status.APPROVED)
        .values("spiff__currency")
        .annotate(total=Sum("amount"))
        .order_by("spiff__currency")
    )
    return OwnAwards(awards, {row["spiff__currency"]: row["total"] for row in sums})


def points_rules(user: User) -> QuerySet:
    """Every points rule, for whoever keeps them (``access.may_manage_points``: ops)."""
    access.require(access.may_manage_points(user))
    return PointsRule.objects.order_by("-start", "code")


# --- Points (docs/design.md §11.4) -------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsPage:
    """What /incentives/points/ shows ``user``: their balance, ledger, requests and the catalogue; for ops
    and finance the pending redemptions they may decide on; for ops the approved rewards to hand out."""

    balance: PointsBalance
    ledger: QuerySet
    mine: QuerySet
    rewards: QuerySet
    pending: list
    to_fulfil: list


def points_page(user: User) -> PointsPage:
    """A constant number of queries whatever the ledger's length."""
    access.require(access.may_redeem_points(user))
    ledger = PointsEntry.objects.filter(employee=user).select_related(
        "rule", "lot__rule", "redemption__reward"
    )
    pending, to_fulfil = [], []
    if access.may_decide_redemption(user):
        rows = Redemption.objects.filter(status=Redemption.Status.PENDING).select_related(
            "employee", "reward"
        )
        pending = [r for r in rows.order_by("requested_on", "pk") if access.may_decide_redemption(user, r)]
    if access.may_fulfil_redemption(user):
        rows = Redemption.objects.filter(status=Redemption.Status.APPROVED, cash_amount__isnull=True)
        rows = rows.select_related("employee", "reward").order_by("decided_on", "pk")
        to_fulfil = [r for r in rows if access.may_fulfil_redemption(user, r)]
    return PointsPage(
        balance=balance_of(user),
        ledger=ledger.order_by("-on", "-pk"),
        mine=Redemption.objects.filter(employee=user)
        .select_related("reward")
        .order_by("-requested_on", "-pk"),
        rewards=Reward.objects.filter(active=True).order_by("price", "code"),
        pending=pending,
        to_fulfil=to_fulfil,
    )


def redemption_for(user: User, pk: int) -> Redemption:
    """A redemption ``user`` may decide on or fulfil (ops or finance see every one), else 404."""
    if not (access.may_decide_redemption(user) or access.may_fulfil_redemption(user)):
        access.require(access.may_decide_redemption(user))
    return access.get_visible(Redemption.objects.select_related("reward", "employee"), pk=pk)
