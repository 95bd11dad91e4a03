"""Which runs' results and payouts a person sees: their reach (``accounts.access``), and publication."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import by_employee, is_geo_vp, sees_everything
from accounts.models import User

from .models import ComponentResult, CustomerResult, Payout, Period


def _published(queryset: QuerySet, user: User) -> QuerySet:
    """A run's results as ``user`` may see them: closing a quarter publishes its statements (DESIGN §5).

    The CCO, finance, ops, admins and a CSVP (their geo, even when they are also a CSM) see every run; a
    person who is only a CSM sees the final run of a closed quarter — an open quarter's runs are not
    theirs to read yet (they watch live projections instead).
    """
    if sees_everything(user) or is_geo_vp(user):
        return queryset
    return queryset.filter(run__is_final=True, run__period__status=Period.Status.CLOSED)


def payouts_visible_to(user: User) -> QuerySet:
    """Payouts: all; a CSVP's geo; a CSM's own, of published statements only."""
    return _published(by_employee(Payout.objects.all(), user), user)


def component_results_visible_to(user: User) -> QuerySet:
    return _published(by_employee(ComponentResult.objects.all(), user), user)


def customer_results_visible_to(user: User) -> QuerySet:
    return _published(by_employee(CustomerResult.objects.all(), user), user)
