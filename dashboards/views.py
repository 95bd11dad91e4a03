"""Pages people open. The home page points each person to where they work."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import may_use_admin
from accounts.models import Role, User


@dataclass(frozen=True)
class Place:
    """A link on the home page: where a person does one part of their work."""

    url: str
    title: str
    description: str


def places_for(user: User) -> list[Place]:
    """The pages a person works on, by role (DESIGN §1). Who may do what is still checked by each page."""
    roles = user.role_codes
    places = []
    if Role.CSM in roles:
        places.append(
            Place("/my/", "My quarter", "Where you stand customer by customer; statements, what-if.")
        )
    if Role.CSVP in roles or roles & {Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN}:
        places.append(Place("/team/", "Team", "A geo's CSMs ranked by projected payout; customers at risk."))
    if roles & {Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN}:
        places.append(Place("/company/", "Company", "Payout by geo, component and quarter; approval queues."))
    if roles & {Role.OPS, Role.ADMIN, Role.CCO, Role.FINANCE}:
        places.append(Place("/console/", "Quarter console", "Pulls, runs and their progress, close, export."))
        places.append(Place("/audit/", "Audit trail", "Who changed what, and when."))
    if roles:
        places.append(Place("/requests/", "Requests", "Exception and extra-credit requests you can see."))
    if Role.CSVP in roles:
        places.append(Place("/requests/new/", "File a request", "An exception or extra credit for your geo."))
    if roles & {Role.CCO, Role.FINANCE}:
        places.append(Place("/requests/to-approve/", "To approve", "Requests waiting for your decision."))
    if Role.OPS in roles:
        places.append(Place("/requests/to-apply/", "To apply", "Approved requests to apply to the quarter."))
    if Role.CSM in roles:
        places.append(Place("/requests/inquiries/", "Inquiries", "Your questions about your statement."))
    elif roles & {Role.CSVP, Role.OPS}:
        places.append(Place("/requests/inquiries/", "Inquiries", "CSMs' questions for you to answer."))
    if may_use_admin(user):
        places.append(
            Place("/admin/", "Administration", "Customers, snapshots, plans, imports, runs and people.")
        )
    return places


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = [role.label for role in Role if user.has_role(role)]
    return render(request, "home.html", {"roles": roles, "places": places_for(user)})
