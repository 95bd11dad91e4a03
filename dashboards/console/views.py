"""The operations console (issue 5 item 4; DESIGN §5 "Quarter close"): pull → calculate → review → close
→ export, for one quarter at a time, plus the import history.

Thin views: ``selectors`` read, the commissions services write and refuse. Ops, admins, the CCO and
finance see it; each action is offered to whoever holds its right (``accounts.access``: ops pulls,
calculates and closes; ops and finance export payroll); anyone else gets a 403. A refusal
(``AttainError``) becomes a message.

The prior-period part of each quarter (pending corrections and their effect, true-ups paid, holds;
docs/design.md §7) is read by ``adjustments`` and acted on in ``adjustment_views``.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from accounts.models import Role, User
from commissions import hooks
from commissions.models import Period, Plan, Run
from commissions.services.calculations import start_calculation
from commissions.services.close import close_period, reopen_period, require_ended
from commissions.services.export import write_payouts
from commissions.services.periods import (
    ENDED,
    NOT_STARTED,
    UNDER_WAY,
    find_period,
    period_to_calculate,
    plans_to_calculate,
    quarter_state,
    require_started,
)
from commissions.services.pulls import first_pull_day, period_to_pull, pull_scores
from commissions.services.signoff import active_sign_off
from core.calendar import QUARTER_EXAMPLE, FiscalQuarter, not_a_quarter
from core.errors import AttainError, NotFound
from core.fiscal import calendar
from core.words import counted
from dashboards.tables import download

from . import selectors, tables
from .adjustments import adjustments

VIEWERS = (Role.OPS, Role.ADMIN, Role.CCO, Role.FINANCE)


def may_view(user: User) -> bool:
    return user.is_active and (user.is_superuser or any(user.has_role(role) for role in VIEWERS))


def _require(user: User, right: access.Decision | None = None) -> None:
    """403 unless ``user`` may see the console and, for an action, holds its ``right``."""
    if not may_view(user):
        raise PermissionDenied("Only operations, the CCO, finance and admins see the quarter console.")
    if right is not None and not right:
        raise PermissionDenied(right.reason)


def _rights(user: User, period: Period) -> dict[str, bool]:
    """Which of the console's actions to offer (the services enforce the same rights)."""
    rights = {
        "may_pull": bool(access.may_pull(user, period)),
        "may_calculate": bool(access.may_calculate(user, period)),
        "may_close": bool(access.may_close(user, period)),
        "may_reopen": bool(access.may_reopen(user, period)),
        "may_sign_off": bool(access.may_sign_off(user, period)),
        "may_export": bool(access.may_export_payroll(user, period)),
        "may_correct": bool(access.may_correct(user, period)),
        "may_hold": bool(access.may_hold(user, period)),
    }
    return {**rights, "may_act": rights["may_pull"] or rights["may_calculate"] or rights["may_close"]}


def read_period(code: str) -> Period:
    """The stored quarter a console page reads (a GET): ``find_period``, with a code that is no quarter
    the friendly 404 every page gives (config.middleware), never another quarter in its place. Raises
    ``NotFound`` for a quarter with no row yet (the console shows it, creating nothing; the sign-off and
    the export answer 404)."""
    try:
        return find_period(code)
    except NotFound:
        raise
    except AttainError:
        raise Http404(not_a_quarter(code)) from None


def named_period(request: HttpRequest, data, *, what: str) -> str:
    """The quarter code a POST that changes something names (``period``), or "" after a message saying it
    named none: such a POST never falls back to the quarter a GET shows by default. ``what`` says what it
    would have done ("pull scores"), for the message."""
    code = (data.get("period") or "").strip()
    if not code:
        messages.error(
            request,
            f"No quarter named: say which quarter to {what} (period, written like {QUARTER_EXAMPLE}). "
            "Nothing was done.",
        )
    return code


def _period(
    request: HttpRequest, data, *, what: str, starts: bool = False, calculates: bool = False
) -> Period | None:
    """The quarter a console POST acts on (``named_period``), or None after a message saying why not.

    Only a pull (``starts``) may start a quarter, and only one that is over and a plan covers; calculate
    (``calculates``: never one that has not started), close and re-open act on a stored one, so neither a
    link nor a form can create a quarter it names (the console shows a quarter with no row yet without
    creating it: ``_not_stored``)."""
    code = named_period(request, data, what=what)
    if not code:
        return None
    lookup = period_to_pull if starts else period_to_calculate if calculates else find_period
    try:
        return lookup(code)
    except AttainError as exc:
        messages.error(request, exc.message)
        return None


def pull_not_yet(code: str, end: date) -> str:
    """Why a quarter not over yet offers no pull: the first day its scores can be pulled (DESIGN §2)."""
    return (
        f"{code} ends {end:%Y-%m-%d}: its scores can be pulled from {first_pull_day(end):%Y-%m-%d}, the "
        "first day after it ends."
    )


def _back(period: Period | None, **params) -> HttpResponse:
    query = {"period": period.code} if period else {}
    query.update({key: value for key, value in params.items() if value is not None})
    return redirect(f"{reverse('dashboards:console')}?{urlencode(query)}")


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    code = (request.GET.get("period") or "").strip() or selectors.default_period_code()
    try:
        period = read_period(code)
    except NotFound as exc:  # a quarter with no row yet: shown, never created by a GET (DESIGN §5)
        return _not_stored(request, code.upper(), exc.message)
    run_id = request.GET.get("run", "")
    data = selectors.console(period, run_id=int(run_id) if run_id.isdigit() else None)
    runs = tables.runs_table(data)
    reviews = [
        {"review": r, "warnings": tables.warnings_table(r), "changes": tables.changes_table(r)}
        for r in data.reviews
    ]
    imports = tables.imports_table(data.imports)
    every = [runs, imports, *(t for r in reviews for t in (r["warnings"], r["changes"]))]
    if (response := download(request, every)) is not None:
        return response
    after = request.GET.get("after", "")
    waiting = after.isdigit() and not any(run.pk > int(after) for run in data.runs)
    context = {
        "data": data,
        "period": period,
        "code": period.code,
        "codes": selectors.period_codes(period.code, selectors.default_period_code()),
        **_rights(request.user, period),
        "runs": runs,
        "run_rows": list(zip(data.runs, tables.with_keys(runs), strict=True)),
        "reviews": reviews,
        "imports": imports,
        "import_rows": list(zip(data.imports, imports.cells(), strict=True)),
        "waiting_after": int(after) if waiting else None,
        "adjustments": adjustments(period),
        **_before_close(period),
        **_not_yet(period),
        "sign_off": active_sign_off(period) if period.is_closed else None,
        "query": urlencode({"period": period.code, **({"run": run_id} if run_id.isdigit() else {})}),
    }
    return render(request, "dashboards/console/console.html", context)


def _before_close(period: Period) -> dict:
    """What the close section says before its button (DESIGN §5 "Quarter close"): ``not_ended``, the
    sentence of ``require_ended`` while the quarter's last day has not passed (then no form is shown), and
    ``close_blockers``, why close is refused now (pending requests). Nothing for a closed quarter."""
    if period.is_closed:
        return {"not_ended": "", "close_blockers": []}
    try:
        require_ended(period)
    except AttainError as exc:
        return {"not_ended": exc.message, "close_blockers": []}
    return {"not_ended": "", "close_blockers": [_linked(b) for b in hooks.close_blockers(period)]}


def _linked(blocker: str) -> dict[str, str]:
    """A close blocker's sentence with the page where it is settled: its own (``hooks.CloseBlock``: the
    SPIFFs, the points' cash rewards), else the requests (the approvals' blockers)."""
    url = getattr(blocker, "url", "")
    if url:
        return {"text": str(blocker), "url": url, "link_text": blocker.link_text}
    return {"text": str(blocker), "url": reverse("approvals:list"), "link_text": "See the requests"}


def _not_yet(period: Period) -> dict:
    """What the pull and runs sections say instead of their buttons before they can act: ``pull_not_yet``
    while the quarter's last day has not passed (a pull would be refused), ``calculate_not_yet`` before its
    first day (``require_started``). Empty strings when the buttons are offered."""
    try:
        require_started(period.code, period.start)
        calculate_not_yet = ""
    except AttainError as exc:
        calculate_not_yet = exc.message
    ended = quarter_state(period.start, period.end) == ENDED
    return {
        "pull_not_yet": "" if ended else pull_not_yet(period.code, period.end),
        "calculate_not_yet": calculate_not_yet,
    }


# A quarter with no row, headed by where it stands by its dates (never "not started" once it has begun).
STATE_LABELS = {
    NOT_STARTED: "not started",
    UNDER_WAY: "under way, nothing stored",
    ENDED: "ended, nothing stored",
}


def _not_stored(request: HttpRequest, code: str, reason: str) -> HttpResponse:
    """The console of a quarter nothing happened in yet, headed by where it stands by its dates (not
    started, under way, ended): its dates, and the pull that starts it when a plan covers it and it is over
    (before then, the day its scores can be pulled instead). The pull is the write that creates its row;
    this page creates nothing."""
    quarter = FiscalQuarter.parse(code)
    start, end = calendar().bounds(quarter)
    state = quarter_state(start, end)
    covered = Plan.objects.filter(fiscal_year=quarter.fy.code).exists()
    records = selectors.recent_imports()
    imports = tables.imports_table(records)
    if (response := download(request, [imports])) is not None:
        return response
    context = {
        "imports": imports,
        "import_rows": list(zip(records, imports.cells(), strict=True)),
        "query": urlencode({"period": quarter.code}),
        "code": quarter.code,
        "start": start,
        "end": end,
        "state": STATE_LABELS[state],
        "covered": covered,
        "reason": reason,
        "pull_not_yet": pull_not_yet(quarter.code, end) if covered and state != ENDED else "",
        "may_pull": bool(access.may_pull(request.user)) and covered and state == ENDED,
        "codes": selectors.period_codes(quarter.code, selectors.default_period_code()),
    }
    return render(request, "dashboards/console/not_started.html", context)


@login_required
@require_POST
def pull(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_pull(request.user))
    period = _period(request, request.POST, what="pull scores", starts=True)
    if period is not None:
        try:
            done = pull_scores(period=period, user=request.user, trigger="console")
        except AttainError as exc:
            messages.error(request, exc.message)
        else:
            customers = counted(done.customers, "customer")
            messages.success(request, f"Pulled the scores of {customers} for {period.code}.")
    return _back(period)


@login_required
@require_POST
def calculate(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_calculate(request.user))
    period = _period(request, request.POST, what="calculate", calculates=True)
    if period is None:
        return _back(None)
    try:  # an unknown plan, one of another year, none covering the quarter: said, as the command says it
        period, plans = plans_to_calculate(period.code, request.POST.get("plan") or None)
    except AttainError as exc:
        messages.error(request, exc.message)
        return _back(period)
    after, queued = selectors.latest_run_id(period), False
    for plan in plans:
        try:
            started = start_calculation(period=period, plan=plan, user=request.user)
        except AttainError as exc:
            messages.error(request, exc.message)
        else:  # per plan, what happened: "v2 queued", or no new run because its inputs are unchanged
            messages.info(request, f"{started.message}.")
            queued = queued or started.queued
    # The page waits for a new run only when one was queued; otherwise it would wait for nothing.
    return _back(period, after=after if queued else None)


@login_required
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_close(request.user))
    period = _period(request, request.POST, what="close")
    if period is not None and not request.POST.get("confirm"):
        # Closing publishes statements and e-mails CSMs: never on a stray click (the form says what it does).
        messages.error(request, f"Tick the confirmation to close {period.code}: nothing was closed.")
    elif period is not None:
        try:
            finals = close_period(period=period, user=request.user)
        except AttainError as exc:
            messages.error(request, exc.message)
        else:
            runs = ", ".join(f"{run.plan.code} v{run.version}" for run in finals)
            messages.success(
                request,
                f"Closed {period.code}; final runs: {runs}. The payroll export opens once finance signs off "
                "the payouts.",
            )
            dropped = selectors.weight_warning_count(finals)
            if dropped:
                messages.warning(
                    request,
                    f"{dropped} component line{'s' if dropped != 1 else ''} of the final runs did not apply "
                    "(an empty book, no customer counted): the other components carried their weight.",
                )
    return _back(period)


@login_required
@require_POST
def reopen(request: HttpRequest) -> HttpResponse:
    """Re-open a closed quarter (ops) with a reason and a ticked confirmation; refusals become messages."""
    _require(request.user, access.may_reopen(request.user))
    period = _period(request, request.POST, what="re-open")
    if period is None:
        return _back(None)
    if not request.POST.get("confirm"):
        messages.error(request, f"Tick the confirmation to re-open {period.code}: nothing was re-opened.")
        return _back(period)
    try:
        reopen_period(period=period, user=request.user, reason=request.POST.get("reason", ""))
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Re-opened {period.code}: its statements are unpublished and finance's sign-off is revoked "
            "until it closes and is signed off again.",
        )
    return _back(period)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    _require(request.user, access.may_export_payroll(request.user))
    try:
        period = read_period((request.GET.get("period") or "").strip() or selectors.default_period_code())
    except NotFound as exc:
        raise Http404(exc.message) from None  # no payouts in a quarter nothing happened in
    detail = request.GET.get("detail") == "1"
    out = io.StringIO()
    try:
        write_payouts(period, out, detail=detail, user=request.user)
    except AttainError as exc:
        messages.error(request, exc.message)
        return _back(period)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"payouts-{period.code}{'-detail' if detail else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require(request.user)
    runs = Run.objects.filter(pk=pk).annotate(warning_count=selectors.JSONArrayLength("warnings"))
    run = runs.values("status", "progress", "version", "warning_count").first()
    if run is None:
        raise Http404("No such run.")
    return JsonResponse(
        {
            "status": run["status"],
            "progress": run["progress"],
            "version": run["version"],
            "warnings": run["warning_count"] or 0,
        }
    )


@login_required
@require_GET
def period_runs(request: HttpRequest) -> JsonResponse:
    """The quarter's run ids and statuses: the page polls it while a queued calculation has no run yet."""
    _require(request.user)
    period = get_object_or_404(Period, code=request.GET.get("period", ""))
    runs = Run.objects.filter(period=period).order_by("id").values("id", "status", "progress")
    return JsonResponse({"period": period.code, "runs": list(runs)})
