"""Tables of the operations console, built from its selectors (sortable, filterable, CSV/Excel)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from commissions.models import ImportRecord
from core import formatting as fmt
from dashboards.tables import Column, Table

from .import_selectors import status_words
from .selectors import Console, Review


def _when(value: datetime | None) -> str:
    return fmt.iso_datetime(timezone.localtime(value), seconds=True) if value else ""


def runs_table(data: Console) -> Table:
    columns = [
        Column("plan", "Plan"),
        Column("version", "Version", "number"),
        Column("status", "Status"),
        Column("progress", "Progress", "number"),
        Column("started_by", "Started by"),
        Column("trigger", "Trigger"),
        Column("warnings", "Warnings", "number"),
        Column("created", "Started", "date"),
        Column("finished", "Finished", "date"),
        Column("final", "Final"),
    ]
    rows = [
        {
            "plan": run.plan.code,
            "version": run.version,
            "status": run.status,
            "progress": run.progress,
            "started_by": run.started_by.get_full_name() if run.started_by else "",
            "trigger": run.trigger,
            "warnings": run.warning_count or 0,
            "created": _when(run.created_at),
            "finished": _when(run.finished_at),
            "final": "final" if run.is_final else "",
        }
        for run in data.runs
    ]
    return Table("runs", f"Runs of {data.period.code}", columns, rows)


def warnings_table(review: Review) -> Table:
    run = review.run
    columns = [
        Column("code", "Code"),
        Column("employee_id", "Employee"),
        Column("name", "Name"),
        Column("customer_id", "Customer"),
        Column("message", "Message"),
    ]
    rows = [
        {
            **{key: w.get(key) or "" for key in ("code", "employee_id", "customer_id", "message")},
            "name": review.names.get(w.get("employee_id") or "", ""),
        }
        for w in review.warnings
    ]
    return Table(f"warnings-{run.pk}", f"Warnings of {run.plan.code} v{run.version}", columns, rows)


def changes_table(review: Review) -> Table:
    run, previous = review.run, review.previous
    against = f"v{previous.version}" if previous else "no earlier run"
    columns = [
        Column("employee_id", "Employee"),
        Column("name", "Name"),
        Column("before", f"Before ({against})", "money"),
        Column("after", f"After (v{run.version})", "money"),
        Column("change", "Change", "change"),
    ]
    rows = [
        {
            "employee_id": eid,
            "name": review.names.get(eid, ""),
            "before": before,
            "after": after,
            "change": (after or 0) - (before or 0),
        }
        for eid, before, after in review.changed
    ]
    title = f"Payout changes of {run.plan.code} v{run.version} from {against}"
    return Table(f"changes-{run.pk}", title, columns, rows, currency=run.plan.currency)


def imports_table(records: list[ImportRecord]) -> Table:
    columns = [
        Column("started", "When", "date"),
        Column("kind", "Kind"),
        Column("file_name", "File"),
        Column("status", "Status"),
        Column("user", "By"),
        Column("rows", "Rows", "number"),
        Column("created", "Created", "number"),
        Column("updated", "Updated", "number"),
        Column("unchanged", "Unchanged", "number"),
        Column("errors", "Errors", "number"),
    ]
    rows = [
        {
            "started": _when(record.started_at),
            "kind": record.kind,
            "file_name": record.file_name,
            "status": status_words(record.status),  # the Imports page's words (import_selectors)
            "user": record.user.email if record.user else "(command)",
            # A refused file was not counted (its reading stopped at the bad rows): no misleading zeros.
            **{
                key: None if record.status == ImportRecord.Status.REFUSED else getattr(record, key)
                for key in ("rows", "created", "updated", "unchanged")
            },
            "errors": record.error_count,
            "url": reverse("dashboards:console-import-record", args=[record.pk]),
        }
        for record in records
    ]
    return Table("imports", "Import history", columns, rows, links={"file_name": "url"})


def with_keys(table: Table) -> list[list[dict]]:
    """The table's cells, each with its column key (templates that render a column specially)."""
    return [
        [dict(cell, key=column.key) for cell, column in zip(row, table.columns, strict=True)]
        for row in table.cells()
    ]
