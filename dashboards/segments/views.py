"""The segment and task pages (docs/design.md §10.5, §10.6). Who may open them is
``accounts.access.may_see_segments``; which members and tasks each person sees is the access module's
reach (``adoption.access``), and completing a task asks ``access.may_complete_task`` (the service
enforces it). The segment pages speak of the last evaluated day ("as of 2026-12-05"), never of today."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import Role
from adoption.access import customers_visible_to, tasks_visible_to
from adoption.models import PlayTask, Segment
from adoption.portfolio import segment_selectors as selectors
from adoption.portfolio.plays import EFFECT_HELP, complete_task
from core.errors import AttainError, NotAllowed
from dashboards.tables import PAGE_SIZE, Table, as_csv, as_xlsx
from dashboards.team.selectors import known_geos

from .forms import CompleteTask, MemberFilters
from .tables import done_table, history_table, members_table, segments_table

FORMATS = ("csv", "xlsx")


def _require_segments(request: HttpRequest) -> None:
    decision = access.may_see_segments(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


def _as_of(segment: Segment | None = None) -> tuple[date, bool]:
    """The day the pages speak of: the last day evaluated (``segment``'s own, else any segment's), and
    whether there is one; before any evaluation, yesterday (the day the daily job evaluates next)."""
    day = (selectors.last_evaluated_day(segment) if segment is not None else None) or (
        selectors.last_evaluated_day()
    )
    if day is not None:
        return day, True
    return timezone.localdate() - timedelta(days=1), False


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _download(request: HttpRequest, tables: list[Table], stem: str) -> HttpResponse | None:
    """The download ``?download=<table>&format=csv|xlsx`` asks for, named ``<stem>.<format>`` (e.g.
    ``low60-members-2026-12-05.csv``); None for the page. An unknown table is a 404, an unknown format a
    400 naming it."""
    name = request.GET.get("download")
    if not name:
        return None
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        return HttpResponse(f"No table {name!r} to download.", status=404, content_type="text/plain")
    kind = request.GET.get("format", "csv")
    if kind not in FORMATS:
        return _bad_request(f"Unknown format {kind!r}: downloads are csv or xlsx.")
    response = as_xlsx(table) if kind == "xlsx" else as_csv(table)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


@login_required
def segment_list(request: HttpRequest) -> HttpResponse:
    """``/segments/``: every segment with its rule in words, its members as of the last evaluated day and
    who entered and left in the 7 days to it within the reader's reach, its plays and their effect."""
    _require_segments(request)
    day, evaluated = _as_of()
    since = day - timedelta(days=selectors.RECENT_DAYS - 1)
    table = segments_table(selectors.segment_rows(request.user, day=day), since=since, day=day)
    if (response := _download(request, [table], f"segments-{day.isoformat()}")) is not None:
        return response
    context = {"table": table, "since": since, "day": day, "evaluated": evaluated, "effect_help": EFFECT_HELP}
    return render(request, "dashboards/segments/list.html", context)


def _filters(request: HttpRequest) -> MemberFilters:
    user = request.user
    csms = (
        access.employees_visible_to(user).filter(roles__role=Role.CSM, employee_id__isnull=False).distinct()
    )
    choices = [
        (p.employee_id, f"{p.name or p.email} ({p.employee_id})") for p in csms.order_by("name", "email")
    ]
    if access.sees_everything(user):
        geos = known_geos()
    elif access.is_geo_vp(user):
        geos = [user.geo]
    else:
        geos = sorted(set(customers_visible_to(user).values_list("geo", flat=True)))
    query = request.GET.copy()
    for name in ("download", "format", "members-page", "members-sort"):
        query.pop(name, None)
    return MemberFilters(query or None, csms=choices, geos=geos)


def _filter_errors(filters: MemberFilters) -> str:
    """``csm: Select a valid choice. …; since: Enter a valid date.``: each invalid filter named."""
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items())


@login_required
def segment_detail(request: HttpRequest, code: str) -> HttpResponse:
    """``/segments/<code>/``: the segment's members as of its last evaluated day within the reader's
    reach, filtered by CSM, geo and the day they entered since (``?csm=&geo=&since=``), with CSV and Excel
    downloads named ``<code>-members-<day>``, and its plays' effect. Invalid filters list nothing (the
    page names them) and refuse the download with a 400 naming them."""
    _require_segments(request)
    segment = get_object_or_404(Segment.objects.prefetch_related("plays"), code=code)
    day, evaluated = _as_of(segment)
    filters = _filters(request)
    csm, geo, since, valid = None, "", None, True
    if filters.is_bound:
        valid = filters.is_valid()
        if valid:
            data = filters.cleaned_data
            if data["csm"]:
                csm = access.employees_visible_to(request.user).filter(employee_id=data["csm"]).first()
            geo, since = data["geo"], data["since"]
    if not valid and request.GET.get("download"):
        return _bad_request(f"Invalid filter: {_filter_errors(filters)}. Nothing to download.")
    rows = (
        selectors.member_rows(segment, request.user, csm=csm, geo=geo, since=since, day=day) if valid else []
    )
    table = members_table(rows, segment_name=segment.name, day=day)
    if (response := _download(request, [table], f"{segment.code}-members-{day.isoformat()}")) is not None:
        return response
    plays = [play for play in segment.plays.all() if play.active]
    context = {
        "segment": segment,
        "rule": selectors.rule_in_words(segment),
        "plays": selectors.play_effects(plays, day if evaluated else None),
        "effect_help": EFFECT_HELP,
        "filters": filters,
        "valid": valid,
        "table": table,
        "day": day,
        "evaluated": evaluated,
    }
    return render(request, "dashboards/segments/segment.html", context, status=200 if valid else 400)


@login_required
def customer_history(request: HttpRequest, customer_id: str) -> HttpResponse:
    """``/segments/customers/<customer_id>/``: the customer's membership history in every segment (404
    outside the reader's reach)."""
    _require_segments(request)
    customer = access.get_visible(customers_visible_to(request.user), customer_id=customer_id)
    day, evaluated = _as_of()
    label = f"{customer.customer_id} {customer.name}"
    table = history_table(selectors.customer_history(customer, day=day), customer_label=label, day=day)
    stem = f"{customer.customer_id}-segments-{day.isoformat()}"
    if (response := _download(request, [table], stem)) is not None:
        return response
    context = {"customer": customer, "table": table, "day": day, "evaluated": evaluated}
    return render(request, "dashboards/segments/customer.html", context)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """``/tasks/``: the open tasks the reader sees (a CSM their own, a Geo VP their geo's CSMs', ops, the
    CCO, finance and admins all), soonest due first, 200 a page (``?page=``), each opening its own page
    to complete it where the reader may; and those done in the last 30 days."""
    _require_segments(request)
    user = request.user
    today = timezone.localdate()
    page = Paginator(selectors.open_tasks_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "task": task,
            "overdue": task.due_on < today,
            "may_complete": bool(access.may_complete_task(user, task)),
        }
        for task in page.object_list
    ]
    done = done_table(selectors.done_tasks_for(user, today=today))
    if (response := _download(request, [done], f"tasks-done-{today.isoformat()}")) is not None:
        return response
    context = {"rows": rows, "page": page, "done": done, "done_days": selectors.DONE_DAYS}
    return render(request, "dashboards/segments/tasks.html", context)


def _task_page(
    request: HttpRequest,
    task: PlayTask,
    *,
    form: CompleteTask | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "task": task,
        "overdue": task.due_on < timezone.localdate(),
        "may_complete": bool(access.may_complete_task(request.user, task)),
        "form": form or CompleteTask(),
        "error": error,
    }
    return render(request, "dashboards/segments/task.html", context, status=status)


def _visible_task(request: HttpRequest, pk: int) -> PlayTask:
    tasks = tasks_visible_to(request.user).select_related(
        "assignee", "customer", "completed_by", "play__segment", "membership"
    )
    return access.get_visible(tasks, pk=pk)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/tasks/<pk>/``: one task — customer, segment, play, CSM, when it appeared and is due — with the
    form to complete it where the reader may (404 outside the reader's reach)."""
    _require_segments(request)
    return _task_page(request, _visible_task(request, pk))


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a task with a note (``plays.complete_task``): 404 outside the reader's reach, 403 when they
    may see it but not complete it, 400 without a valid note, 409 when it is done already (the task's page
    says why)."""
    _require_segments(request)
    task = _visible_task(request, pk)
    form = CompleteTask(request.POST)
    if not form.is_valid():
        return _task_page(request, task, form=form, status=400)
    try:
        complete_task(task=task, user=request.user, note=form.cleaned_data["note"])
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except AttainError as exc:
        task.refresh_from_db()
        return _task_page(request, task, form=form, error=str(exc), status=409)
    messages.success(request, f"Done: {task.title} ({task.customer.customer_id}).")
    return redirect("dashboards:tasks")
