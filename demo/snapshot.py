"""The demo's draft target snapshot of the next fiscal year, for the CCO to review and approve in the browser
(DESIGN §3 "Target snapshots"): imported through the targets import like any draft, in two revisions, so
the review has a last draft and last year's approved snapshot to compare with."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from adoption.models import Snapshot, TargetLine
from commissions.services.imports import import_file
from core.calendar import FiscalYear

RAISE = Decimal("5")  # next year's targets: this year's plus five points, at most 100
HUNDRED = Decimal("100")
REVISED = 5  # lines the second revision changes


def draft_next_year(fiscal_year: str) -> str | None:
    """Import a draft snapshot of the fiscal year after ``fiscal_year`` from its approved snapshot, then a
    revision of a few lines; returns a line saying so, or None when that year has a snapshot already."""
    following = FiscalYear(FiscalYear.parse(fiscal_year).year + 1)
    if Snapshot.objects.filter(fiscal_year=following.code).exists():
        return None
    lines = (
        TargetLine.objects.filter(snapshot__fiscal_year=fiscal_year)
        .select_related("customer")
        .order_by("customer__customer_id", "period")
    )
    rows = [
        [
            following.code,
            line.customer.customer_id,
            line.baseline_score,
            f"{following.code}-{line.period[-2:]}",
            "" if line.target_score is None else min(line.target_score + RAISE, HUNDRED),
        ]
        for line in lines
    ]
    if not rows:
        return None
    _import(rows, "targets-draft.csv")
    for row in rows[:REVISED]:
        row[4] = "" if row[4] == "" else max(Decimal(row[4]) - RAISE, Decimal(0))
    _import(rows, "targets-draft-revised.csv")
    return f"Imported a draft {following.code} target snapshot ({len(rows)} lines, 2 revisions) for the CCO."


def _import(rows: list[list], name: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["fiscal_year", "customer_id", "baseline_score", "period", "target_score"])
    writer.writerows(rows)
    import_file(kind="targets", file=io.BytesIO(out.getvalue().encode()), file_name=name)
