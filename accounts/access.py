"""The ONE place that decides who may see what, and who may do what (DESIGN §1).

Every page, export and API endpoint scopes its querysets through these functions: a CSM sees their
own book and results, a CSVP everything of their geo, the CCO, finance, ops and admins everything.
An object outside a person's scope is a 404 — its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from commissions.errors import NotAllowed

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


def _published(queryset: QuerySet, user: User) -> QuerySet:
    """A run's results as ``user`` may see them: closing a quarter publishes its statements (DESIGN §5).

    The CCO, finance, ops, admins and a CSVP (their geo, even when they are also a CSM) see every run; a
    person who is only a CSM sees the final run of a closed quarter — an open quarter's runs are not
    theirs to read yet (they watch live projections instead).
    """
    if sees_everything(user) or is_geo_vp(user):
        return queryset
    from commissions.quarters import Period

    return queryset.filter(run__is_final=True, run__period__status=Period.Status.CLOSED)


def payouts_visible_to(user: User) -> QuerySet:
    """Payouts: all; a CSVP's geo; a CSM's own, of published statements only."""
    from commissions.models import Payout

    return _published(_by_employee(Payout.objects.all(), user), user)


def component_results_visible_to(user: User) -> QuerySet:
    from commissions.models import ComponentResult

    return _published(_by_employee(ComponentResult.objects.all(), user), user)


def customer_results_visible_to(user: User) -> QuerySet:
    from commissions.models import CustomerResult

    return _published(_by_employee(CustomerResult.objects.all(), user), user)


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


# --- Rights to act (DESIGN §1, §5) ----------------------------------------------------------------------
#
# Who may *do* what. Services enforce these (``require`` raises ``NotAllowed`` with the sentence);
# pages, the API and templates only ask them what to offer. ``admin`` manages users and roles and does
# not act as ops: an admin closes or imports only when they also hold ``ops``. A ``person`` of None is
# the system (the quarter-end schedule, or a shell command run without ``--user``): rights are about
# people, and whoever holds the shell holds the database anyway — but only an admin changes roles.


@dataclass(frozen=True)
class Decision:
    """A right's answer: truthy when allowed; ``reason`` is the sentence a refusal shows."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def require(decision: Decision) -> None:
    """Raise ``NotAllowed`` with the decision's sentence unless it allows."""
    if not decision:
        raise NotAllowed(decision.reason)


def _who(person: User | None) -> str:
    return person.email if person is not None else "An import or command without --user"


def _needs(person: User | None, what: str, *roles: str, why: str = "") -> Decision:
    """Allowed when ``person`` is active and holds one of ``roles``; else the refusal sentence."""
    if person is None:
        return ALLOWED
    if person.is_active and any(person.has_role(role) for role in roles):
        return ALLOWED
    if not person.is_authenticated:
        return Decision(False, f"Someone not signed in may not {what}: sign in first.")
    if not person.is_active:
        return Decision(False, f"{person.email} may not {what}: the account is inactive.")
    needed = " or ".join(roles)
    return Decision(False, f"{person.email} may not {what}: {why or what} needs the {needed} role.")


def may_import(person: User | None, kind: str) -> Decision:
    """Ops imports data (DESIGN §1); the people (``employees``) also an admin, who manages users.

    Role changes inside an employees file need ``may_change_roles`` as well (checked per row).
    """
    if kind == "employees":
        return _needs(person, "import employees", Role.OPS, Role.ADMIN, why="importing people")
    return _needs(person, f"import {kind}", Role.OPS, why="importing data")


def may_pull(person: User | None, period=None) -> Decision:
    what = f"pull the scores of {period.code}" if period is not None else "pull scores"
    return _needs(person, what, Role.OPS, why="pulling scores")


def may_calculate(person: User | None, period=None) -> Decision:
    what = f"calculate {period.code}" if period is not None else "calculate"
    return _needs(person, what, Role.OPS, why="calculating a quarter")


def may_close(person: User | None, period=None) -> Decision:
    what = f"close {period.code}" if period is not None else "close a quarter"
    return _needs(person, what, Role.OPS, why="closing a quarter")


def may_reopen(person: User | None, period=None) -> Decision:
    what = f"re-open {period.code}" if period is not None else "re-open a quarter"
    return _needs(person, what, Role.OPS, why="re-opening a quarter")


def may_export_payroll(person: User | None, period=None) -> Decision:
    """Ops exports payroll; finance, who signs off payouts, may download it too (DESIGN §1)."""
    what = f"export the payroll of {period.code}" if period is not None else "export payroll"
    return _needs(person, what, Role.OPS, Role.FINANCE, why="the payroll export")


def may_approve_snapshot(person: User | None, fiscal_year: str = "") -> Decision:
    what = f"approve the target snapshot of {fiscal_year}" if fiscal_year else "approve target snapshots"
    return _needs(person, what, Role.CCO, why="approving a target snapshot")


def may_file_request(person: User | None, customer=None) -> Decision:
    """A ``csvp`` files exceptions and extra credit for customers of their own geo (DESIGN §5)."""
    if person is None:
        return Decision(False, "A request is filed by a person (a csvp), not by the system.")
    if not person.is_active or not person.has_role(Role.CSVP):
        return Decision(
            False,
            f"{person.email} may not file requests. Only a Geo VP (csvp) files exception and extra-credit "
            "requests" + (" (the account is inactive)." if not person.is_active else "."),
        )
    if customer is not None and person.geo != customer.geo:
        return Decision(
            False,
            f"{person.email} may not file for {customer.customer_id}: {customer.customer_id} is in "
            f"{customer.geo}; you file for {person.geo or 'no geo'}.",
        )
    return ALLOWED


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
    from adoption.models import Ownership

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
    from approvals.services import next_step

    step = step or next_step(request)
    if step is not None and step.role == Role.OPS:
        return Decision(False, f"{request.label} is approved: it waits to be applied, not decided.")
    return _may_take_step(person, request, step, "decide")


def may_apply(person: User | None, request) -> Decision:
    """Ops applies an approved request it took no other part in nor benefits from; ops never approves
    (DESIGN §1)."""
    from approvals.services import next_step

    step = next_step(request)
    if step is not None and step.role != Role.OPS:
        return Decision(False, f"{request.label} is not approved yet: there is nothing to apply.")
    return _may_take_step(person, request, step, "apply")


def may_withdraw(person: User | None, request) -> Decision:
    if person is not None and person.pk == request.filed_by_id:
        return ALLOWED
    return Decision(False, f"Only the person who filed {request.label} can withdraw it.")


def may_open_inquiry(person: User | None) -> Decision:
    """A CSM questions their own statement (DESIGN §5)."""
    if person is not None and person.is_active and person.has_role(Role.CSM):
        return ALLOWED
    return Decision(False, "Only a CSM raises an inquiry about their own statement.")


def may_answer_inquiry(person: User | None, inquiry) -> Decision:
    """Ops, or the Geo VP of the CSM who asked, answers an inquiry."""
    if person is not None and person.is_active:
        if person.has_role(Role.OPS):
            return ALLOWED
        if person.has_role(Role.CSVP) and person.geo and person.geo == inquiry.employee.geo:
            return ALLOWED
    return Decision(False, "Only ops or the CSM's Geo VP answers an inquiry.")


def may_change_roles(person: User | None, target: User | None) -> Decision:
    """An admin changes people's roles — never their own: a second admin must (DESIGN §1)."""
    whose = f"the roles of {target.email}" if target is not None and target.email else "roles"
    if person is None:
        return Decision(
            False, f"{_who(person)} may not change {whose}: changing roles needs an admin (give --user)."
        )
    decision = _needs(person, f"change {whose}", Role.ADMIN, why="changing roles")
    if not decision:
        return decision
    if target is not None and target.pk is not None and target.pk == person.pk:
        return Decision(False, f"{person.email} may not change their own roles: another admin must.")
    return ALLOWED


def may_use_admin(person: User | None) -> Decision:
    """The Django admin is the ``admin`` role's (DESIGN §1): holding the role opens it, losing it closes it.

    The staff and superuser flags open nothing: the admin site asks this right (``accounts.admin_site``),
    and a role change is recorded (``RoleChange``), so who could use the admin, and when, is audited.
    """
    if person is None:
        return Decision(False, "The Django admin is used by a person who holds the admin role.")
    return _needs(person, "use the Django admin", Role.ADMIN, why="the Django admin")
