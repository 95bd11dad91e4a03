"""Year-end requests (docs/design.md §5, §7): when a closed quarter takes an exception or extra credit, and
how applying one corrects that quarter.

At the end of a fiscal year each Geo VP grants the year's exceptions and extra credit, by which time most
of its quarters are closed and paid. A closed quarter therefore takes a request only within the year-end
window: from the fiscal year's last pull date (the first day after the year ends, ``core.calendar``)
until ``settings.YEAR_END_WINDOW_DAYS`` days later, that last day included. Applied, such a request is a
correction of the closed quarter (``services.apply``), never a change of what it paid.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from commissions.models import Correction, Period
from commissions.services.corrections import apply_correction, record_correction
from core.errors import PeriodClosed
from core.fiscal import calendar

from .models import Request, RequestStep


def window(period: Period) -> tuple[date, date]:
    """First and last day (both included) on which a request for ``period`` may be filed once it is closed."""
    fiscal = calendar()
    last_quarter = period.fiscal_quarter.fy.quarters()[-1]
    first = fiscal.pull_date(last_quarter)
    return first, first + timedelta(days=settings.YEAR_END_WINDOW_DAYS)


def in_window(period: Period, today: date | None = None) -> bool:
    """Whether ``today`` (the local date by default) is within ``period``'s year-end window."""
    first, last = window(period)
    return first <= (today or timezone.localdate()) <= last


def require_fileable(period: Period) -> None:
    """Refuse (``PeriodClosed``) a request for a closed quarter outside its year-end window, naming the
    quarter and the window's dates. An open quarter always takes one."""
    if not period.is_closed or in_window(period):
        return
    first, last = window(period)
    raise PeriodClosed(
        f"{period.code} is closed: cannot file a request. A year-end request for it can be filed from "
        f"{first:%Y-%m-%d} to {last:%Y-%m-%d}."
    )


def is_year_end(period: Period) -> bool:
    """A closed quarter that takes requests today: offered labelled "(closed — year-end)"."""
    return period.is_closed and in_window(period)


def correct_closed_quarter(request: Request, user: User) -> Correction:
    """Record and apply the correction that restates the request's closed quarter (docs/design.md §7)."""
    correction = record_correction(
        period=request.period,
        kind=Correction.Kind.ADJUSTMENT,
        rows=[
            {"customer_id": request.customer.customer_id, "kind": request.kind, "value": str(request.value)}
        ],
        reason=request.justification,
        user=user,
        source=f"request:{request.pk}",
        cause=cause(request),
    )
    apply_correction(correction=correction, user=user)
    return correction


def cause(request: Request) -> str:
    """The cause a true-up shows (``Exception for C-0077 approved by cco@example.com on 2022-03-01``): the
    last approval, finance's for an exception, the CCO's for extra credit, dated in local time."""
    last = (
        request.steps.filter(action=RequestStep.Action.APPROVED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    text = f"{request.get_kind_display()} for {request.customer.customer_id}"
    if last is not None:
        text += f" approved by {last.actor.email} on {timezone.localtime(last.at):%Y-%m-%d}"
    return text
