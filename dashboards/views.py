"""Pages people open. The home page points each person to where they work; ``landing`` sends them, once
signed in, to their own dashboard (DESIGN §1 "Where each person lands")."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import access
from accounts.access import may_use_admin, sees_everything
from accounts.models import Role, User
from dashboards.company.selectors import may_see_company
from dashboards.console.views import may_view as may_see_console
from dashboards.snapshots.selectors import drafts_awaiting_approval
from dashboards.team.selectors import may_see_team


@dataclass(frozen=True)
class Place:
    """A link on the home page: where a person does one part of their work. ``nav`` is its label in every
    page's header ("" for the home page only: a page's sub-pages, such as "File a request")."""

    url: str
    title: str
    description: str
    nav: str = ""


def places_for(user: User) -> list[Place]:
    """The pages a person works on (DESIGN §1). A link is shown only when the page's own rule lets the
    person in — each asks the same function its page asks — so no link leads to a refusal."""
    roles = user.role_codes
    places = []
    if Role.CSM in roles:
        places.append(
            Place(
                "/my/",
                "My quarter",
                "Where you stand customer by customer; statements, what-if.",
                "My quarter",
            )
        )
    if may_see_team(user):
        places.append(
            Place("/team/", "Team", "A geo's CSMs ranked by projected payout; customers at risk.", "Team")
        )
    if access.may_see_scores(user):
        places.append(
            Place(
                "/scores/",
                "Scores",
                "Customers by adoption score; click a score for its scorecard and rules.",
                "Scores",
            )
        )
    if access.may_see_segments(user):
        places.append(
            Place(
                "/segments/",
                "Segments",
                "Customers who need something: segment members, who entered and left.",
                "Segments",
            )
        )
        places.append(Place("/tasks/", "Tasks", "Open tasks of the segments' plays; complete them.", "Tasks"))
    if may_see_company(user):
        places.append(
            Place("/company/", "Company", "Payout by geo, component and quarter; approval queues.", "Company")
        )
    if may_see_console(user):
        places.append(
            Place("/console/", "Quarter console", "Pulls, runs and their progress, close, export.", "Console")
        )
        # The Imports page opens for whoever sees the console; only ``may_import`` gets its upload form.
        places.append(
            Place(
                "/console/imports/", "Imports", "Upload data files, check them, read the history.", "Imports"
            )
        )
    if sees_everything(user):
        places.append(Place("/audit/", "Audit trail", "Who changed what, and when.", "Audit"))
    if access.may_review_snapshot(user):
        places.append(
            Place(
                "/snapshots/",
                "Target snapshots",
                "Each year's targets: review the draft; the CCO approves.",
                "Snapshots",
            )
        )
    if roles:
        places.append(
            Place("/requests/", "Requests", "Exception and extra-credit requests you can see.", "Requests")
        )
    if access.may_file_request(user):
        places.append(Place("/requests/new/", "File a request", "An exception or extra credit for your geo."))
    if roles & {Role.CCO, Role.FINANCE}:
        places.append(Place("/requests/to-approve/", "To approve", "Requests waiting for your decision."))
    if Role.OPS in roles:
        places.append(Place("/requests/to-apply/", "To apply", "Approved requests to apply to the quarter."))
    if Role.CSM in roles:
        places.append(
            Place("/requests/inquiries/", "Inquiries", "Your questions about your statement.", "Inquiries")
        )
    elif roles & {Role.CSVP, Role.OPS}:
        places.append(
            Place("/requests/inquiries/", "Inquiries", "CSMs' questions for you to answer.", "Inquiries")
        )
    if roles:
        # Every role reads some plan's handbook (access.may_see_handbook); the index lists which, and
        # says so when there is none, so the link never leads to a refusal (docs/handbook.md).
        places.append(
            Place(
                reverse("dashboards:handbooks"),
                "Plan handbooks",
                "Each plan's rules in plain words, worked examples, timeline and questions.",
                "Handbooks",
            )
        )
    places += _incentive_places(user, roles)
    if may_use_admin(user):
        places.append(
            Place(
                "/admin/", "Administration", "Customers, snapshots, plans, imports, runs and people.", "Admin"
            )
        )
    return places


def _incentive_places(user: User, roles: set[str]) -> list[Place]:
    """SPIFFs, points and recognition (docs/incentives.md "Pages"), each asked of the page's own rule. The
    points and recognition pages open to anyone signed in; like Requests, they are linked for people
    holding a role."""
    places = []
    if access.may_see_spiffs(user):
        url = reverse("incentives:spiffs")
        places.append(Place(url, "SPIFFs", "Bonus programs: budgets, awards, approvals.", "SPIFFs"))
    if Role.CSM in roles and access.may_see_own_spiff_awards(user):
        places.append(
            Place(
                reverse("incentives:my_awards"),
                "My SPIFF awards",
                "What SPIFFs awarded you, and the quarter whose payroll pays it.",
                "My SPIFFs",
            )
        )
    if roles and access.may_redeem_points(user):
        places.append(
            Place(reverse("incentives:points"), "Points", "Your points and the rewards they buy.", "Points")
        )
    if roles:
        home, fame = reverse("recognition:home"), reverse("recognition:fame")
        places.append(Place(home, "Recognition", "Your tasks and the contests you are in.", "Recognition"))
        places.append(Place(fame, "Wall of fame", "Contest winners and top performers.", "Wall of fame"))
    return places


def landing_url(user: User) -> str:
    """Where ``user`` lands once signed in (DESIGN §1 "Where each person lands"): the dashboard of their
    first role in the order ops, cco/finance, csvp, csm — ``/console/``, ``/company/``, ``/team/``, ``/my/``
    — provided that page opens for them (a CSVP without a geo has no team); else the home page ``/``."""
    roles = user.role_codes
    opens = {place.url for place in places_for(user)}
    for url, holders in (
        ("/console/", {Role.OPS}),
        ("/company/", {Role.CCO, Role.FINANCE}),
        ("/team/", {Role.CSVP}),
        ("/my/", {Role.CSM}),
    ):
        if roles & holders and url in opens:
            return url
    return reverse("dashboards:home")


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """``LOGIN_REDIRECT_URL``: sends a person who just signed in to their own dashboard."""
    return redirect(landing_url(request.user))


def home(request: HttpRequest) -> HttpResponse:
    """The overview of a person's pages, open to everyone signed in. Someone not signed in is sent to sign
    in and from there to their own dashboard (``landing``), not back to this overview."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("dashboards:landing"))
    user = request.user
    roles = [role.label for role in Role if user.has_role(role)]
    # The CCO is told when a draft snapshot waits for approval (DESIGN §3 "Target snapshots").
    awaiting = drafts_awaiting_approval() if access.may_approve_snapshot(user) else []
    context = {"roles": roles, "places": places_for(user), "snapshots_awaiting": awaiting}
    return render(request, "home.html", context)
