"""Requests and inquiries: who sees them (``accounts.access`` reach) and who may take a request's step.

Segregation of duties (DESIGN §1): one person takes one step of a request; nobody decides or applies a
request they filed, already took part in, or would benefit from; ops applies and never approves.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.access import ALLOWED, Decision, by_employee, visible
from accounts.models import Role, User
from adoption.access import book_of, customers_visible_to
from adoption.models import Ownership

from .models import Inquiry, Request
from .steps import next_step


def requests_visible_to(user: User) -> QuerySet:
    """Requests: all; a CSVP's geo (by the customer's geo); a CSM's those about their current book."""
    return visible(
        Request.objects.all(),
        user,
        geo="customer__geo",
        own=lambda: Q(customer__in=customers_visible_to(user)),
    )


def inquiries_visible_to(user: User) -> QuerySet:
    return by_employee(Inquiry.objects.all(), user)


def _took_part(person: User, request) -> str:
    """What ``person`` already did on ``request`` ("" when nothing): segregation of duties (DESIGN §1)."""
    if person.pk == request.filed_by_id:
        return "filed"
    if person.pk in (request.cco_approver_id, request.finance_approver_id):
        return "approved a step of"
    if person.pk == request.applied_by_id:
        return "applied"
    return ""


def _benefits(person: User, request) -> bool:
    """Whether ``person`` is the CSM credited with ``request``: the owner of its customer at its quarter's
    last day, whose book the quarter's calculation credits (DESIGN §4 "Book", §1 segregation of duties)."""
    return book_of([person.pk], request.period.end).filter(customer_id=request.customer_id).exists()


def requests_benefiting(person: User) -> Exists:
    """A ``Request`` filter: the requests ``person`` benefits from (``_benefits``, one query for a list)."""
    later = Ownership.objects.filter(
        customer_id=OuterRef("customer_id"),
        start_date__gt=OuterRef("start_date"),
        start_date__lte=OuterRef(OuterRef("period__end")),
    )
    owned = Ownership.objects.filter(
        customer_id=OuterRef("customer_id"), employee_id=person.pk, start_date__lte=OuterRef("period__end")
    )
    return Exists(owned.exclude(Exists(later)))


def _may_take_step(person: User | None, request, step, verb: str) -> Decision:
    if person is None:
        return Decision(False, f"A step of {request.label} is taken by a person, not by the system.")
    if step is None:
        return Decision(False, f"{request.label} is “{request.get_status_display()}”: it waits for nobody.")
    if not person.is_active or not person.has_role(step.role):
        inactive = " (the account is inactive)" if not person.is_active else ""
        return Decision(
            False,
            f"{person.email} may not {verb} {request.label}: it waits for {step.role}; "
            f"{person.email} does not hold that role{inactive}.",
        )
    part = _took_part(person, request)
    if part == "filed":
        reason = f"{person.email} filed {request.label} and cannot decide on it"
    elif part:
        reason = f"{person.email} already {part} {request.label}"
    elif _benefits(person, request):
        reason = (
            f"{person.email} may not {verb} {request.label}: {request.customer.customer_id} is in their book "
            f"in {request.period.code}, so they would benefit from it"
        )
    else:
        return ALLOWED
    return Decision(False, f"{reason}: another person takes each step (segregation of duties).")


def may_decide(person: User | None, request, step=None) -> Decision:
    """Approve or reject the step a request waits for: its role (cco, then finance), nobody twice, never
    the CSM who benefits from it."""
    step = step or next_step(request)
    if step is not None and step.role == Role.OPS:
        return Decision(False, f"{request.label} is approved: it waits to be applied, not decided.")
    return _may_take_step(person, request, step, "decide")


def may_apply(person: User | None, request) -> Decision:
    """Ops applies an approved request it took no other part in nor benefits from; ops never approves
    (DESIGN §1)."""
    step = next_step(request)
    if step is not None and step.role != Role.OPS:
        return Decision(False, f"{request.label} is not approved yet: there is nothing to apply.")
    return _may_take_step(person, request, step, "apply")
