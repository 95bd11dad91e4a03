"""The CSM's pages: "My quarter" (live), statements and the what-if estimator (issue 5 §1).

Who may open whose page is decided by accounts.access alone: a CSM sees themselves; a CSVP of the
geo, the CCO, finance, ops and admins may open a CSM's page at /my/<employee_id>/; anything else is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import is_csm
from commissions.loaders import plan_spec
from commissions.services.plans import computed_kpis
from dashboards.projection import project
from dashboards.scores.links import link_scores
from dashboards.tables import as_csv, as_xlsx, download

from . import charts, selectors, worklist
from .derivation import line_facts
from .forms import WhatIfForm
from .plausibility import implausible
from .related import related_to
from .republished import unpublished
from .statements import asks_offered, offer_asks, statement_for
from .tables import (
    book_table,
    deals_table,
    projection_table,
    statement_tables,
    statements_table,
    whatif_table,
)


def _url(name: str, employee_id: str | None, **kwargs) -> str:
    if employee_id is not None:
        kwargs["employee_id"] = employee_id
    return reverse(f"dashboards:{name}", kwargs=kwargs)


@login_required
def my_quarter(request: HttpRequest, employee_id: str | None = None) -> HttpResponse:
    if employee_id is None and not is_csm(request.user):
        return render(request, "dashboards/csm/pick.html", {"csms": selectors.csms_visible_to(request.user)})
    csm = selectors.csm_shown(request.user, employee_id)
    period = selectors.period_shown(request.GET.get("period"))
    projections = project(period, [csm.pk])
    plans = selectors.plan_projections(projections, csm.employee_id)
    components = selectors.plan_components(projections)
    by_plan = selectors.engine_customers_by_plan(projections, csm.employee_id)
    book = selectors.book_rows(csm, period, next(iter(by_plan.values()), {}))
    past = selectors.past_statements(request.user, csm)
    tables = [
        book_table(selectors.rows_per_plan(book, by_plan)),  # a row per plan when plans disagree
        projection_table(plans),
        deals_table(plans),
        statements_table(past, lambda run_id: _url("csm-statement", employee_id, run_id=run_id)),
    ]
    if (response := download(request, tables)) is not None:
        return response
    caps = {(c["plan__code"], c["code"]): c["cap"] for c in components}
    bullets = [
        charts.bullet(p.plan_code, line, caps.get((p.plan_code, line["component"])))
        for p in plans
        for line in p.components
    ]
    form = WhatIfForm(
        initial={"period": period.code},
        customers=[(row["customer_id"], f"{row['name']} ({row['customer_id']})") for row in book],
        kpis=sorted({c["kpi"] for c in components if c["metric"] == "kpi"}),
        period=period,
        plans=[plan_spec(p.plan) for p in projections],
    )
    context = {
        "csm": csm,
        "own": employee_id is None,
        "period": period,
        "live": not period.pulls.exists(),
        # A closed quarter's statements are published (DESIGN §5): the page links them; its projections
        # are then no estimates of what is to come.
        "published": [
            (p, _url("csm-statement", employee_id, run_id=p.run_id))
            for p in past
            if p.run.period_id == period.pk and p.run.is_final and period.is_closed
        ],
        "plans": plans,
        "tables": {t.name: t for t in tables},
        "bullets": bullets,
        "dumbbell": charts.dumbbell(book),
        "trends": charts.trends(selectors.score_trends(book, period)),
        "as_of": selectors.as_of_day(period),
        "form": form,
        "whatif_url": _url("csm-whatif", employee_id),
        # Adoption KPIs, segments and open tasks of the book (docs/kpis.md; dashboards.csm.worklist).
        **worklist.csm_page_context(request.user, csm, timezone.localdate()),
    }
    return render(request, "dashboards/csm/quarter.html", context)


@login_required
def statement(request: HttpRequest, run_id: int, employee_id: str | None = None) -> HttpResponse:
    csm = selectors.csm_shown(request.user, employee_id)
    try:
        shown = statement_for(request.user, csm, run_id)
    except Http404:
        # A link e-mailed at a close outlives a re-open (DESIGN §5 "Publishing"): say what became of it.
        if (gone := unpublished(request.user, csm, run_id)) is None:
            raise
        if gone.current is not None:
            messages.info(request, gone.message)
            return redirect(_url("csm-statement", employee_id, run_id=gone.current.pk))
        status = 200 if gone.revising else 410  # revised: published again at close; withdrawn: gone
        return render(
            request, "dashboards/csm/statement_unpublished.html", _gone(gone, employee_id), status=status
        )
    if (response := download(request, list(statement_tables(shown).values()))) is not None:
        return response
    if asks_offered(request.user, csm):  # "Ask about this line": the CSM's own statement only
        offer_asks(shown)
    tables = statement_tables(shown)
    # On the page only (a printed statement has nowhere to link to), each score opening its quarter's day.
    link_scores(tables["customers"], on=shown.run.period.end)
    context = {
        "csm": csm,
        "statement": shown,
        "run": shown.run,
        "tables": tables,
        "related": related_to(request.user, csm, shown),
        "facts": [line_facts(line, shown.payout, shown.asks) for line in shown.lines],
        "back_url": _url("csm-quarter", employee_id) + f"?period={shown.run.period.code}",
        "quarter_url": _url("csm-quarter", employee_id),  # the quarter picker opens the CSM's quarter
    }
    return render(request, "dashboards/csm/statement.html", context)


def _gone(gone, employee_id: str | None) -> dict:
    """The page of a statement being revised (the quarter re-opened) or withdrawn (no longer paying)."""
    period = gone.opened.period.code
    return {"gone": gone, "back_url": _url("csm-quarter", employee_id) + f"?period={period}"}


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest, employee_id: str | None = None) -> HttpResponse:
    """Projected attainment and payout with the CSM's changes, by the engine; nothing is saved."""
    csm = selectors.csm_shown(request.user, employee_id)
    if request.method == "GET":
        return redirect(_url("csm-quarter", employee_id))
    period = selectors.period_shown(request.POST.get("period"))
    projections = project(period, [csm.pk])
    components = selectors.plan_components(projections)
    form = WhatIfForm(
        request.POST,
        customers=selectors.book_choices(csm, period),
        kpis=sorted({c["kpi"] for c in components if c["metric"] == "kpi"}),
        period=period,
        computed=computed_kpis([p.plan for p in projections]),
        plans=[plan_spec(p.plan) for p in projections],
    )
    context = {"csm": csm, "period": period, "form": form, "whatif_url": _url("csm-whatif", employee_id)}
    context["back_url"] = _url("csm-quarter", employee_id) + f"?period={period.code}"
    if form.is_valid():
        before = selectors.plan_projections(projections, csm.employee_id)
        changed = project(period, [csm.pk], what_if=form.what_if(), employee_id=csm.employee_id)
        after = selectors.plan_projections(changed, csm.employee_id)
        context["table"] = whatif_table(before, after)
        context["errors"] = [p.error for p in after if p.error]
        context["implausible"] = implausible(form.what_if(), before)
        # An implausible input (issue 16) is a warning instead of a figure, unless the CSM confirms it.
        context["held_back"] = bool(context["implausible"]) and not request.POST.get("as_given")
        if request.POST.get("download") == context["table"].name:
            # The result exists only for the posted changes: its download is posted back with them.
            table = context["table"]
            return as_xlsx(table) if request.POST.get("format") == "xlsx" else as_csv(table)
        context["posted"] = [
            (k, v)
            for k, v in request.POST.items()
            if k not in ("csrfmiddlewaretoken", "download", "format", "as_given")
        ]
    return render(request, "dashboards/csm/whatif.html", context, status=200 if form.is_valid() else 400)
