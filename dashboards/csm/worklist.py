"""What a CSM works from beside the KPI tiles on "My quarter" (docs/kpis.md "Pages"; docs/design.md §10.5,
§10.6): the active segments with how many of the book's customers are in each now, and the CSM's open play
tasks — both cut to the viewer's reach (``adoption.access``). One query each. The rules (open membership,
today's book, open and overdue tasks) are ``dashboards.worklists``', shared with the team and company pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from accounts.models import User
from adoption.models import Segment
from dashboards.portfolio import csm_board
from dashboards.worklists import open_members, open_tasks_of, page_url, segment_url


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
    members = open_members(viewer, [csm.pk], today)
    in_book = Q(memberships__pk__in=members.values("pk"))
    segments = Segment.objects.filter(active=True).annotate(members=Count("memberships", filter=in_book))
    return [
        SegmentCount(code, name, description, members, segment_url(code, csm=csm.employee_id or ""))
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
    tasks = open_tasks_of(viewer, [csm.pk]).order_by("due_on", "pk")
    return [
        OpenTask(pk, title, customer_id, name, due_on, due_on < today)
        for pk, title, customer_id, name, due_on in tasks.values_list(
            "pk", "title", "customer__customer_id", "customer__name", "due_on"
        )
    ]


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
