"""The target snapshot review (DESIGN §3 "Target snapshots"): the list of snapshots, the review of one
fiscal year's draft, and the CCO's approval.

Readers hold ``access.may_review_snapshot`` (the CCO, ops, finance, admins), anyone else is refused
(403); the approval form is offered to holders of ``access.may_approve_snapshot`` (the CCO) and
``adoption.services.approve_snapshot`` decides.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from adoption.models import Snapshot
from adoption.services import approve_snapshot
from core.errors import AttainError, Conflict, SnapshotFrozen
from dashboards.tables import Column, Table, download

from . import selectors, tables
from .forms import ApproveForm
from .paging import page_number


def today() -> date:
    """The day of the review (tests pin it)."""
    return timezone.localdate()


def _require_review(user) -> None:
    if not (right := access.may_review_snapshot(user)):
        raise PermissionDenied(right.reason)


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    _require_review(request.user)
    rows = [
        {
            "fiscal_year": snapshot.fiscal_year,
            "url": reverse("dashboards:snapshot-review", args=[snapshot.fiscal_year]),
            "status": snapshot.get_status_display(),
            "revision": snapshot.revision,
            "lines": snapshot.line_count,
            "approved_by": snapshot.approved_by.get_full_name() if snapshot.approved_by else "",
            "approved_at": snapshot.approved_at,
        }
        for snapshot in selectors.snapshot_list()
    ]
    columns = [
        Column("fiscal_year", "Fiscal year"),
        Column("status", "Status"),
        Column("revision", "Revision", "number"),
        Column("lines", "Target lines", "number"),
        Column("approved_by", "Approved by"),
        Column("approved_at", "Approved on", "date"),
    ]
    table = Table("snapshots", "Target snapshots", columns, rows, links={"fiscal_year": "url"})
    response = download(request, [table])
    if response is not None:
        return response
    return render(request, "dashboards/snapshots/list.html", {"table": table})


@login_required
def snapshot_review(request: HttpRequest, fiscal_year: str) -> HttpResponse:
    _require_review(request.user)
    snapshot = selectors.snapshot_of(fiscal_year)
    return _review(request, snapshot)


@login_required
@require_POST
def snapshot_approve(request: HttpRequest, fiscal_year: str) -> HttpResponse:
    user = request.user
    _require_review(user)
    snapshot = selectors.snapshot_of(fiscal_year)
    if not (right := access.may_approve_snapshot(user, snapshot.fiscal_year)):
        raise PermissionDenied(right.reason)
    form = ApproveForm(request.POST, snapshot=snapshot)
    status = 400
    if form.is_valid():
        try:
            approved = approve_snapshot(
                fiscal_year=snapshot.fiscal_year,
                user=user,
                comment=form.cleaned_data["comment"],
                revision=form.cleaned_data["revision"],
            )
        except AttainError as exc:
            status = 409 if isinstance(exc, SnapshotFrozen | Conflict) else 400
            snapshot.refresh_from_db()
            # Said at the top of the page, where the reader lands (the form is at the bottom of a long one).
            messages.error(request, exc.message)
            if isinstance(exc, Conflict):
                # The page now shows the new revision: a fresh form for it, not ticked, the comment kept.
                form = ApproveForm(snapshot=snapshot, initial={"comment": form.cleaned_data["comment"]})
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Approved the {approved.fiscal_year} target snapshot (revision {approved.revision}): its"
                " targets are frozen and will not change for the rest of the year.",
            )
            return redirect("dashboards:snapshot-review", fiscal_year=approved.fiscal_year)
    else:
        messages.error(request, "Nothing was approved: see the approval form at the end of the page.")
    return _review(request, snapshot, form=form, status=status)


def _review(request: HttpRequest, snapshot: Snapshot, *, form=None, status: int = 200) -> HttpResponse:
    user = request.user
    owners_on = selectors.owners_day(snapshot, today())
    previous = selectors.previous_snapshot(snapshot)
    paged = [
        *tables.summary_tables(snapshot, owners_on=owners_on),
        tables.changes_table(snapshot),
        *(tables.comparison_tables(snapshot, previous) if previous is not None else []),
    ]
    wanted = request.GET.get("download")
    if wanted:
        if wanted == "totals":
            return download(request, [tables.totals_table(snapshot)])
        return download(request, [table.download() for table in paged if table.name == wanted])
    for table in paged:
        table.load(page_number(request.GET.get(table.param)))
        table.links = _page_links(request, table)
    may_approve = bool(access.may_approve_snapshot(user, snapshot.fiscal_year))
    if form is None and may_approve and not snapshot.is_frozen:
        form = ApproveForm(snapshot=snapshot)
    by_name = {table.name.replace("-", "_"): table for table in paged}
    context = {
        "snapshot": snapshot,
        "previous": previous,
        "previous_code": selectors.previous_code(snapshot),
        "totals": tables.totals_table(snapshot),
        "summaries": [by_name["by_geo"], by_name["by_csm"]],
        "last_draft": selectors.last_draft(snapshot) if snapshot.revision else None,
        "changes": by_name["last_draft"],
        "comparisons": [table for table in paged if table.name in tables.COMPARISON_NAMES],
        "may_approve": may_approve,
        "form": form,
    }
    return render(request, "dashboards/snapshots/review.html", context, status=status)


def _page_links(request: HttpRequest, table: tables.ReviewTable) -> dict[str, str]:
    """URLs of the previous and next pages of ``table``, keeping the other tables' pages."""
    links = {}
    page = table.page
    for key, number in (("previous", page.number - 1), ("next", page.number + 1)):
        if 1 <= number <= page.num_pages:
            query = request.GET.copy()
            query.pop("download", None)
            query.pop("format", None)
            query[table.param] = str(number)
            links[key] = f"?{query.urlencode()}#table-{table.name}"
    return links
