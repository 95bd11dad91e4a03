"""Which customers a person sees: their reach (``accounts.access.visible``) over customers and books."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.access import by_employee, visible
from accounts.models import User

from .models import Customer, Ownership, PlayTask, SegmentMembership


def book_of(employees, on: date | None = None) -> QuerySet:
    """The customer ids (``values("customer_id")``, a subquery) owned by ``employees`` (user ids) on ``on``.

    A customer is in the book of the owner whose ownership row starts latest by that day. Starts from
    the people's ownership rows (an index), not from every customer: a CSM's book costs the same
    whether the company has a thousand customers or a hundred thousand.
    """
    day = on or timezone.localdate()
    later = Ownership.objects.filter(
        customer_id=OuterRef("customer_id"), start_date__gt=OuterRef("start_date"), start_date__lte=day
    )
    owned = Ownership.objects.filter(employee_id__in=list(employees), start_date__lte=day)
    return owned.exclude(Exists(later)).values("customer_id")


def customers_visible_to(user: User, *, on: date | None = None) -> QuerySet:
    """Customers: all; a CSVP's geo; a CSM's current book."""
    return visible(Customer.objects.all(), user, geo="geo", own=lambda: Q(pk__in=book_of([user.pk], on)))


def memberships_visible_to(user: User, *, on: date | None = None) -> QuerySet:
    """Segment memberships (docs/design.md §10.5): all; a CSVP's geo (the customer's); those of a CSM's
    book on ``on`` (default today)."""
    return visible(
        SegmentMembership.objects.all(),
        user,
        geo="customer__geo",
        own=lambda: Q(customer_id__in=book_of([user.pk], on)),
    )


def tasks_visible_to(user: User) -> QuerySet:
    """Plays' tasks (docs/design.md §10.6): all; those of a CSVP's geo's CSMs (the assignee's geo); a
    CSM's own."""
    return by_employee(PlayTask.objects.all(), user, "assignee")
