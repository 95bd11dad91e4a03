"""The Geo VP's team page (issue 5 §2). Which geo a person sees is decided in ``selectors.geo_for``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core import formatting as fmt
from dashboards import portfolio, worklists
from dashboards.csm.selectors import period_shown
from dashboards.projection import current_period
from dashboards.scores.links import link_scores
from dashboards.tables import REQUEST_VALUE, Column, Table, download

from . import charts, selectors

AT_RISK_SHOWN = 100  # worst gaps first; the CSV and Excel downloads hold them all


def today() -> date:
    """The day the page tracks (tests of a seeded demo pin it)."""
    return timezone.localdate()


def _gap(request: HttpRequest) -> Decimal:
    """``?gap=`` in score points from 0 to 100 (default ``DEFAULT_GAP``); anything else is the friendly
    404 naming it, never a silent default."""
    written = request.GET.get("gap", "").strip()
    if not written:
        return selectors.DEFAULT_GAP
    try:
        gap = Decimal(written)
    except InvalidOperation:
        gap = None
    if gap is None or not gap.is_finite() or not 0 <= gap <= 100:
        raise Http404(f"“{written[:20]}” is not a gap: give score points from 0 to 100, like 20.")
    return gap


def leaderboard_table(board: selectors.Leaderboard) -> Table:
    columns = [
        Column("rank", "Rank", "number"),
        Column("csm", "CSM"),
        Column("plan", "Plan"),
        Column("payout", "Projected payout", "money"),
        Column("oti", "On-target amount", "money"),
        Column("currency", "Currency"),
        Column("payout_ratio", "Payout / OTI", "percent"),
        *[Column(f"att_{code}", f"{code} attainment", "percent") for code in board.components],
    ]
    # Each name opens the CSM's quarter and statements, within the viewer's reach (accounts.access).
    rows = [
        {**row, "url": reverse("dashboards:csm-quarter", kwargs={"employee_id": row["employee_id"]})}
        for row in board.rows
    ]
    return Table(
        "leaderboard",
        # The title says what the rank is by (selectors.leaderboard sorts by payout ÷ on-target amount).
        "Leaderboard by projected payout ÷ on-target amount, this quarter",
        columns,
        rows,
        links={"csm": "url"},
    )


def at_risk_table(rows: list[dict], gap: Decimal) -> Table:
    columns = [
        Column("customer_id", "Customer ID"),
        Column("name", "Customer"),
        Column("owner", "Owner"),
        Column("score", "Latest score", "score"),
        Column("score_as_of", "Scored on", "date"),
        Column("change", "30-day change", "score_change"),
        Column("target", "Target", "score"),
        Column("gap", "Gap to target", "score"),
        Column("reason", "Why at risk"),
    ]
    title = f"At-risk customers (gap above {gap:g} points)"
    # Each score opens the customer's scorecard page (dashboards.scores.links).
    return link_scores(Table("at-risk", title, columns, rows, limit=AT_RISK_SHOWN))


def requests_table(requests: list) -> Table:
    rows = [
        {
            "id": f"#{r.pk}",
            "url": reverse("approvals:detail", args=[r.pk]),
            "kind": r.get_kind_display(),
            "customer": f"{r.customer.customer_id} {r.customer.name}",
            "period": r.period.code,
            "value": r.value,
            "value_kind": fmt.request_kind(r.kind),
            "status": r.get_status_display(),
            "filed_by": r.filed_by.get_full_name(),
            "filed_at": r.filed_at,
        }
        for r in requests
    ]
    columns = [
        Column("id", "Request"),
        Column("kind", "Kind"),
        Column("customer", "Customer"),
        Column("period", "Quarter"),
        REQUEST_VALUE,
        Column("status", "Status"),
        Column("filed_by", "Filed by"),
        Column("filed_at", "Filed on", "date"),
    ]
    return Table("requests", "The geo's requests", columns, rows, links={"id": "url"})


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_see_team(user):
        raise PermissionDenied("The team page is for Geo VPs, the CCO, finance and operations.")
    geos = selectors.known_geos() if selectors.sees_everything(user) else []
    geo = selectors.geo_for(user, request.GET.get("geo"), geos)
    day = today()
    # ?period= picks a quarter (the picker; a bad code is the friendly 404 of period_shown), else today's.
    code = request.GET.get("period")
    period = period_shown(code) if code else current_period(day)
    day = min(day, period.end)  # a past quarter is read as of its last day
    gap = _gap(request)
    csms = selectors.geo_csms(user, geo)  # read once for every table of the team
    board, at_risk = selectors.team_figures(user, geo, period, day, gap, csms=csms)
    # The geo's adoption KPIs as last computed, per CSM of the team (docs/kpis.md; dashboards.portfolio).
    kpis = portfolio.team_kpis(geo, csms)
    tables = [
        leaderboard_table(board),
        at_risk_table(at_risk, gap),
        requests_table(selectors.geo_requests(user, geo)),
        kpis.table,
        # Each CSM's segments and open tasks today, as their page counts them (dashboards.worklists).
        worklists.team_worklist_table(user, csms, today()),
    ]
    response = download(request, tables)
    if response is not None:
        return response
    context = {
        "geo": geo,
        "geos": geos,
        "gap": gap,
        "period": period,
        "board": board,
        "tables": {t.name.replace("-", "_"): t for t in tables},
        "charts": [charts.payout_distribution(board), charts.component_attainment(board)],
        "kpis": kpis.board,
    }
    return render(request, "dashboards/team/team.html", context)
