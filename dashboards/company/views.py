"""The CCO / finance page (issue 5 §3): payouts by geo, component and quarter; the approval queues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import access
from core import formatting as fmt
from dashboards import portfolio, worklists
from dashboards.csm.selectors import period_shown
from dashboards.snapshots.selectors import drafts_awaiting_approval
from dashboards.tables import REQUEST_VALUE, Column, Table, download

from . import charts, selectors

PERIOD, CURRENCY, CSMS = (
    Column("period", "Quarter"),
    Column("currency", "Currency"),
    Column("csms", "CSMs", "number"),
)
OTI, AMOUNT = Column("oti", "On-target amount", "money"), Column("amount", "Payout", "money")
RATIO = Column("ratio", "Payout / OTI", "percent")


def payout_tables(data: selectors.CompanyPayouts) -> list[Table]:
    return [
        Table(
            "by-quarter",
            "Payout by quarter",
            [PERIOD, Column("status", "Quarter status"), CURRENCY, CSMS, OTI, AMOUNT, RATIO],
            data.by_quarter,
        ),
        Table(
            "by-geo",
            "Payout by geo and quarter",
            [PERIOD, Column("geo", "Geo"), CURRENCY, CSMS, OTI, AMOUNT, RATIO],
            data.by_geo,
        ),
        Table(
            "by-component",
            "Payout by component and quarter",
            [PERIOD, Column("component", "Component"), CURRENCY, CSMS, AMOUNT],
            data.by_component,
        ),
        Table(
            "runs",
            "Runs counted",
            [
                PERIOD,
                Column("plan", "Plan"),
                Column("version", "Version", "number"),
                Column("kind", "Which run"),
            ],
            data.runs,
        ),
    ]


def queue_table(name: str, title: str, requests: list) -> Table:
    rows = [
        {
            "id": f"#{r.pk}",
            "url": reverse("approvals:detail", args=[r.pk]),
            "kind": r.get_kind_display(),
            "customer": f"{r.customer.customer_id} {r.customer.name}",
            "geo": r.customer.geo,
            "period": r.period.code,
            "value": r.value,
            "value_kind": fmt.request_kind(r.kind),
            "filed_by": r.filed_by.get_full_name(),
            "filed_at": r.filed_at,
        }
        for r in requests
    ]
    columns = [
        Column("id", "Request"),
        Column("kind", "Kind"),
        Column("customer", "Customer"),
        Column("geo", "Geo"),
        Column("period", "Quarter"),
        REQUEST_VALUE,
        Column("filed_by", "Filed by"),
        Column("filed_at", "Filed on", "date"),
    ]
    return Table(name, title, columns, rows, links={"id": "url"})


@login_required
def company(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_see_company(user):
        raise PermissionDenied("The company page is for the CCO, finance, operations and admins.")
    # ?period= narrows the payouts to one quarter (the picker; a bad code is period_shown's friendly 404).
    code = request.GET.get("period")
    period = period_shown(code) if code else None
    data = selectors.company_payouts(user, period)
    queues = selectors.approval_queues(user)
    queue_tables = [
        queue_table("pending-cco", "Waiting for the CCO", queues.pending_cco),
        queue_table("pending-finance", "Waiting for finance", queues.pending_finance),
        queue_table("approved", "Approved, waiting for ops to apply", queues.approved),
    ]
    # The company's adoption KPIs as last computed, per geo (docs/kpis.md; dashboards.portfolio).
    kpis = portfolio.company_kpis()
    # Each geo's segments and open tasks today (dashboards.worklists), beside its KPIs: the geos of the KPI
    # table and any other with a member or a task, at no query more.
    geos = [row["geo"] for row in kpis.table.rows if row["geo"] != worklists.NO_GEO]
    worklist = worklists.company_worklist_table(user, geos, timezone.localdate())
    tables = payout_tables(data) + queue_tables + [kpis.table, worklist]
    response = download(request, tables)
    if response is not None:
        return response
    context = {
        "data": data,
        "period": period,
        "payout_tables": payout_tables_by_name(tables),
        "queue_tables": queue_tables,
        "currency": charts.main_currency(data),
        "charts": [charts.actual_vs_oti(data), charts.payout_by_component(data)],
        # The CCO lands here: a draft target snapshot waiting for them is said first (DESIGN §3).
        "snapshots_awaiting": drafts_awaiting_approval() if access.may_approve_snapshot(request.user) else [],
        "kpis": kpis.board,
        "kpi_table": kpis.table,
        "worklist_table": worklist,
    }
    return render(request, "dashboards/company/company.html", context)


def payout_tables_by_name(tables: list[Table]) -> dict[str, Table]:
    return {table.name.replace("-", "_"): table for table in tables}
