"""The ONE place that decides who may see what (DESIGN §1).

Every page, export and API endpoint scopes its querysets through these functions: a CSM sees their
own book and results, a CSVP everything of their geo, the CCO, finance, ops and admins everything.
An object outside a person's scope is a 404 — its existence is not revealed.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Role, User

EVERYTHING = (Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN)


def sees_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or any(user.has_role(role) for role in EVERYTHING))


def is_geo_vp(user: User) -> bool:
    return user.is_active and user.has_role(Role.CSVP) and bool(user.geo)


def is_csm(user: User) -> bool:
    return user.is_active and user.has_role(Role.CSM)


def book_of(employees, on: date | None = None) -> QuerySet:
    """The customer ids (``values("customer_id")``, a subquery) owned by ``employees`` (user ids) on ``on``.

    A customer is in the book of the owner whose ownership row starts latest by that day. Starts from
    the people's ownership rows (an index), not from every customer: a CSM's book costs the same
    whether the company has a thousand customers or a hundred thousand.
    """
    from adoption.models import Ownership

    day = on or timezone.localdate()
    later = Ownership.objects.filter(
        customer_id=OuterRef("customer_id"), start_date__gt=OuterRef("start_date"), start_date__lte=day
    )
    owned = Ownership.objects.filter(employee_id__in=list(employees), start_date__lte=day)
    return owned.exclude(Exists(later)).values("customer_id")


def customers_visible_to(user: User, *, on: date | None = None) -> QuerySet:
    """Customers: all; a CSVP's geo; a CSM's current book."""
    from adoption.models import Customer

    customers = Customer.objects.all()
    if sees_everything(user):
        return customers
    if is_geo_vp(user):
        return customers.filter(geo=user.geo)
    if is_csm(user):
        return customers.filter(pk__in=book_of([user.pk], on))
    return customers.none()


def employees_visible_to(user: User) -> QuerySet:
    """People: all; a CSVP's geo; a CSM only themselves."""
    people = User.objects.all()
    if sees_everything(user):
        return people
    if is_geo_vp(user):
        return people.filter(geo=user.geo)
    if is_csm(user):
        return people.filter(pk=user.pk)
    return people.none()


def _by_employee(queryset: QuerySet, user: User, field: str = "employee") -> QuerySet:
    if sees_everything(user):
        return queryset
    if is_geo_vp(user):
        return queryset.filter(**{f"{field}__geo": user.geo})
    if is_csm(user):
        return queryset.filter(**{field: user})
    return queryset.none()


def payouts_visible_to(user: User) -> QuerySet:
    from commissions.models import Payout

    return _by_employee(Payout.objects.all(), user)


def component_results_visible_to(user: User) -> QuerySet:
    from commissions.models import ComponentResult

    return _by_employee(ComponentResult.objects.all(), user)


def customer_results_visible_to(user: User) -> QuerySet:
    from commissions.models import CustomerResult

    return _by_employee(CustomerResult.objects.all(), user)


def requests_visible_to(user: User) -> QuerySet:
    """Requests: all; a CSVP's geo (by the customer's geo); a CSM's those about their current book."""
    from approvals.models import Request

    requests = Request.objects.all()
    if sees_everything(user):
        return requests
    if is_geo_vp(user):
        return requests.filter(customer__geo=user.geo)
    if is_csm(user):
        return requests.filter(customer__in=customers_visible_to(user))
    return requests.none()


def inquiries_visible_to(user: User) -> QuerySet:
    from approvals.models import Inquiry

    return _by_employee(Inquiry.objects.all(), user)


def get_visible(queryset: QuerySet, **lookup):
    """The object of ``queryset`` (already scoped) matching ``lookup``, or 404."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return obj
