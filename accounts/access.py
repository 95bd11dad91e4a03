"""Who may see what, and who may do what (DESIGN §1): the rules about people, stated once.

- **Reach** (``visible``): the CCO, finance, ops and admins see everything; a CSVP what belongs to their
  geo; a CSM their own; anyone else nothing. Each app scopes its own objects with it, in its
  ``access.py`` (``adoption.access``: customers and books; ``commissions.access``: results and payouts;
  ``approvals.access``: requests, inquiries and the rights to decide and apply), so the arrows between
  apps point one way (docs/architecture.md) and the reach is still decided here only.
- **Rights to act** (``may_*``): services enforce them (``require``); pages, the API and templates ask.

An object outside a person's reach is a 404 — its existence is not revealed (``get_visible``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from core.errors import NotAllowed

from .models import Role, User

EVERYTHING = (Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN)


def sees_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or any(user.has_role(role) for role in EVERYTHING))


def is_geo_vp(user: User) -> bool:
    return user.is_active and user.has_role(Role.CSVP) and bool(user.geo)


def is_csm(user: User) -> bool:
    return user.is_active and user.has_role(Role.CSM)


def visible(queryset: QuerySet, user: User, *, geo: str, own: Q | Callable[[], Q]) -> QuerySet:
    """``queryset`` cut to ``user``'s reach: everything; the rows whose ``geo`` path is a CSVP's geo; the
    rows ``own`` selects for a CSM (a ``Q``, or a callable building it only when needed); else none."""
    if sees_everything(user):
        return queryset
    if is_geo_vp(user):
        return queryset.filter(**{geo: user.geo})
    if is_csm(user):
        return queryset.filter(own() if callable(own) else own)
    return queryset.none()


def by_employee(queryset: QuerySet, user: User, field: str = "employee") -> QuerySet:
    """Rows about a person (``field`` is the path to them): all; their geo for a CSVP; a CSM's own."""
    return visible(queryset, user, geo=f"{field}__geo", own=Q(**{field: user}))


def employees_visible_to(user: User) -> QuerySet:
    """People: all; a CSVP's geo; a CSM only themselves."""
    return visible(User.objects.all(), user, geo="geo", own=Q(pk=user.pk))


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


def may_sign_off(person: User | None, period=None) -> Decision:
    """Finance signs off a closed quarter's payouts (DESIGN §1, §5); the payroll export waits for it."""
    what = f"sign off the payouts of {period.code}" if period is not None else "sign off payouts"
    return _needs(person, what, Role.FINANCE, why="signing off payouts")


def may_review_snapshot(person: User | None, fiscal_year: str = "") -> Decision:
    """The CCO, who approves it, and ops, finance and admins, who prepare and check it, read a draft snapshot
    and its differences (DESIGN §3 "Target snapshots")."""
    what = f"review the target snapshot of {fiscal_year}" if fiscal_year else "review target snapshots"
    return _needs(person, what, Role.CCO, Role.OPS, Role.FINANCE, Role.ADMIN, why="reviewing a snapshot")


def may_download_statements(person: User | None, period=None) -> Decision:
    """Ops downloads every published statement of a quarter at once (one ZIP of PDFs); finance too."""
    what = f"download the statements of {period.code}" if period is not None else "download all statements"
    return _needs(person, what, Role.OPS, Role.FINANCE, why="downloading every statement")


# How far up a management chain a handbook reader is looked for: deeper than any organisation, and a
# bound should a manager loop ever be imported (A manages B manages A).
MANAGEMENT_LEVELS = 12

# Those who see everything, as a refusal names them (``EVERYTHING``'s roles, in its order).
EVERYTHING_READERS = "the CCO, finance, ops and admins"


# Each reader group's test takes a person and the plan's assignments (``members``) and answers the
# assignments that admit them (empty: none), so one test serves one plan (``may_see_handbook``) and every
# plan at once (``plans_with_handbook_for``).
def _on_the_plan(person: User, members: QuerySet) -> QuerySet:
    return members.filter(employee=person)


def _manages_a_member(person: User, members: QuerySet) -> QuerySet:
    return members.filter(employee_id__in=_reports_of(person))


def _reports_of(person: User) -> set[int]:
    """The ids of everyone ``person`` manages, at every level down to ``MANAGEMENT_LEVELS`` (a manager loop
    ends there, and ``person`` is never their own report). One query a level."""
    seen, level, reports = {person.pk}, {person.pk}, set()
    for _ in range(MANAGEMENT_LEVELS):
        level = set(User.objects.filter(manager_id__in=level).values_list("pk", flat=True)) - seen
        if not level:
            break
        reports |= level
        seen |= level
    return reports


def _geo_vp_of_a_member(person: User, members: QuerySet) -> QuerySet:
    return members.filter(employee__geo=person.geo) if is_geo_vp(person) else members.none()


# Who reads a plan's handbook besides those who see everything: each group in the words its refusal names
# it by, with the test that admits it, so the sentence and the rule are one list and cannot disagree.
HANDBOOK_READERS: tuple[tuple[str, Callable[[User, QuerySet], QuerySet]], ...] = (
    ("the people on the plan", _on_the_plan),
    ("their managers", _manages_a_member),
    ("the Geo VP of their geo", _geo_vp_of_a_member),
)


def handbook_readers_text() -> str:
    """Everyone who may read a plan's handbook, in words: "the people on the plan, their managers, the Geo
    VP of their geo, the CCO, finance, ops and admins" (``HANDBOOK_READERS`` then ``EVERYTHING_READERS``)."""
    return ", ".join([*(words for words, _ in HANDBOOK_READERS), EVERYTHING_READERS])


def _reads_every_handbook(person: User | None) -> bool | None:
    """True for those who read every plan's handbook (nobody named: the system; those who see everything),
    False for nobody signed in or an inactive account, None where ``HANDBOOK_READERS`` decide."""
    if person is None or (person.is_authenticated and sees_everything(person)):
        return True
    if not person.is_authenticated or not person.is_active:
        return False
    return None


def may_see_handbook(person: User | None, plan) -> Decision:
    """A plan's handbook (docs/handbook.md) is read by the people on the plan (an assignment to it, at any
    date), their managers at every level above them (``User.manager``), the Geo VP of a geo one of them
    belongs to, and the CCO, finance, ops and admins; anyone else is refused (403: a plan's rules are no
    secret worth a 404), with a sentence naming them all (``handbook_readers_text``). ``plan`` is a
    ``commissions.Plan`` (read through its ``assignments``). ``plans_with_handbook_for`` is the same rule
    over many plans."""
    every = _reads_every_handbook(person)
    if every:
        return ALLOWED
    refusal = Decision(
        False,
        f"{_who(person)} may not read the handbook of {plan.code}: it is for {handbook_readers_text()}.",
    )
    if every is False:
        return refusal
    members = plan.assignments.all()
    if any(admits(person, members).exists() for _, admits in HANDBOOK_READERS):
        return ALLOWED
    return refusal


def plans_with_handbook_for(person: User | None, plans: QuerySet) -> QuerySet:
    """``plans`` (a ``commissions.Plan`` queryset) cut to those whose handbook ``person`` may read: the rule
    of ``may_see_handbook`` (``HANDBOOK_READERS``) over every plan at once, so the handbook's index and the
    API's plans (DESIGN §1) show a person the plans they may read and no other. A few queries, however many
    plans (one a management level for a manager)."""
    every = _reads_every_handbook(person)
    if every is not None:
        return plans if every else plans.none()
    # The plan's assignments, read through the plan as ``may_see_handbook`` reads them.
    members = plans.model.assignments.rel.related_model.objects.all()
    admitted = members.none()
    for _, admits in HANDBOOK_READERS:
        admitted = admitted | admits(person, members)
    return plans.filter(pk__in=admitted.values("plan_id"))


def may_correct(person: User | None, period=None) -> Decision:
    """Ops records, applies and withdraws corrections of closed quarters (issue 14)."""
    what = f"correct {period.code}" if period is not None else "correct a closed quarter"
    return _needs(person, what, Role.OPS, why="correcting a closed quarter")


def may_hold(person: User | None, period=None) -> Decision:
    """Ops or finance holds a CSM's payout line and releases it (issue 14)."""
    what = f"hold or release payouts of {period.code}" if period is not None else "hold or release payouts"
    return _needs(person, what, Role.OPS, Role.FINANCE, why="holding a payout")


def may_manage_webhooks(person: User | None) -> Decision:
    """Ops reads the webhook delivery log and resends failed deliveries (docs/webhooks.md); an admin, who
    configures the endpoints in the Django admin, too."""
    return _needs(person, "manage webhooks", Role.OPS, Role.ADMIN, why="managing webhooks")


def may_manage_scorecards(person: User | None) -> Decision:
    """Ops loads scorecard versions and chooses a year's commission scorecards and score source
    (docs/design.md §9.1, §9.5)."""
    return _needs(person, "manage scorecards", Role.OPS, why="managing scorecards")


def may_see_scores(person: User | None) -> Decision:
    """Whoever sees customers reads their scorecard scores, the portfolio by score and the scorecards'
    rules (docs/scorecards.md "Pages"): a CSM (their book), a Geo VP (their geo), the CCO, finance, ops and
    admins (everything). Which customers each one sees is ``visible``'s reach, as everywhere."""
    if person is None:
        return ALLOWED
    if is_csm(person) or is_geo_vp(person) or sees_everything(person):
        return ALLOWED
    if not person.is_authenticated:
        return Decision(False, "Someone not signed in may not read adoption scores: sign in first.")
    return Decision(
        False,
        f"{person.email} may not read adoption scores: they are for CSMs, Geo VPs with a geo, the CCO, "
        "finance, ops and admins.",
    )


def may_see_segments(person: User | None) -> Decision:
    """Whoever sees customers reads the segments, their members and the plays' tasks (docs/design.md §10.5):
    a CSM (their book's members, their own tasks), a Geo VP with a geo (their geo's), the CCO, finance,
    ops and admins (everything). Which rows each one sees is ``visible``'s reach, as everywhere."""
    if person is None:
        return ALLOWED
    if is_csm(person) or is_geo_vp(person) or sees_everything(person):
        return ALLOWED
    if not person.is_authenticated:
        return Decision(False, "Someone not signed in may not read segments: sign in first.")
    return Decision(
        False,
        f"{person.email} may not read segments: they are for CSMs, Geo VPs with a geo, the CCO, finance, "
        "ops and admins.",
    )


def may_manage_segments(person: User | None) -> Decision:
    """Ops loads segment and play definitions (``load_segments``, docs/design.md §10.5)."""
    return _needs(person, "manage segments", Role.OPS, why="managing segments")


def may_complete_task(person: User | None, task) -> Decision:
    """A play's task (docs/design.md §10.6) is completed by the CSM it is assigned to, by the Geo VP of
    that CSM's geo, or by ops, the CCO or an admin; finance reads tasks but does not act on them.
    ``task`` needs ``assignee`` (with ``geo``) and ``pk``. A person, never the system."""
    label = f"task #{task.pk}"
    if person is None:
        return Decision(False, f"{label} is completed by a person, not by the system.")
    if person.is_active:
        if person.pk == task.assignee_id:
            return ALLOWED
        if is_geo_vp(person) and person.geo == task.assignee.geo:
            return ALLOWED
        if person.is_superuser or any(person.has_role(role) for role in (Role.OPS, Role.CCO, Role.ADMIN)):
            return ALLOWED
    if not person.is_authenticated:
        return Decision(False, f"Someone not signed in may not complete {label}: sign in first.")
    inactive = " (the account is inactive)" if not person.is_active else ""
    return Decision(
        False,
        f"{person.email} may not complete {label}{inactive}: it is completed by the CSM it is assigned to, "
        "their Geo VP, ops, the CCO or an admin.",
    )


def may_edit_scorecards_in_admin(person: User | None) -> Decision:
    """Ops changes a scorecard by loading a new version in the Django admin (docs/scorecards.md): the
    person needs both the right to manage scorecards and the admin site's own right."""
    decision = may_manage_scorecards(person)
    if not decision:
        return decision
    return may_use_admin(person)


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


def may_reply_inquiry(person: User | None, inquiry) -> Decision:
    """The CSM who asked replies to the answers of their inquiry: a conversation (DESIGN §5). Ops and the
    Geo VP answer (``may_answer_inquiry``); whether the inquiry still takes replies, the service decides."""
    if person is not None and person.is_active and person.pk == inquiry.employee_id:
        return ALLOWED
    return Decision(
        False, f"Only the CSM who asked replies to inquiry #{inquiry.pk}; ops or their Geo VP answer it."
    )


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


# --- SPIFFs (docs/design.md §11.3) -------------------------------------------------------------------------


def may_see_spiffs(person: User | None) -> Decision:
    """Whoever proposes, approves, grants or pays SPIFFs reads them: a Geo VP, the CCO, finance, ops and
    admins. Which awards each one sees is ``by_employee``'s reach, as everywhere."""
    return _needs(
        person, "see SPIFFs", Role.CSVP, Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN, why="reading SPIFFs"
    )


def may_propose_spiff(person: User | None, spiff=None) -> Decision:
    """A Geo VP or ops drafts and proposes a SPIFF; a Geo VP only for their own geo's people."""
    what = f"propose {spiff}" if spiff is not None else "propose a SPIFF"
    decision = _needs(person, what, Role.CSVP, Role.OPS, why="proposing a SPIFF")
    if not decision or person is None or person.has_role(Role.OPS) or spiff is None:
        return decision
    if spiff.eligibility != "geo" or spiff.geo != person.geo:
        return Decision(
            False,
            f"{person.email} may not {what}: a Geo VP proposes SPIFFs for their own geo ({person.geo}).",
        )
    return ALLOWED


def may_approve_spiff(person: User | None, spiff=None) -> Decision:
    """The CCO approves a SPIFF and its grants; finance too when the SPIFF's budget is above
    ``SPIFF_FINANCE_APPROVAL_ABOVE``. Which step a person takes, the service decides."""
    what = f"approve {spiff}" if spiff is not None else "approve SPIFFs"
    return _needs(person, what, Role.CCO, Role.FINANCE, why="approving a SPIFF")


def may_grant_spiff(person: User | None, spiff=None) -> Decision:
    """Ops or a Geo VP grants a manual SPIFF's amounts by hand (each approved like the SPIFF)."""
    what = f"grant amounts of {spiff}" if spiff is not None else "grant SPIFF amounts"
    return _needs(person, what, Role.OPS, Role.CSVP, why="granting a SPIFF amount")


def may_award_spiff(person: User | None, spiff=None) -> Decision:
    """Ops runs a rule SPIFF's awards and closes a SPIFF (the schedule does too: a person of None)."""
    what = f"award or close {spiff}" if spiff is not None else "award or close SPIFFs"
    return _needs(person, what, Role.OPS, why="running a SPIFF")


def may_see_own_spiff_awards(person: User | None) -> Decision:
    """Any active signed-in person reads their own SPIFF awards (a SPIFF may name anyone), and only
    theirs: a CSM, who may not see SPIFFs themselves (``may_see_spiffs``), sees what they were awarded."""
    if person is None or not person.is_authenticated:
        return Decision(False, "Someone not signed in may not see SPIFF awards: sign in first.")
    if not person.is_active:
        return Decision(False, f"{person.email} may not see SPIFF awards: the account is inactive.")
    return ALLOWED


# --- Points (docs/design.md §11.4) -------------------------------------------------------------------------


def may_manage_points(person: User | None) -> Decision:
    """Ops keeps the points rules and the catalogue and runs earning and expiry (the schedule too: None)."""
    return _needs(person, "manage points rules and rewards", Role.OPS, why="managing points")


def may_redeem_points(person: User | None) -> Decision:
    """Any active signed-in person redeems their own points (whoever earned them)."""
    if person is None or not person.is_authenticated:
        return Decision(False, "Someone not signed in may not redeem points: sign in first.")
    if not person.is_active:
        return Decision(False, f"{person.email} may not redeem points: the account is inactive.")
    return ALLOWED


def may_decide_redemption(person: User | None, redemption=None) -> Decision:
    """Ops or finance approves or rejects a redemption; never the person who asked for it."""
    what = f"decide on {redemption}" if redemption is not None else "decide on redemptions"
    decision = _needs(person, what, Role.OPS, Role.FINANCE, why="approving a reward")
    if decision and person is not None and redemption is not None and redemption.employee_id == person.pk:
        return Decision(False, f"{person.email} may not {what}: nobody approves their own reward.")
    return decision


def may_fulfil_redemption(person: User | None, redemption=None) -> Decision:
    """Ops marks an approved reward that is not cash as handed out; never their own."""
    what = f"fulfil {redemption}" if redemption is not None else "fulfil rewards"
    decision = _needs(person, what, Role.OPS, why="handing out a reward")
    if decision and person is not None and redemption is not None and redemption.employee_id == person.pk:
        return Decision(False, f"{person.email} may not {what}: nobody hands out their own reward.")
    return decision


# --- Contests, the wall of fame and nudges (docs/design.md §11.5) ----------------------------------------


def may_manage_contests(person: User | None, contest=None) -> Decision:
    """Ops or the CCO drafts and starts a contest, enters its events and finishes it (the schedule and
    commands too: a person of None)."""
    what = f"manage {contest}" if contest is not None else "manage contests"
    return _needs(person, what, Role.OPS, Role.CCO, why="running a contest")


def may_see_contest(person: User | None, contest) -> Decision:
    """A contest and its standings are seen by everyone in its scope: the CCO, finance, ops and admins;
    a participant; a Geo VP when the contest is for everyone, for their geo, or names one of their geo's
    people; any active CSM of a contest for all CSMs or for their geo."""
    refusal = Decision(False, f"{_who(person)} may not see {contest}: it is not in their scope.")
    if person is None:
        return ALLOWED
    if not person.is_authenticated or not person.is_active:
        return refusal
    if sees_everything(person):
        return ALLOWED
    kind = contest.participants
    if kind == "all":
        return ALLOWED if is_csm(person) or is_geo_vp(person) else refusal
    if kind == "geo":
        return ALLOWED if (is_csm(person) or is_geo_vp(person)) and person.geo == contest.geo else refusal
    named = contest.people.all()
    if named.filter(pk=person.pk).exists() or is_geo_vp(person) and named.filter(geo=person.geo).exists():
        return ALLOWED
    return refusal


def may_configure_recognition(person: User | None) -> Decision:
    """The CCO writes the nudges' e-mail and task, switches nudges off and on, and switches the wall of
    fame's "needs attention" list on and off."""
    return _needs(person, "change nudges or the wall of fame", Role.CCO, why="configuring recognition")


def may_see_nudges(person: User | None) -> Decision:
    """The nudge configs and the record of nudges sent (month, person, value, e-mailed, task) are read by
    the CCO, who writes the configs, and by ops, who runs the month's nudges; only the CCO changes them
    (``may_configure_recognition``)."""
    return _needs(person, "see the nudges", Role.CCO, Role.OPS, why="the record of nudges")


def may_send_nudges(person: User | None) -> Decision:
    """Ops or the CCO runs the month-end nudges by hand (the schedule does: a person of None)."""
    return _needs(person, "send the month's nudges", Role.OPS, Role.CCO, why="sending nudges")


def may_see_needs_attention(person: User | None) -> Decision:
    """The wall of fame's "needs attention" list is for managers only: a Geo VP (their geo's people), the
    CCO and ops — never a CSM. Whether the list is on at all is the wall's setting (off by default)."""
    return _needs(
        person, "see who needs attention", Role.CSVP, Role.CCO, Role.OPS, why="the needs-attention list"
    )
