"""Segments and open play tasks counted for the pages (docs/kpis.md "Pages"; docs/design.md §10.5, §10.6):
one CSM's book on "My quarter" (``dashboards.csm.worklist``), each CSM of a geo on the team page and each
geo on the company page. The rules live here once:

- a customer counts in a segment while its membership is open (no ``left_on``) and the segment is active;
- a CSM's customers are their book today (``adoption.access.book_of``: the owner whose ownership row starts
  latest by today), so a customer that moved counts for its owner today only;
- a task is open while its status is ``open``; it is overdue when due before today (due today is not);
- a geo's customers are the customers of that geo (as the geo's KPI portfolio, docs/kpis.md), and so are
  a geo's tasks (the task's customer's geo);
- everything is cut to the viewer's reach (``memberships_visible_to``, ``tasks_visible_to``).

Each count costs one query whatever the number of CSMs, geos or segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from adoption.access import book_of, memberships_visible_to, tasks_visible_to
from adoption.models import Ownership, PlayTask, Segment
from core import formatting as fmt
from dashboards.tables import Column, Table

NO_GEO = "(no geo)"


def page_url(name: str, fallback: str, **kwargs: Any) -> str:
    """The URL of the page named ``dashboards:<name>``, or ``fallback`` while that page does not exist."""
    try:
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def segment_url(code: str, **narrowed: str) -> str:
    """The segment's members page narrowed by ``narrowed`` (``csm=<employee id>``, ``geo=<geo>``)."""
    return f"{page_url('segment', f'/segments/{code}/', code=code)}?{urlencode(narrowed)}"


# --- the querysets every count is made from -----------------------------------------------------------------


def open_members(viewer: User, owners: list[int], today: date) -> QuerySet:
    """The open segment memberships of the customers in the books of ``owners`` (user ids) on ``today``,
    within ``viewer``'s reach. A queryset (no query yet)."""
    return memberships_visible_to(viewer, on=today).filter(
        left_on__isnull=True, customer_id__in=book_of(owners, today)
    )


def open_tasks_of(viewer: User, assignees: list[int] | None = None) -> QuerySet:
    """The open play tasks assigned to ``assignees`` (user ids; None: anyone) within ``viewer``'s reach.
    A queryset (no query yet)."""
    tasks = tasks_visible_to(viewer).filter(status=PlayTask.Status.OPEN)
    return tasks if assignees is None else tasks.filter(assignee_id__in=assignees)


def _task_counts(tasks: QuerySet, key: str, today: date) -> dict[Any, tuple[int, int]]:
    """``key`` value -> (open tasks, overdue tasks: due before ``today``). One query."""
    rows = (
        tasks.order_by()
        .values(key)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .values_list(key, "open", "overdue")
    )
    return {value: (open_, overdue) for value, open_, overdue in rows}


# --- counts per CSM and per geo -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentColumn:
    """An active segment as a column of the per-CSM and per-geo tables."""

    code: str
    name: str
    description: str


def active_segments() -> list[SegmentColumn]:
    """The active segments, by code. One query."""
    rows = Segment.objects.filter(active=True).order_by("code").values_list("code", "name", "description")
    return [SegmentColumn(code, name, description) for code, name, description in rows]


def segment_counts_per_csm(viewer: User, csms: list[User], today: date) -> dict[tuple[int, str], int]:
    """(CSM's user id, segment code) -> how many of the CSM's customers today (their book) are in the
    active segment now, within ``viewer``'s reach; pairs with none are absent. One query."""
    owner_today = Ownership.objects.filter(customer_id=OuterRef("customer_id"), start_date__lte=today)
    members = (
        open_members(viewer, [csm.pk for csm in csms], today)
        .filter(segment__active=True)
        .annotate(owner=Subquery(owner_today.order_by("-start_date").values("employee_id")[:1]))
        .order_by()
        .values("owner", "segment__code")
        .annotate(members=Count("pk"))
    )
    return {(owner, code): n for owner, code, n in members.values_list("owner", "segment__code", "members")}


def task_counts_per_csm(viewer: User, csms: list[User], today: date) -> dict[int, tuple[int, int]]:
    """CSM's user id -> (open tasks, overdue tasks) assigned to them, within ``viewer``'s reach. One query."""
    return _task_counts(open_tasks_of(viewer, [csm.pk for csm in csms]), "assignee_id", today)


def segment_counts_per_geo(viewer: User, today: date) -> dict[tuple[str, str], int]:
    """(customer's geo, segment code) -> how many of the geo's customers are in the active segment now,
    within ``viewer``'s reach. One query."""
    members = (
        memberships_visible_to(viewer, on=today)
        .filter(left_on__isnull=True, segment__active=True)
        .order_by()
        .values("customer__geo", "segment__code")
        .annotate(members=Count("pk"))
    )
    return {
        (geo, code): n for geo, code, n in members.values_list("customer__geo", "segment__code", "members")
    }


def task_counts_per_geo(viewer: User, today: date) -> dict[str, tuple[int, int]]:
    """Customer's geo -> (open tasks, overdue tasks) of the geo's customers, within ``viewer``'s reach.
    One query."""
    return _task_counts(open_tasks_of(viewer), "customer__geo", today)


# --- the tables ---------------------------------------------------------------------------------------------

OPEN = Column("open_tasks", "Open tasks", "number", help="Play tasks not done yet")
OVERDUE = Column("overdue_tasks", "Overdue tasks", "number", help="Open play tasks due before today")


def _segment_columns(segments: list[SegmentColumn]) -> list[Column]:
    return [
        Column(
            f"seg_{index}",
            segment.name,
            "number",
            help=segment.description or f"Customers in {segment.name} now",
        )
        for index, segment in enumerate(segments)
    ]


def _links(segments: list[SegmentColumn], first: str) -> dict[str, str]:
    links = {first: "url", "open_tasks": "tasks_url"}
    links.update({f"seg_{index}": f"seg_{index}_url" for index in range(len(segments))})
    return links


def team_worklist_table(viewer: User, csms: list[User], today: date) -> Table:
    """Per CSM of the team (``csms``, already scoped by the team page): how many of their customers today
    are in each active segment now, and their open and overdue tasks, within ``viewer``'s reach. The name
    opens the CSM's page, a count the segment's members narrowed to the CSM, the tasks the tasks page.
    Three queries."""
    segments = active_segments()
    members = segment_counts_per_csm(viewer, csms, today)
    tasks = task_counts_per_csm(viewer, csms, today)
    tasks_url = page_url("tasks", "/tasks/")
    rows = []
    for csm in csms:
        employee_id = csm.employee_id or ""
        open_, overdue = tasks.get(csm.pk, (0, 0))
        row: dict[str, Any] = {
            "csm": csm.name,
            "employee_id": employee_id,
            "url": reverse("dashboards:csm-quarter", kwargs={"employee_id": employee_id}),
            "open_tasks": open_,
            "overdue_tasks": overdue,
            "tasks_url": tasks_url,
        }
        for index, segment in enumerate(segments):
            row[f"seg_{index}"] = members.get((csm.pk, segment.code), 0)
            row[f"seg_{index}_url"] = segment_url(segment.code, csm=employee_id)
        rows.append(row)
    columns = [Column("csm", "CSM"), *_segment_columns(segments), OPEN, OVERDUE]
    title = f"Segments and tasks per CSM, {fmt.iso_date(today)}"
    return Table("segments-tasks-per-csm", title, columns, rows, links=_links(segments, "csm"))


def company_worklist_table(viewer: User, geos: list[str], today: date) -> Table:
    """Per geo (``geos``, and any other geo with a member or a task): how many of the geo's customers are
    in each active segment now, and the open and overdue tasks of its customers, within ``viewer``'s
    reach. The geo opens its team page, a count the segment's members narrowed to the geo, the tasks the
    tasks page. Three queries."""
    segments = active_segments()
    members = segment_counts_per_geo(viewer, today)
    tasks = task_counts_per_geo(viewer, today)
    team = reverse("dashboards:team")
    tasks_url = page_url("tasks", "/tasks/")
    rows = []
    for geo in sorted(set(geos) | {geo for geo, _ in members} | set(tasks)):
        open_, overdue = tasks.get(geo, (0, 0))
        row: dict[str, Any] = {
            "geo": geo or NO_GEO,
            "url": f"{team}?{urlencode({'geo': geo})}" if geo else "",
            "open_tasks": open_,
            "overdue_tasks": overdue,
            "tasks_url": tasks_url,
        }
        for index, segment in enumerate(segments):
            row[f"seg_{index}"] = members.get((geo, segment.code), 0)
            row[f"seg_{index}_url"] = segment_url(segment.code, geo=geo) if geo else ""
        rows.append(row)
    columns = [Column("geo", "Geo"), *_segment_columns(segments), OPEN, OVERDUE]
    title = f"Segments and tasks per geo, {fmt.iso_date(today)}"
    return Table("segments-tasks-per-geo", title, columns, rows, links=_links(segments, "geo"))
