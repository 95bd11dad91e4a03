"""The segment and task pages (docs/design.md §10.5, §10.6). Who may open them is
``accounts.access.may_see_segments``; which members and tasks each person sees is the access module's
reach (``adoption.access``), and completing a task asks ``access.may_complete_task`` (the service
enforces it)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import Role
from adoption.access import customers_visible_to, tasks_visible_to
from adoption.models import Segment
from adoption.portfolio import segment_selectors as selectors
from adoption.portfolio.plays import complete_task
from core.errors import AttainError, NotAllowed
from dashboards.tables import download
from dashboards.team.selectors import known_geos

from .forms import CompleteTask, MemberFilters
from .tables import done_table, history_table, members_table, segments_table


def _require_segments(request: HttpRequest) -> None:
    decision = access.may_see_segments(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
def segment_list(request: HttpRequest) -> HttpResponse:
    """``/segments/``: every segment with its rule in words, its members today and who entered and left in
    the last 7 days within the reader's reach, and its plays."""
    _require_segments(request)
    today = timezone.localdate()
    since = today - timedelta(days=selectors.RECENT_DAYS)
    table = segments_table(selectors.segment_rows(request.user, today=today), since=since)
    if (response := download(request, [table])) is not None:
        return response
    return render(request, "dashboards/segments/list.html", {"table": table, "since": since, "today": today})


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
    return MemberFilters(request.GET or None, csms=choices, geos=geos)


@login_required
def segment_detail(request: HttpRequest, code: str) -> HttpResponse:
    """``/segments/<code>/``: the segment's members today within the reader's reach, filtered by CSM, geo
    and the day they entered since (``?csm=&geo=&since=``), with CSV and Excel downloads."""
    _require_segments(request)
    segment = get_object_or_404(Segment.objects.prefetch_related("plays"), code=code)
    today = timezone.localdate()
    filters = _filters(request)
    csm, geo, since = None, "", None
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["csm"]:
            csm = access.employees_visible_to(request.user).filter(employee_id=data["csm"]).first()
        geo, since = data["geo"], data["since"]
    rows = selectors.member_rows(segment, request.user, csm=csm, geo=geo, since=since, today=today)
    table = members_table(rows, segment_name=segment.name, day=today)
    if (response := download(request, [table])) is not None:
        return response
    context = {
        "segment": segment,
        "rule": selectors.rule_in_words(segment),
        "plays": [play for play in segment.plays.all() if play.active],
        "filters": filters,
        "table": table,
        "today": today,
    }
    return render(request, "dashboards/segments/segment.html", context)


@login_required
def customer_history(request: HttpRequest, customer_id: str) -> HttpResponse:
    """``/segments/customers/<customer_id>/``: the customer's membership history in every segment (404
    outside the reader's reach)."""
    _require_segments(request)
    customer = access.get_visible(customers_visible_to(request.user), customer_id=customer_id)
    label = f"{customer.customer_id} {customer.name}"
    table = history_table(selectors.customer_history(customer), customer_label=label)
    if (response := download(request, [table])) is not None:
        return response
    return render(request, "dashboards/segments/customer.html", {"customer": customer, "table": table})


def _tasks_page(
    request: HttpRequest, *, failed: dict[int, CompleteTask] | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    failed = failed or {}
    tasks = list(selectors.open_tasks_for(user))
    today = timezone.localdate()
    rows = [
        {
            "task": task,
            "overdue": task.due_on < today,
            "may_complete": bool(access.may_complete_task(user, task)),
            "form": failed.get(task.pk) or CompleteTask(auto_id=f"task-{task.pk}-%s"),
        }
        for task in tasks
    ]
    done = done_table(selectors.done_tasks_for(user, today=today))
    if (response := download(request, [done])) is not None:
        return response
    context = {"rows": rows, "done": done, "error": error, "done_days": selectors.DONE_DAYS}
    return render(request, "dashboards/segments/tasks.html", context, status=status)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """``/tasks/``: the open tasks the reader sees (a CSM their own, a Geo VP their geo's CSMs', ops, the
    CCO, finance and admins all), each with a form to complete it where they may, and those done in the
    last 30 days."""
    _require_segments(request)
    return _tasks_page(request)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a task with a note (``plays.complete_task``): 404 outside the reader's reach, 403 when they
    may see it but not complete it, 400 without a valid note, 409 when it is done already."""
    _require_segments(request)
    task = access.get_visible(tasks_visible_to(request.user).select_related("assignee", "customer"), pk=pk)
    form = CompleteTask(request.POST, auto_id=f"task-{task.pk}-%s")
    if not form.is_valid():
        return _tasks_page(request, failed={task.pk: form}, status=400)
    try:
        complete_task(task=task, user=request.user, note=form.cleaned_data["note"])
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except AttainError as exc:
        return _tasks_page(request, error=str(exc), status=409)
    messages.success(request, f"Done: {task.title} ({task.customer.customer_id}).")
    return redirect("dashboards:tasks")
