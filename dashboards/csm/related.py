"""What changed a statement, linked from it (DESIGN §5 "Inquiries", §7): the exceptions and extra credit
of its quarter for customers of its book, the year-end requests whose corrections restated the quarter
or whose true-ups the quarter pays, and the CSM's inquiries about the quarter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from accounts.models import User
from approvals.access import inquiries_visible_to, requests_visible_to
from approvals.models import Inquiry, Request

from .statements import Statement


@dataclass(frozen=True)
class RelatedRequest:
    """A request beside the statement; ``url`` is empty when the viewer may not open it (a customer that
    has left the CSM's book since: the statement still shows what it credited)."""

    label: str
    kind: str
    kind_code: str  # exception | extra_credit: how its value is written (core.formatting.request_value)
    customer_id: str
    customer_name: str
    quarter: str
    value: Decimal
    status: str
    url: str
    # A year-end request applied as a correction (§7): "correction #4 (applied)", else "".
    correction: str
    # "restates": it restated this quarter; "paid here": its true-ups are paid in this quarter.
    how: str


@dataclass(frozen=True)
class Related:
    requests: list[RelatedRequest]
    inquiries: list[Inquiry]

    def __bool__(self) -> bool:
        return bool(self.requests or self.inquiries)


def related_to(viewer: User, csm: User, statement: Statement) -> Related:
    """The requests and inquiries behind ``statement`` as ``viewer`` (who may read it) sees them.

    Requests of the statement's quarter for the customers of its book (any status: a pending or rejected one
    is part of the story), and year-end requests of earlier quarters whose true-ups this quarter pays the
    CSM; links only to the requests the viewer may open (``approvals.access``). The CSM's inquiries about the
    quarter within the viewer's reach. Four queries, whatever the size of the book.
    """
    period = statement.run.period
    book = [result.customer_id for result in statement.customers]
    own = list(
        Request.objects.filter(period=period, customer_id__in=book)
        .select_related("customer", "period", "correction")
        .order_by("filed_at", "pk")
    )
    paid_here = list(
        Request.objects.filter(correction__trueups__paid_in=period, correction__trueups__employee=csm)
        .exclude(period=period)
        .select_related("customer", "period", "correction")
        .distinct()
        .order_by("period__start", "pk")
    )
    everything = own + paid_here
    openable = set(
        requests_visible_to(viewer).filter(pk__in=[r.pk for r in everything]).values_list("pk", flat=True)
    )
    requests = [
        _row(request, openable, how="restates" if request.correction_id else "") for request in own
    ] + [_row(request, openable, how="paid here") for request in paid_here]
    inquiries = list(
        inquiries_visible_to(viewer)
        .filter(employee=csm, period=period)
        .select_related("customer")
        .order_by("created_at", "pk")
    )
    return Related(requests=requests, inquiries=inquiries)


def _row(request: Request, openable: set[int], *, how: str) -> RelatedRequest:
    correction = request.correction
    return RelatedRequest(
        label=request.label,
        kind=request.get_kind_display(),
        kind_code=request.kind,
        customer_id=request.customer.customer_id,
        customer_name=request.customer.name,
        quarter=request.period.code,
        value=request.value,
        status=request.get_status_display(),
        url=reverse("approvals:detail", args=[request.pk]) if request.pk in openable else "",
        correction=f"{correction.label} ({correction.get_status_display().lower()})" if correction else "",
        how=how,
    )
