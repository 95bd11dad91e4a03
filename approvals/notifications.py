"""E-mails of the workflow: the next party at each step, the filer at the end, the CSM on an answer, ops,
the Geo VP and whoever answered on an inquiry's opening and on the CSM's reply. Links are absolute.

Sent by a Celery task after the transition commits; a failure to send is logged and never undoes
or hides the transition.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from core import formatting as fmt
from core.links import absolute_url

logger = logging.getLogger(__name__)


def notify(obj, event: str, step=None) -> None:
    """Queue the e-mails of ``event`` on ``obj`` (a Request or an Inquiry) once the transaction commits.

    ``step`` is the RequestStep the event recorded: the task may run after later steps, and the e-mail
    is about this one (who it goes to, what it says), not about the request's state at sending time.
    """
    model = obj._meta.model_name
    pk = obj.pk
    args = (model, pk, event) if step is None else (model, pk, event, step.pk)

    def send() -> None:
        from .tasks import send_notification

        try:
            send_notification.delay(*args)
        except Exception:  # the transition is committed; a mail outage must not turn it into an error page
            logger.exception("could not queue the %s e-mail for %s #%s", event, model, pk)

    transaction.on_commit(send)


def recipients(obj, event: str, step=None) -> list[str]:
    """E-mail addresses of the people ``event`` concerns (``step``: the step it recorded, if known)."""
    from accounts.models import Role, User

    from .models import Inquiry, Request

    def holders(role: str, *, geo: str | None = None) -> list[User]:
        people = User.objects.filter(is_active=True, roles__role=role)
        if geo is not None:
            people = people.filter(geo=geo)
        return list(people.distinct())

    if isinstance(obj, Inquiry):
        if event in ("inquiry_opened", "inquiry_replied"):
            people = holders(Role.OPS) + holders(Role.CSVP, geo=obj.employee.geo)
        else:
            people = [obj.employee]
        if event == "inquiry_replied":  # and whoever answered it, whatever their roles now
            answerers = obj.messages.exclude(author_id=obj.employee_id).values("author_id")
            people += list(User.objects.filter(is_active=True, pk__in=answerers))
    elif event in ("filed",):
        people = holders(Role.CCO)
    elif event == "approved" and _status_after(obj, step) == Request.Status.PENDING_FINANCE:
        people = holders(Role.FINANCE)
    elif event == "approved":
        people = holders(Role.OPS)
    elif event == "withdrawn":
        people = holders(
            Role.FINANCE if obj.finance_approver_id is None and obj.cco_approver_id else Role.CCO
        )
    else:  # applied or rejected: the end, told to the filer
        people = [obj.filed_by]
    excluded = {getattr(obj, "filed_by_id", None), getattr(obj, "cco_approver_id", None)} - {None}
    if event in ("applied", "rejected") or isinstance(obj, Inquiry):
        excluded = set()
    return sorted({p.email for p in people if p.pk not in excluded and p.email})


def _status_after(request, step) -> str:
    """The request's status right after ``step`` (its current status when the step is unknown)."""
    return step.status_after if step is not None else request.status


def message(obj, event: str, step=None) -> tuple[str, str]:
    """Subject and body of the e-mail; its link is absolute (``SITE_URL``, ``core.links``), as a link in
    an e-mail must be to open from a mail client."""
    from .models import Inquiry

    if isinstance(obj, Inquiry):
        return _inquiry_message(obj, event)
    if step is None:
        step = obj.steps.order_by("-at", "-id").first()
    subject = f"Attain: {obj.label} for {obj.customer.customer_id} ({obj.period.code}) {event}"
    body = (
        f"{obj.get_kind_display()} #{obj.pk} for {obj.customer.customer_id} {obj.customer.name}, "
        f"{obj.period.code}\n"
        f"Value: {fmt.request_value(obj.value, obj.kind)}\nStatus: {obj.get_status_display()}\n"
    )
    if step is not None:
        body += f"Last step: {step.get_action_display()} by {step.actor.email}: {step.comment}\n"
    return subject, body + f"\nOpen it: {absolute_url(reverse('approvals:detail', args=[obj.pk]))}\n"


INQUIRY_EVENTS = {"inquiry_opened": "opened", "inquiry_answered": "answered", "inquiry_replied": "replied to"}


def _inquiry_message(inquiry, event: str) -> tuple[str, str]:
    """The question, and the latest answer (on an answer) or reply (on a reply) of the conversation: the
    message the event is about, also when the e-mail leaves after a later one."""
    subject = f"Attain: inquiry #{inquiry.pk} {INQUIRY_EVENTS.get(event, event)}"
    body = f"Inquiry #{inquiry.pk} about {inquiry.period.code}: {inquiry.message}\n"
    if event in ("inquiry_answered", "inquiry_replied"):
        by_csm = event == "inquiry_replied"
        thread = inquiry.messages.select_related("author").order_by("-at", "-id")
        latest = (thread.filter if by_csm else thread.exclude)(author_id=inquiry.employee_id).first()
        if latest is not None:
            body += f"\n{'Reply' if by_csm else 'Answer'}: {latest.body}\n({latest.author.email})\n"
    link = absolute_url(reverse("approvals:inquiry_detail", args=[inquiry.pk]))
    return subject, body + f"\nOpen it: {link}\n"
