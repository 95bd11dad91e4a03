"""Every state change of requests and inquiries, with its checks, its timeline step and its e-mails.

Transitions are compare-and-set on (id, status, version) inside one transaction: of two approvers
clicking at once, one wins and the other is told what happened. Segregation of duties is checked
here and enforced again by the database's check constraints.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from adoption.access import customers_visible_to
from adoption.models import Customer
from approvals.access import may_apply, may_decide
from commissions.models import Period, Plan
from core.errors import AttainError, ChangedMeanwhile, Conflict, NotAllowed
from core.text import CONTROL_CHARACTERS, MAX_REASON, MIN_REASON
from webhooks import events as webhook_events

from . import inquiry_lines, year_end
from .models import Inquiry, InquiryMessage, Request, RequestStep
from .notifications import notify
from .steps import Step, next_step

MIN_JUSTIFICATION = 20
S = Request.Status


def customer_cap(customer: Customer, period: Period) -> Decimal:
    """The highest customer cap among the plans of the quarter's fiscal year (1.5 when none)."""
    caps = Plan.objects.filter(fiscal_year=period.fiscal_year).aggregate(cap=Max("customer_cap"))
    return caps["cap"] if caps["cap"] is not None else Decimal("1.5")


def _value(raw, kind: str, cap: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise AttainError(f"{raw!r} is not a number.") from None
    if not value.is_finite():
        raise AttainError(f"{raw!r} is not a number.")
    if kind == Request.Kind.EXCEPTION and not Decimal(0) <= value <= cap:
        raise AttainError(f"The granted attainment must be between 0 and the customer cap {cap.normalize()}.")
    if kind == Request.Kind.EXTRA_CREDIT and not Decimal(0) < value <= 1:
        raise AttainError("Extra credit points must be more than 0 and at most 1.")
    if value.as_tuple().exponent < -4:
        raise AttainError("Use at most 4 decimal places.")
    return value


def file_request(
    *, user: User, kind: str, customer: Customer, period: Period, value, justification: str
) -> Request:
    """A ``csvp`` of the customer's geo files a request for one quarter (``file_requests``)."""
    [request] = file_requests(
        user=user, kind=kind, customer=customer, periods=[period], value=value, justification=justification
    )
    return request


def file_requests(
    *, user: User, kind: str, customer: Customer, periods: list[Period], value, justification: str
) -> list[Request]:
    """A ``csvp`` of the customer's geo files one request per quarter of ``periods`` (quarters of one
    fiscal year), all or none; the CCO is notified of each once they are committed.

    A quarter is open, or closed and within its year-end window (``year_end``). Every quarter gets the same
    checks; the first refused one is named and nothing is filed. The quarters' rows are locked
    (``select_for_update``) while the requests are written, so that a close cannot slip in between.
    """
    if kind not in Request.Kind.values:
        raise AttainError(f"Unknown request kind {kind!r}.")
    access.require(access.may_file_request(user, customer))
    periods = _one_fiscal_year(periods)
    for period in periods:
        year_end.require_fileable(period)
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise AttainError(f"The justification needs at least {MIN_JUSTIFICATION} characters.")
    if len(justification) > MAX_REASON:
        raise AttainError(
            f"The justification is {len(justification):,} characters long: at most {MAX_REASON:,}."
        )
    amount = _value(value, kind, customer_cap(customer, periods[0]))
    filed: list[tuple[Request, RequestStep]] = []
    period = periods[0]
    try:
        with transaction.atomic():
            locked = Period.objects.select_for_update().filter(pk__in=[p.pk for p in periods]).order_by("pk")
            current = {p.pk: p for p in locked}
            for period in periods:
                year_end.require_fileable(current[period.pk])  # closed meanwhile?
                request = Request.objects.create(
                    kind=kind,
                    customer=customer,
                    period=current[period.pk],
                    value=amount,
                    justification=justification,
                    filed_by=user,
                )
                step = RequestStep.objects.create(
                    request=request,
                    action=RequestStep.Action.FILED,
                    role=Role.CSVP,
                    actor=user,
                    comment=justification,
                    status_after=request.status,
                )
                filed.append((request, step))
    except IntegrityError:
        raise Conflict(
            f"{customer.customer_id} already has an open {Request.Kind(kind).label.lower()} request for "
            f"{period.code}."
        ) from None
    for request, step in filed:
        notify(request, "filed", step)
    return [request for request, _ in filed]


def _one_fiscal_year(periods: list[Period]) -> list[Period]:
    """``periods`` in calendar order; refused unless stored quarters of one fiscal year, each once."""
    periods = sorted(periods, key=lambda period: period.start)
    if not periods:
        raise AttainError("Choose at least one quarter.")
    codes = [period.code for period in periods]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise AttainError(f"{', '.join(twice)} is chosen more than once: choose each quarter once.")
    years = sorted({period.fiscal_year for period in periods})
    if len(years) > 1:
        by_year = "; ".join(
            f"{year}: {', '.join(code for code in codes if code.startswith(year))}" for year in years
        )
        raise AttainError(f"The quarters of one filing must be of one fiscal year, not of {by_year}.")
    unsaved = [period.code for period in periods if period.pk is None]
    if unsaved:
        raise AttainError(f"{', '.join(unsaved)} is not a stored quarter.")
    return periods


def _refuse_unless_may_act(request: Request, user: User, step: Step) -> None:
    """The transition's permission check — role, segregation of duties (DESIGN §1) — by the access module."""
    if step.role == Role.OPS:
        access.require(may_apply(user, request))
    else:
        access.require(may_decide(user, request, step))


def _transition(
    request: Request, user: User, *, action: str, role: str, to: str, comment: str, **fields
) -> Request:
    """Compare-and-set from the request's current status and version; record the step; notify."""
    with transaction.atomic():
        changed = Request.objects.filter(
            pk=request.pk, status=request.status, version=request.version
        ).update(status=to, version=F("version") + 1, **fields)
        if changed != 1:
            raise _changed_meanwhile(request, Request.objects.get(pk=request.pk))
        step = RequestStep.objects.create(
            request=request, action=action, role=role, actor=user, comment=comment, status_after=to
        )
        if action in (RequestStep.Action.APPROVED, RequestStep.Action.REJECTED):  # sent once this commits
            webhook_events.request_decided(request, step)
    request.refresh_from_db()
    notify(request, action, step)
    return request


def _changed_meanwhile(request: Request, current: Request) -> ChangedMeanwhile:
    return ChangedMeanwhile(
        f"{request.label} changed while you were deciding: it is now "
        f"“{current.get_status_display()}”. Reload it and try again."
    )


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise AttainError("Every decision carries a comment.")
    return comment


def approve(*, request: Request, user: User, comment: str) -> Request:
    """Approve the step the request waits for (cco, then finance for exceptions)."""
    step = next_step(request)
    if step is None or step.role == Role.OPS:
        raise Conflict(f"{request.label} is “{request.get_status_display()}”: there is nothing to approve.")
    _refuse_unless_may_act(request, user, step)
    who = {"cco_approver": user} if step.role == Role.CCO else {"finance_approver": user}
    return _transition(
        request,
        user,
        action=RequestStep.Action.APPROVED,
        role=step.role,
        to=step.approved,
        comment=_comment(comment),
        **who,
    )


def reject(*, request: Request, user: User, comment: str) -> Request:
    """Reject at the step the request waits for; final."""
    step = next_step(request)
    if step is None or step.role == Role.OPS:
        raise Conflict(f"{request.label} is “{request.get_status_display()}”: it can no longer be rejected.")
    _refuse_unless_may_act(request, user, step)
    return _transition(
        request,
        user,
        action=RequestStep.Action.REJECTED,
        role=step.role,
        to=S.REJECTED,
        comment=_comment(comment),
    )


def withdraw(*, request: Request, user: User, comment: str = "") -> Request:
    """The filer withdraws a request still waiting for an approval."""
    access.require(access.may_withdraw(user, request))
    if request.status not in (S.PENDING_CCO, S.PENDING_FINANCE):
        raise Conflict(f"{request.label} is “{request.get_status_display()}”: it can no longer be withdrawn.")
    return _transition(
        request,
        user,
        action=RequestStep.Action.WITHDRAWN,
        role=Role.CSVP,
        to=S.WITHDRAWN,
        comment=(comment or "").strip(),
    )


def apply(*, request: Request, user: User, comment: str = "") -> Request:
    """Ops applies an approved request.

    For an open quarter it becomes an input of the quarter's next calculation. For a closed quarter (a
    year-end request) it is a correction of that quarter, in one transaction: an ``adjustment`` correction
    is recorded (source ``request:<pk>``) and applied — the quarter is restated and the difference paid as
    true-ups in the next open quarter (``commissions.services.corrections``) — and the request, APPLIED,
    keeps the correction. The request's row is locked first, so two ops applying at once restate once.
    """
    step = next_step(request)
    if step is None or step.role != Role.OPS:
        raise Conflict(
            f"{request.label} is “{request.get_status_display()}”: only an approved request is applied."
        )
    _refuse_unless_may_act(request, user, step)
    applied = {"applied_by": user, "applied_at": timezone.now()}
    comment = (comment or "").strip()
    with transaction.atomic():
        current = Request.objects.select_for_update().get(pk=request.pk)
        if (current.status, current.version) != (request.status, request.version):
            raise _changed_meanwhile(request, current)
        if Period.objects.get(pk=current.period_id).is_closed:
            applied["correction"] = year_end.correct_closed_quarter(current, user)
        return _transition(
            request,
            user,
            action=RequestStep.Action.APPLIED,
            role=Role.OPS,
            to=S.APPLIED,
            comment=comment,
            **applied,
        )


def open_requests(period: Period) -> list[Request]:
    """The quarter's requests still waiting for a decision or for ops to apply them."""
    return list(
        Request.objects.filter(period=period, status__in=Request.OPEN)
        .select_related("customer")
        .order_by("pk")
    )


def open_requests_blocking_close(period: Period) -> list[str]:
    """Why ``period`` cannot close yet: its pending requests, named, to decide first (DESIGN §5)."""
    pending = [
        f"{r.label} ({r.customer.customer_id}, {r.get_status_display().lower()})"
        for r in open_requests(period)
    ]
    return (
        [f"{period.code} has pending requests: {', '.join(pending)}. Decide them first."] if pending else []
    )


def applied_adjustments(period: Period):
    """The exceptions and extra credit applied to ``period``, in the order applied (DESIGN §4.3).

    A year-end request applied to the closed quarter (it has a correction) is no input of the quarter's
    own runs: its restatement pays it (docs/design.md §7)."""
    return Request.objects.filter(period=period, status=S.APPLIED, correction__isnull=True).order_by(
        "applied_at", "pk"
    )


# --- inquiries ---------------------------------------------------------------------------------------------
#
# An inquiry is a conversation (docs/design.md §5 "Inquiries"): the CSM's question, then answers by ops or the
# CSM's Geo VP and replies by the CSM, each an ``InquiryMessage``. Answering closes it (answered); a reply by
# the CSM opens it again; turning it into an exception request ends it there (converted).

MAX_LINE = 64  # Inquiry.component


def _text(text: str | None, *, what: str) -> str:
    """A question, answer or reply: stripped, 10–2,000 characters, no control character (``core.text``)."""
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise AttainError(f"{what} needs at least {MIN_REASON} characters.")
    if len(text) > MAX_REASON:
        raise AttainError(f"{what} is {len(text):,} characters long: at most {MAX_REASON:,}.")
    if found := CONTROL_CHARACTERS.search(text):
        raise AttainError(f"{what} holds the control character U+{ord(found.group()):04X}: remove it.")
    return text


def customers_to_ask_about(user: User, period: Period | None) -> QuerySet:
    """The customers a CSM may ask about for ``period``: their book now, and their book at the quarter's end
    (the book its statement credits, DESIGN §4 "Book") — a customer moved since is still theirs to ask about.
    """
    now = customers_visible_to(user)
    if period is None or period.pk is None:
        return now
    return Customer.objects.filter(
        Q(pk__in=now.values("pk")) | Q(pk__in=customers_visible_to(user, on=period.end))
    )


def open_inquiry(
    *, user: User, period: Period, message: str, customer: Customer | None = None, component: str = ""
) -> Inquiry:
    """A CSM questions a line of their statement or a customer's credit; ops and the geo's CSVP are notified.

    ``component`` names the statement line (a component code, or a payable line such as "True-up (CS-FY22)"),
    at most 64 characters; ``customer`` one of ``customers_to_ask_about``. Raises ``NotAllowed`` for anyone
    but an active CSM, ``AttainError`` for a message outside 10–2,000 characters or with a control character,
    a line too long or not on their statement of the quarter (``inquiry_lines``), a quarter not started, or
    a customer outside the CSM's books.
    """
    access.require(access.may_open_inquiry(user))
    component = (component or "").strip()
    if customer is None and not component:
        raise AttainError("Say which statement line or which customer the inquiry is about.")
    if len(component) > MAX_LINE or CONTROL_CHARACTERS.search(component):
        raise AttainError(f"The statement line is at most {MAX_LINE} characters, without control characters.")
    if period.start > timezone.localdate():
        raise AttainError(f"{period.code} has not started: there is nothing of it to ask about yet.")
    if component:
        component = inquiry_lines.statement_line(user, period, component)
    message = _text(message, what="The question")
    if customer is not None and not customers_to_ask_about(user, period).filter(pk=customer.pk).exists():
        raise NotAllowed(
            f"{customer.customer_id} is not a customer of your book, now or at the end of {period.code}."
        )
    inquiry = Inquiry.objects.create(
        employee=user, period=period, customer=customer, component=component, message=message
    )
    notify(inquiry, "inquiry_opened")
    return inquiry


def answer_inquiry(*, inquiry: Inquiry, user: User, answer: str) -> Inquiry:
    """Ops, or the CSM's Geo VP, answers an open inquiry — a first answer, or again after a reply; the CSM is
    notified.

    The answer is a message of the conversation; the first one also fills ``answer``/``answered_by``;
    ``owner`` becomes ``user``. Compare-and-set on the open status under a row lock: of two people answering
    at once, one wins and the other is told. Raises ``NotAllowed``, ``AttainError`` (``_text``; not open).
    """
    access.require(access.may_answer_inquiry(user, inquiry))
    answer = _text(answer, what="The answer")
    now = timezone.now()
    with transaction.atomic():
        current = Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
        if current is None or current.status != Inquiry.Status.OPEN:
            raise Conflict(f"Inquiry #{inquiry.pk} was already handled.")
        first = {} if current.answered_by_id else {"answer": answer, "answered_by": user, "answered_at": now}
        Inquiry.objects.filter(pk=inquiry.pk, status=Inquiry.Status.OPEN).update(
            status=Inquiry.Status.ANSWERED, owner=user, **first
        )
        InquiryMessage.objects.create(inquiry=current, author=user, body=answer, at=now)
    inquiry.refresh_from_db()
    notify(inquiry, "inquiry_answered")
    return inquiry


def reply_to_inquiry(*, inquiry: Inquiry, user: User, body: str) -> InquiryMessage:
    """The CSM who asked replies (``access.may_reply_inquiry``): an answered inquiry is open again, and
    whoever answered it, ops and the CSM's Geo VP are notified (as on opening).

    A converted inquiry takes no reply: its exception request carries on. Raises ``NotAllowed``,
    ``AttainError`` (text rules of ``_text``; converted).
    """
    access.require(access.may_reply_inquiry(user, inquiry))
    body = _text(body, what="The reply")
    with transaction.atomic():
        current = Inquiry.objects.select_for_update(of=("self",)).select_related("request").get(pk=inquiry.pk)
        if current.status == Inquiry.Status.CONVERTED:
            follow = f"{current.request.label}" if current.request else "its request"
            raise Conflict(
                f"Inquiry #{inquiry.pk} was turned into {follow}: it carries on there, not by a reply here."
            )
        message = InquiryMessage.objects.create(inquiry=current, author=user, body=body)
        if current.status == Inquiry.Status.ANSWERED:
            Inquiry.objects.filter(pk=inquiry.pk).update(status=Inquiry.Status.OPEN)
    inquiry.refresh_from_db()
    notify(inquiry, "inquiry_replied")
    return message


def convert_inquiry(*, inquiry: Inquiry, user: User, value, justification: str) -> Request:
    """The geo's CSVP turns an open inquiry about a customer into an exception request (``file_request``'s
    rules), in one transaction; the conversation ends with a note naming the request; the CSM is notified."""
    if not user.has_role(Role.CSVP):
        raise NotAllowed("Only a Geo VP (csvp) turns an inquiry into an exception request.")
    if inquiry.customer is None:
        raise AttainError("Only an inquiry about a customer can become an exception request.")
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.status != Inquiry.Status.OPEN:
            raise Conflict(f"Inquiry #{inquiry.pk} was already handled.")
        request = file_request(
            user=user,
            kind=Request.Kind.EXCEPTION,
            customer=inquiry.customer,
            period=inquiry.period,
            value=value,
            justification=justification,
        )
        now, note = timezone.now(), f"Turned into {request.label}."
        first = {} if locked.answered_by_id else {"answer": note, "answered_by": user, "answered_at": now}
        Inquiry.objects.filter(pk=inquiry.pk).update(
            status=Inquiry.Status.CONVERTED, request=request, owner=user, **first
        )
        InquiryMessage.objects.create(inquiry=locked, author=user, body=note, at=now)
    inquiry.refresh_from_db()
    notify(inquiry, "inquiry_answered")
    return request
