"""Tables of the segment and task pages (dashboards.tables: sortable, filterable, CSV and Excel)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from adoption.portfolio.plays import EFFECT_HELP
from dashboards.tables import Column, Table


def segments_table(rows: list[dict], *, since: date, day: date) -> Table:
    """Every segment as of ``day`` (the last evaluated day): its rule in words, members, who entered and
    left since ``since``, its plays and their effect (docs/design.md §10.6)."""
    return Table(
        "segments",
        "Segments",
        [
            Column("name", "Segment"),
            Column("code", "Code"),
            Column("rule", "Rule"),
            Column("members", "Members", "number", help=f"Members as of {day.isoformat()}"),
            Column("entered", "Entered", "number", help=f"Customers who entered {since} to {day}"),
            Column("left", "Left", "number", help=f"Customers who left {since} to {day}"),
            Column("plays", "Plays"),
            Column("effect", "Play effect", help=EFFECT_HELP),
            Column("active", "Active"),
        ],
        rows,
        hrefs={"name": lambda row: reverse("dashboards:segment", args=[row["code"]])},
    )


def members_table(rows: list[dict], *, segment_name: str, day: date) -> Table:
    """A segment's members as of ``day`` (its last evaluated day): customer, geo, CSM, when it entered
    and for how many days."""
    return Table(
        "members",
        f"Members of {segment_name} as of {day.isoformat()}",
        [
            Column("customer_id", "Customer ID"),
            Column("customer", "Customer"),
            Column("geo", "Geo"),
            Column("csm", "CSM"),
            Column("csm_id", "CSM employee ID"),
            Column("entered_on", "Entered on", "date"),
            Column(
                "days", "Days in segment", "number", help=f"Days from the day it entered to {day.isoformat()}"
            ),
        ],
        rows,
        hrefs={"customer_id": lambda row: reverse("dashboards:segment-customer", args=[row["customer_id"]])},
    )


def history_table(rows: list[dict], *, customer_label: str, day: date) -> Table:
    """A customer's memberships of every segment, latest first."""
    return Table(
        "history",
        f"Segment history of {customer_label}",
        [
            Column("segment", "Segment"),
            Column("entered_on", "Entered on", "date"),
            Column("left_on", "Left on", "date", help="The first day it no longer met the rule"),
            Column(
                "days", "Days", "number", help=f"Days in the segment (to {day.isoformat()} while a member)"
            ),
            Column("status", f"As of {day.isoformat()}"),
        ],
        rows,
        hrefs={"segment": lambda row: reverse("dashboards:segment", args=[row["segment_code"]])},
    )


def done_table(tasks) -> Table:
    """Tasks completed recently: what, about whom, by whom, when, and the note."""
    rows = [
        {
            "title": task.title,
            "customer": f"{task.customer.customer_id} {task.customer.name}",
            "segment": task.play.segment.name,
            "csm": task.assignee.name or task.assignee.email,
            "due_on": task.due_on,
            "completed_at": task.completed_at,
            "completed_by": (task.completed_by.name or task.completed_by.email) if task.completed_by else "",
            "note": task.note,
        }
        for task in tasks
    ]
    return Table(
        "done",
        "Recently done",
        [
            Column("title", "Task"),
            Column("customer", "Customer"),
            Column("segment", "Segment"),
            Column("csm", "CSM"),
            Column("due_on", "Due", "date"),
            Column("completed_at", "Completed", "datetime"),
            Column("completed_by", "By"),
            Column("note", "Note"),
        ],
        rows,
    )
