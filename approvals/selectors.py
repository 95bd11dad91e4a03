"""Read paths of the request and inquiry pages: scoped lists, queues, the customer's context, actions.

Every list starts from ``accounts.access`` (the one scoping module) and selects what its page shows in
a constant number of queries. The buttons a page shows ask the rights the services enforce
(``accounts.access``), so a page never offers what the service would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts import access
from accounts.access import get_visible, is_geo_vp
from accounts.models import Role, User
from adoption.access import customers_visible_to
from adoption.models import Customer, ScoreObservation, TargetLine
from approvals.access import (
    inquiries_visible_to,
    may_apply,
    may_decide,
    requests_benefiting,
    requests_visible_to,
)
from commissions.models import CustomerResult, Period, Plan, PulledScore, Run, ScorePull
from commissions.services.periods import open_period_for_writing, parse_quarter, require_plan
from core.errors import AttainError
from core.fiscal import calendar

from . import services, year_end
from .models import Inquiry, Request
from .steps import next_step

S = Request.Status
# Which status waits for which approver role (DESIGN §5).
APPROVER_STATUSES = {Role.CCO: S.PENDING_CCO, Role.FINANCE: S.PENDING_FINANCE}


def _listed(requests: QuerySet) -> QuerySet:
    return requests.select_related("customer", "period", "filed_by")


def my_requests(user: User, *, whole_geo: bool = False) -> QuerySet:
    """A CSVP's filed requests (or their geo's with ``whole_geo``); for everyone else, their scope."""
    requests = requests_visible_to(user)
    if user.has_role(Role.CSVP) and not whole_geo:
        requests = requests.filter(filed_by=user)
    return _listed(requests).order_by("-filed_at", "-pk")


def to_approve(user: User) -> QuerySet:
    """Requests waiting for a step ``user`` may take: their role's status, not filed or approved by them,
    not ones they benefit from (``may_decide``)."""
    statuses = [status for role, status in APPROVER_STATUSES.items() if user.has_role(role)]
    if not user.is_active or not statuses:
        return Request.objects.none()
    requests = (
        requests_visible_to(user)
        .filter(status__in=statuses)
        .exclude(filed_by=user)
        .exclude(cco_approver=user)
        .exclude(finance_approver=user)
        .exclude(requests_benefiting(user))
    )
    return _listed(requests).order_by("filed_at", "pk")


def to_apply(user: User) -> QuerySet:
    """Approved requests ``user`` (ops) may apply: not ones they filed, approved a step of or benefit from."""
    if not user.is_active or not user.has_role(Role.OPS):
        return Request.objects.none()
    requests = (
        requests_visible_to(user)
        .filter(status=S.APPROVED)
        .exclude(filed_by=user)
        .exclude(cco_approver=user)
        .exclude(finance_approver=user)
        .exclude(requests_benefiting(user))
    )
    return _listed(requests).order_by("period__start", "filed_at", "pk")


def periods_to_recalculate() -> list[Period]:
    """Open periods with a request applied after their latest successful run (or with no run yet)."""
    last_run = (
        Run.objects.filter(period=OuterRef("period"), status=Run.Status.SUCCEEDED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    stale = (
        Request.objects.filter(status=S.APPLIED, period__status=Period.Status.OPEN, correction__isnull=True)
        .annotate(last_run=Subquery(last_run))
        .filter(Q(last_run__isnull=True) | Q(applied_at__gt=F("last_run")))
        .values("period_id")
    )
    return list(Period.objects.filter(pk__in=stale).order_by("start"))


def request_for(user: User, pk: int) -> Request:
    """The request ``pk`` within ``user``'s scope, or 404."""
    scoped = requests_visible_to(user).select_related(
        "customer", "period", "filed_by", "cco_approver", "finance_approver", "applied_by", "correction"
    )
    return get_visible(scoped, pk=pk)


def timeline(request: Request) -> list:
    return list(request.steps.select_related("actor").order_by("at", "pk"))


@dataclass(frozen=True)
class Actions:
    """What the current person may do on a request page."""

    decide: bool = False
    withdraw: bool = False
    apply: bool = False

    @property
    def any(self) -> bool:
        return self.decide or self.withdraw or self.apply


def actions_for(request: Request, user: User) -> Actions:
    """The buttons to show, by the rights the services enforce (``accounts.access``)."""
    step = next_step(request)
    if step is None:
        return Actions()
    return Actions(
        decide=step.role != Role.OPS and bool(may_decide(user, request, step)),
        withdraw=bool(access.may_withdraw(user, request))
        and request.status in (S.PENDING_CCO, S.PENDING_FINANCE),
        # A closed quarter's request is applied too: as a correction of that quarter (services.apply).
        apply=step.role == Role.OPS and bool(may_apply(user, request)),
    )


# --- periods and customers of the filing form -------------------------------------------------------------


def open_periods() -> QuerySet:
    return Period.objects.filter(status=Period.Status.OPEN).order_by("-start")


def offered_periods(*, open_only: bool) -> list[Period]:
    """The quarters a filing or inquiry form offers, newest first: the stored ones (only the open ones
    when ``open_only``), and the current and the last ended quarter even before anything touched them.

    Those two are unsaved rows here: showing a form (a GET) never creates a quarter; sending it does,
    for the quarter chosen (``offered_period``). Those two only when a plan covers their fiscal year: no
    other quarter may come into being (``periods.open_period_for_writing``).
    """
    planned = set(Plan.objects.values_list("fiscal_year", flat=True))
    offered = list(open_periods() if open_only else Period.objects.order_by("-start"))
    today, fiscal = timezone.localdate(), calendar()
    recent = {q for q in (fiscal.period_of(today), fiscal.last_ended_before(today)) if q.fy.code in planned}
    stored = set(Period.objects.filter(code__in=[p.code for p in recent]).values_list("code", flat=True))
    for quarter in recent:
        if quarter.code not in stored:
            start, end = fiscal.bounds(quarter)
            offered.append(Period(code=quarter.code, start=start, end=end))
    return sorted(offered, key=lambda period: period.start, reverse=True)


def filing_periods() -> list[Period]:
    """The quarters a request may be filed for, newest first: the open ones (``offered_periods``) and the
    closed ones within their year-end window (``year_end``), which the form labels "(closed — year-end)".
    """
    today, days = timezone.localdate(), settings.YEAR_END_WINDOW_DAYS
    # A quarter ends at most a year before its fiscal year's last pull, which is at most ``days`` ago.
    recent = Period.objects.filter(
        status=Period.Status.CLOSED, end__lt=today, end__gte=today - timedelta(days=days + 366)
    )
    year_end_quarters = [period for period in recent if year_end.in_window(period, today)]
    offered = offered_periods(open_only=True) + year_end_quarters
    return sorted(offered, key=lambda period: period.start, reverse=True)


def offered_period(code: str, offered: list[Period]) -> Period:
    """The quarter ``code`` if it is one of ``offered`` (``offered_periods``), its row created open when it
    is not stored yet; any other is refused (``AttainError``) with the sentence the page and the API share.
    """
    chosen = next((period for period in offered if period.code == code), None)
    if chosen is not None:
        return open_period_for_writing(chosen.code)
    fiscal = parse_quarter(code)
    stored = Period.objects.filter(code=fiscal.code).first()
    if stored is not None:
        year_end.require_fileable(stored)  # a closed quarter outside its window: say when it takes requests
    if stored is None:
        require_plan(fiscal)
    choices = ", ".join(period.code for period in offered) or "none"
    raise AttainError(f"{fiscal.code} is not one of the quarters offered ({choices}).")


def customer_in_scope(user: User, customer_id: str) -> Customer | None:
    return customers_visible_to(user).filter(customer_id=customer_id).first()


@dataclass(frozen=True)
class CustomerContext:
    """What a filer and an approver look at beside a request: targets, score and the credited r."""

    customer: Customer
    period: Period
    target_line: TargetLine | None
    score: Decimal | None
    score_as_of: date | None
    score_source: str
    result: CustomerResult | None
    cap: Decimal
    open_requests: list

    @property
    def baseline(self) -> Decimal | None:
        return self.target_line.baseline_score if self.target_line else None

    @property
    def target(self) -> Decimal | None:
        return self.target_line.target_score if self.target_line else None


def customer_context(customer: Customer, period: Period) -> CustomerContext:
    """Baseline and target of the quarter's snapshot line, the latest score, the latest credited r.

    The score is the latest pull's (what the calculation uses, DESIGN §4.3); before any pull, the
    latest observation up to the quarter's last day. The r and its reason come from the latest
    successful run of the quarter that holds the customer.
    """
    line = (
        TargetLine.objects.filter(
            customer=customer, period=period.code, snapshot__fiscal_year=period.fiscal_year
        )
        .select_related("snapshot")
        .first()
    )
    score, as_of, source = None, None, "no score yet"
    pull = ScorePull.objects.filter(period=period).order_by("-id").first()
    pulled = PulledScore.objects.filter(pull=pull, customer=customer).first() if pull else None
    if pulled is not None:
        score, as_of, source = pulled.score, pulled.as_of, f"score pull #{pull.pk}"
    else:
        observed = (
            ScoreObservation.objects.filter(customer=customer, as_of__lte=period.end)
            .order_by("-as_of")
            .first()
        )
        if observed is not None:
            score, as_of, source = observed.score, observed.as_of, "latest observation (no pull yet)"
    result = (
        CustomerResult.objects.filter(customer=customer, run__period=period, run__status=Run.Status.SUCCEEDED)
        .select_related("run__plan")
        .order_by("-run__created_at", "-run_id")
        .first()
    )
    open_requests = list(
        Request.objects.filter(customer=customer, period=period, status__in=Request.OPEN).order_by("pk")
    )
    return CustomerContext(
        customer=customer,
        period=period,
        target_line=line,
        score=score,
        score_as_of=as_of,
        score_source=source,
        result=result,
        cap=services.customer_cap(customer, period),
        open_requests=open_requests,
    )


# --- inquiries ----------------------------------------------------------------------------------------------


def inquiries_for(user: User) -> QuerySet:
    """Inquiries in ``user``'s scope, open ones first, newest first within."""
    open_first = Case(
        When(status=Inquiry.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        inquiries_visible_to(user)
        .select_related("employee", "period", "customer", "request")
        .annotate(open_first=open_first)
        .order_by("open_first", "-created_at", "-pk")
    )


def inquiry_for(user: User, pk: int) -> Inquiry:
    """The inquiry ``pk`` within ``user``'s scope, or 404."""
    scoped = inquiries_visible_to(user).select_related(
        "employee", "period", "customer", "answered_by", "request"
    )
    return get_visible(scoped, pk=pk)


def may_answer(inquiry: Inquiry, user: User) -> bool:
    return inquiry.status == Inquiry.Status.OPEN and bool(access.may_answer_inquiry(user, inquiry))


def may_convert(inquiry: Inquiry, user: User) -> bool:
    """The customer's geo VP may turn an open inquiry about a customer into an exception request."""
    return (
        inquiry.status == Inquiry.Status.OPEN
        and inquiry.customer is not None
        and is_geo_vp(user)
        and user.geo == inquiry.customer.geo
    )
