"""The demo's segments and plays (docs/design.md §10.5, §10.6): low utilisation with a play of two tasks,
a drop in utilisation, the top ten customers and rising utilisation, evaluated over the last two weeks
of the demo's usage (demo/scorecards.py), so ``make run`` shows members, their history and open tasks. A
few of the older tasks are completed by their CSM, so the tasks page shows some done too."""

from __future__ import annotations

from datetime import date, timedelta

from adoption.models import PlayTask, Segment
from adoption.portfolio.kpi_days import compute_kpi_days
from adoption.portfolio.plays import complete_task
from adoption.portfolio.segment_loading import load_segments
from adoption.portfolio.segments import evaluate_day

EVALUATED_DAYS = 14
KPI_DAYS = 63  # the demo's usage (demo/scorecards.py): the KPI tiles' sparklines show its weeks

YAML = """\
segments:
  - code: low_utilisation
    name: Low utilisation
    rule: low_utilisation
    params: {threshold: 0.5}
    description: Customers using less than half of their seats today.
    plays:
      - code: low_utilisation_outreach
        name: Win the users back
        tasks:
          - {title: Call the sponsor about unused seats, due_days: 3}
          - {title: Offer a training for the new users, due_days: 10}
        notify_ae: true
        recovery_days: 14
  - code: utilisation_drop
    name: Utilisation dropping
    rule: usage_drop
    params: {measure: utilisation, drop_percent: 15}
    description: Utilisation more than 15 % below 30 days ago.
    plays:
      - code: utilisation_drop_check_in
        name: Check in
        tasks:
          - {title: Ask what changed, due_days: 2}
        recovery_days: 30
  - code: top_ten
    name: Top ten by usage
    rule: top_usage
    params: {top: 10}
  - code: rising
    name: Rising utilisation
    rule: rising_utilisation
"""


def seed_demo_segments(*, today: date) -> str | None:
    """Compute the portfolio KPIs of the ``KPI_DAYS`` days to yesterday, load the demo segments and
    evaluate the ``EVALUATED_DAYS`` days to yesterday; returns a line saying so, or None when they exist
    already."""
    if Segment.objects.filter(code="low_utilisation").exists():
        return None
    last = today - timedelta(days=1)
    kpi_rows = compute_kpi_days(last - timedelta(days=KPI_DAYS - 1), last, today=today)
    load_segments(YAML, user=None)
    tasks = 0
    for back in reversed(range(EVALUATED_DAYS)):
        tasks += evaluate_day(last - timedelta(days=back), today=today).tasks
    old = PlayTask.objects.filter(created_on__lte=last - timedelta(days=7)).select_related("assignee")
    done = 0
    for task in old.order_by("pk")[::3]:
        complete_task(task=task, user=task.assignee, note="Spoke with the sponsor; training booked.")
        done += 1
    members = Segment.objects.filter(memberships__left_on__isnull=True).count()
    return (
        f"Computed {kpi_rows:,} portfolio KPI rows over {KPI_DAYS} days; "
        f"loaded 4 segments and 2 plays; evaluated {EVALUATED_DAYS} days to {last.isoformat()}: "
        f"{members:,} memberships open, {tasks:,} tasks made, {done:,} of them done."
    )
