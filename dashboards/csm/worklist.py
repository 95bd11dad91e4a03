"""What a CSM works from beside the KPI tiles on "My quarter" (docs/kpis.md "Pages"; docs/design.md §10.5,
§10.6): the active segments with how many of the book's customers are in each now, and the CSM's open play
tasks — both cut to the viewer's reach (``adoption.access``). One query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from adoption.access import book_of, memberships_visible_to, tasks_visible_to
from adoption.models import PlayTask, Segment
from dashboards.portfolio import csm_board


@dataclass(frozen=True)
class SegmentCount:
    """An active segment and how many customers of the CSM's book are in it today (open memberships)."""

    code: str
    name: str
    description: str
    members: int
    url: str


def book_segments(viewer: User, csm: User, today: date) -> list[SegmentCount]:
    """Every active segment with the number of ``csm``'s customers (their book on ``today``) in it now
    (open memberships), within ``viewer``'s reach (``memberships_visible_to``), by code; each links to the
    segment's members narrowed to the CSM. One query."""
    members = memberships_visible_to(viewer, on=today).filter(
        left_on__isnull=True, customer_id__in=book_of([csm.pk], today)
    )
    in_book = Q(memberships__pk__in=members.values("pk"))
    segments = Segment.objects.filter(active=True).annotate(members=Count("memberships", filter=in_book))
    narrowed = f"?{urlencode({'csm': csm.employee_id or ''})}"
    return [
        SegmentCount(
            code, name, description, members, page_url("segment", f"/segments/{code}/", code=code) + narrowed
        )
        for code, name, description, members in segments.order_by("code").values_list(
            "code", "name", "description", "members"
        )
    ]


@dataclass(frozen=True)
class OpenTask:
    """A play's open task of the CSM: overdue when its due day is before today."""

    pk: int
    title: str
    customer_id: str
    customer_name: str
    due_on: date
    overdue: bool


def open_tasks(viewer: User, csm: User, today: date) -> list[OpenTask]:
    """``csm``'s open play tasks (assigned to them, not done) within ``viewer``'s reach
    (``tasks_visible_to``), soonest due first. One query."""
    tasks = (
        tasks_visible_to(viewer).filter(assignee=csm, status=PlayTask.Status.OPEN).order_by("due_on", "pk")
    )
    return [
        OpenTask(pk, title, customer_id, name, due_on, due_on < today)
        for pk, title, customer_id, name, due_on in tasks.values_list(
            "pk", "title", "customer__customer_id", "customer__name", "due_on"
        )
    ]


def page_url(name: str, fallback: str, **kwargs: Any) -> str:
    """The URL of the page named ``dashboards:<name>``, or ``fallback`` while that page does not exist."""
    try:
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


TASKS_SHOWN = 20  # on the CSM's page; the tasks page lists them all


def csm_page_context(viewer: User, csm: User, today: date) -> dict[str, Any]:
    """What "My quarter" adds for ``csm`` as ``viewer`` sees it (the page has scoped ``csm`` with
    ``csm_shown``): ``kpis`` (a ``KpiBoard``), ``segments``, ``tasks`` and the ``tasks_shown`` of them, the
    segments' and tasks' pages, ``today``. Four queries."""
    tasks = open_tasks(viewer, csm, today)
    return {
        "kpis": csm_board(csm),
        "segments": book_segments(viewer, csm, today),
        "tasks": tasks,
        "tasks_shown": tasks[:TASKS_SHOWN],
        "segments_url": page_url("segments", "/segments/"),
        "tasks_url": page_url("tasks", "/tasks/"),
        "today": today,
    }
