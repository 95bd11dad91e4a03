"""The score pages (docs/scorecards.md "Pages"): a customer's scorecard, the portfolio by score, and a
scorecard version's rules. Who may open them is ``accounts.access.may_see_scores``; which customers and
CSMs each person reaches is the access module's reach, as on every page (404 outside it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts import access
from adoption.models import Scorecard
from adoption.scorecards.loading import spec_of
from adoption.scorecards.selectors import scorecards_scoring
from dashboards.tables import download
from dashboards.team.selectors import known_geos

from . import charts, definition, portfolio, selectors
from .tables import criteria_table, portfolio_table


def _require_scores(request: HttpRequest) -> None:
    decision = access.may_see_scores(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
def customer(request: HttpRequest, customer_id: str) -> HttpResponse:
    """A customer's score under a scorecard on a day (``?scorecard=CODE&on=YYYY-MM-DD&trend=30|90``),
    criterion by criterion, with its history and trend."""
    _require_scores(request)
    shown_customer = selectors.customer_shown(request.user, customer_id)
    on = selectors.day_asked(request.GET.get("on"))
    trend_days = selectors.trend_asked(request.GET.get("trend"))
    asked = selectors.scorecard_asked(request.GET.get("scorecard"))
    scorecard = asked or selectors.default_scorecard(shown_customer, on)
    shown = None
    if scorecard is not None:
        shown = selectors.customer_score(shown_customer, scorecard, on=on, trend_days=trend_days)
    context = {
        "customer": shown_customer,
        "scorecard": scorecard,
        "on": on,
        "shown": shown,
        "adoption": selectors.adoption_score(shown_customer, on),
        "others": [s for s in scorecards_scoring(shown_customer) if scorecard is None or s != scorecard],
        "trend_choices": selectors.TREND_DAYS,
        "trend_days": trend_days,
    }
    if shown is None:  # no score yet, or none by the day asked: the page says so and what to do
        return render(request, "dashboards/scores/customer.html", context)
    if (response := download(request, [criteria_table(shown.lines, shown=shown)])) is not None:
        return response
    table = criteria_table(shown.lines)
    context.update(
        table=table,
        chart=charts.history(f"{shown_customer.customer_id} {shown_customer.name}", shown.history),
        definition_url=reverse(
            "dashboards:scorecard-version",
            kwargs={"code": shown.scorecard.code, "version": shown.version.version},
        ),
    )
    return render(request, "dashboards/scores/customer.html", context)


@login_required
def portfolio_page(request: HttpRequest, employee_id: str | None = None) -> HttpResponse:
    """``/scores/``: the viewer's portfolio (a CSM's book, a Geo VP's geo, any geo for those who see
    everything, ``?geo=``); ``/scores/csm/<employee_id>/``: a CSM's portfolio within the viewer's reach."""
    _require_scores(request)
    user = request.user
    geos = known_geos() if portfolio.may_pick_geo(user) else []
    csm = portfolio.csm_shown(user, employee_id) if employee_id else None
    geo = "" if csm is not None else portfolio.geo_shown(user, request.GET.get("geo"), geos)
    if csm is not None:
        title = f"{csm.name}'s portfolio" if csm != user else "My portfolio"
    elif geo:
        title = f"{geo} portfolio"
    else:
        title = "My portfolio"
    on = selectors.day_asked(request.GET.get("on"))
    trend_days = selectors.trend_asked(request.GET.get("trend"))
    asked = selectors.scorecard_asked(request.GET.get("scorecard"))
    default = portfolio.default_scorecards(on)
    scorecards = [asked] if asked is not None else default.scorecards
    customers = portfolio.customers_of(user, csm=csm, geo=geo)
    shown = portfolio.portfolio(customers, title=title, scorecards=scorecards, on=on, trend_days=trend_days)
    scope = f"CSM {csm.name} ({csm.employee_id})" if csm is not None else (f"Geo {geo}" if geo else title)
    if (response := download(request, [portfolio_table(shown, scope=scope)])) is not None:
        return response
    table = portfolio_table(shown)
    context = {
        "portfolio": shown,
        "table": table,
        "csm": csm,
        "geo": geo,
        "geos": geos,
        "asked": asked,
        "default": default,
        "all_scorecards": list(Scorecard.objects.order_by("code")),
        "score_bands": portfolio.SCORE_BANDS,
        "trend_choices": selectors.TREND_DAYS,
        "on": on,
    }
    return render(request, "dashboards/scores/portfolio.html", context)


@login_required
def scorecard_version(request: HttpRequest, code: str, version: str | None = None) -> HttpResponse:
    """A scorecard version's rules, read-only (``/scores/scorecards/CODE/`` shows the latest version)."""
    _require_scores(request)
    shown = selectors.version_shown(code, None if version is None else selectors.version_asked(version))
    spec = spec_of(shown)
    context = {
        "version": shown,
        "scorecard": shown.scorecard,
        "spec": spec,
        "criteria": definition.criteria_rows(spec),
        "versions": selectors.versions_of(shown.scorecard),
        "commission_years": list(
            shown.scorecard.commission_years.order_by("fiscal_year").values_list("fiscal_year", flat=True)
        ),
        "may_edit": bool(access.may_edit_scorecards_in_admin(request.user)),
        "may_manage": bool(access.may_manage_scorecards(request.user)),
        "admin_url": reverse("admin:adoption_scorecard_change", args=[shown.scorecard.pk]),
        "load_url": reverse("admin:adoption_scorecard_load"),
    }
    return render(request, "dashboards/scores/definition.html", context)
