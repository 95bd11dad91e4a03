"""Publishing a closed quarter's statements (DESIGN §5 "Quarter close"): once a close commits, each CSM
paid by the quarter's final runs gets one e-mail saying their statements are published, with the total
per plan and currency and absolute links to each statement (page and PDF).

One e-mail per close and CSM (``StatementNotice``): a redelivered task sends nothing twice; a re-open and
a new close publishes again, and the e-mail says "republished". Sending never touches the close: the close
stands whatever the mail server does, and the console shows how many notices a close sent.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commissions.models import Payout, Period, PeriodEvent
from core import formatting as fmt
from core.links import absolute_url
from webhooks import events as webhook_events

from .models import StatementNotice

logger = logging.getLogger(__name__)


@dataclass
class Publication:
    """What one delivery of the publication did: e-mails sent now, CSMs told before (by an earlier
    delivery for the same close), and CSMs skipped with the reason (no e-mail, inactive, refused)."""

    period: str
    sent: int = 0
    already: int = 0
    skipped: list[str] = field(default_factory=list)


def on_close(period_code: str) -> None:
    """The close listener (``commissions.hooks``, registered in ``DashboardsConfig.ready``): queue the
    publication. Called after the close committed; a broker or mail outage is logged, never raised."""
    from .tasks import publish_statements

    try:
        publish_statements.delay(period_code)
    except Exception:  # the close is committed; the console shows that no notice was sent
        logger.exception("could not publish the statements of %s", period_code)


def latest_close(period: Period) -> PeriodEvent | None:
    """The ``PeriodEvent`` of the close that published ``period`` now; None while it is open."""
    if not period.is_closed:
        return None
    events = PeriodEvent.objects.filter(period=period, action=PeriodEvent.Action.CLOSED)
    return events.order_by("-at", "-pk").first()


def publish_statements(*, period_code: str) -> Publication:
    """E-mail each CSM paid by ``period_code``'s final runs that their statements are published.

    Nothing is sent for a quarter that is open again (a re-open before the task ran). A CSM without an
    e-mail address or inactive is skipped and logged; so is one whose address the mail server refuses.
    Each e-mail is sent in its own transaction holding its ``StatementNotice`` row (unique per close and
    CSM), so a concurrent or later delivery of the same close skips it. Connection errors of the mail
    server or the database propagate for the task to retry: what was sent stays recorded.
    """
    done = Publication(period=period_code)
    period = Period.objects.filter(code=period_code).first()
    close = latest_close(period) if period is not None else None
    if close is None:
        logger.info("statements of %s not published: the quarter is not closed", period_code)
        return done
    payouts = (
        Payout.objects.filter(run__period=period, run__is_final=True)
        .select_related("employee", "run__plan")
        .order_by("employee__employee_id", "employee_id", "run__plan__code")
    )
    # Once per close, before the e-mails: the statements are published by the close, whether or not a
    # CSM's e-mail goes out; a redelivery emits the same event id (docs/webhooks.md "statement.published").
    webhook_events.statement_published(period, close, payouts)
    with mail.get_connection() as connection:
        for employee, group in groupby(payouts, key=lambda payout: payout.employee):
            lines = list(group)
            if not employee.is_active or not employee.email:
                why = "inactive" if not employee.is_active else "no e-mail address"
                logger.warning(
                    "statement e-mail of %s not sent to %s: %s", period_code, employee.employee_id, why
                )
                done.skipped.append(f"{employee.employee_id}: {why}")
                continue
            try:
                sent = _notify(
                    period=period, close=close, employee=employee, lines=lines, connection=connection
                )
            except smtplib.SMTPRecipientsRefused as exc:
                logger.warning("statement e-mail of %s to %s refused: %s", period_code, employee.email, exc)
                done.skipped.append(f"{employee.employee_id}: address refused")
                continue
            if sent:
                done.sent += 1
            else:
                done.already += 1
    logger.info(
        "statements of %s published: %s e-mails sent, %s sent before, %s skipped",
        period_code,
        done.sent,
        done.already,
        len(done.skipped),
    )
    return done


def _notify(*, period: Period, close: PeriodEvent, employee: User, lines: list[Payout], connection) -> bool:
    """Send ``employee`` their notice of ``close`` unless it was sent; True when sent now."""
    with transaction.atomic():
        # The row is claimed before sending and committed after: a failed send leaves no notice (the retry
        # sends it), and a second delivery waits on the row and then finds it.
        notice, created = StatementNotice.objects.select_for_update().get_or_create(
            close=close, employee=employee, defaults={"period": period, "sent_at": timezone.now()}
        )
        if not created:
            return False
        republished = (
            StatementNotice.objects.filter(period=period, employee=employee).exclude(close=close).exists()
        )
        subject, body = message(period=period, employee=employee, lines=lines, republished=republished)
        mail.EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [employee.email], connection=connection
        ).send()
        StatementNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    return True


def message(*, period: Period, employee: User, lines: list[Payout], republished: bool) -> tuple[str, str]:
    """Subject and body of a CSM's notice: each plan's total and currency, and the absolute links
    (``SITE_URL``) of its statement page and PDF and of the plan's handbook for the quarter (issue 20); a
    total per currency when several plans pay."""
    word = "republished" if republished else "published"
    several = len(lines) > 1
    subject = f"Attain: your {period.code} statement{'s are' if several else ' is'} {word}"
    greeting = f"Hello {employee.name}," if employee.name else "Hello,"
    text = [greeting, ""]
    if republished:
        text.append(
            f"{period.code} was re-opened and closed again: your {period.code} statement"
            f"{'s are' if several else ' is'} republished and replace{'' if several else 's'} "
            "what you received before."
        )
    else:
        text.append(
            f"{period.code} is closed: your {period.code} statement{'s are' if several else ' is'} published."
        )
    totals: dict[str, Decimal] = {}
    for payout in lines:
        run = payout.run
        page = absolute_url(reverse("dashboards:csm-statement", kwargs={"run_id": run.pk}))
        pdf = absolute_url(reverse("dashboards:csm-statement-pdf", kwargs={"run_id": run.pk}))
        handbook = absolute_url(reverse("dashboards:handbook", kwargs={"code": run.plan.code}))
        text += [
            "",
            f"{run.plan.name} ({run.plan.code}): {fmt.money(payout.amount, payout.currency)}",
            f"  Statement: {page}",
            f"  PDF: {pdf}",
            f"  Plan handbook (rules, timeline, FAQ): {handbook}?period={period.code}",
        ]
        totals[payout.currency] = totals.get(payout.currency, Decimal(0)) + payout.amount
    if several:
        text.append("")
        text += [
            f"Total in {currency}: {fmt.money(amount, currency)}"
            for currency, amount in sorted(totals.items())
        ]
    text += [
        "",
        "Each statement explains how every line was computed and what the quarter pays you, true-ups and "
        "holds included.",
        "",
    ]
    return subject, "\n".join(text)


def notices_sent(period: Period) -> tuple[int, int] | None:
    """(notices sent, CSMs paid) for ``period``'s latest close, for the console; None while it is open."""
    close = latest_close(period)
    if close is None:
        return None
    sent = StatementNotice.objects.filter(close=close).count()
    paid = Payout.objects.filter(run__period=period, run__is_final=True).values("employee").distinct().count()
    return sent, paid
