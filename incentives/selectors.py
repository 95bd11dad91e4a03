"""What the SPIFF pages read (docs/design.md §11.3), scoped by ``accounts.access``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from accounts import access
from accounts.models import User

from .models import Spiff, SpiffAward, SpiffEvent
from .services.spiffs import BudgetUse


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
