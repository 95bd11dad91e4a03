"""Payroll export of a closed quarter (DESIGN §6 ``export_payouts``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from accounts import access
from accounts.models import User
from core.downloads import csv_writer
from core.errors import AttainError

from ..engine import to_cents, to_ratio
from ..models import ComponentResult, Payout, Period, Run

SUMMARY_HEADER = ["period", "employee_id", "email", "plan", "currency", "amount"]
DETAIL_HEADER = [
    "period",
    "employee_id",
    "plan",
    "component",
    "metric_value",
    "attainment",
    "factor",
    "weight",
    "payout",
]


def final_runs(period: Period) -> list[Run]:
    if not period.is_closed:
        raise AttainError(f"{period.code} is not closed: close it before exporting payroll.")
    # A run's warnings can hold a line per customer: the export never reads them, so never decodes them.
    return list(
        Run.objects.filter(period=period, is_final=True)
        .select_related("plan")
        .defer("warnings")
        .order_by("plan__code")
    )


def _ratio(value: Decimal | None) -> str:
    return "" if value is None else str(to_ratio(value))


def write_payouts(period: Period, out: TextIO, *, detail: bool = False, user: User | None = None) -> int:
    """Write the payroll CSV of a closed quarter to ``out``; returns the number of data rows.

    Raises ``NotAllowed`` unless ``user`` may export payroll (``access.may_export_payroll``; None: a
    shell command without ``--user``) and ``AttainError`` when the quarter is not closed.
    """
    access.require(access.may_export_payroll(user, period))
    runs = final_runs(period)
    # Plan codes from the few runs, not joined onto every row: a joined run would be decoded per row,
    # warnings included (seconds and gigabytes for 2,000 CSMs with 100,000 customers).
    plans = {run.pk: run.plan.code for run in runs}
    writer = csv_writer(out)
    count = 0
    if not detail:
        writer.writerow(SUMMARY_HEADER)
        payouts = (
            Payout.objects.filter(run__in=runs)
            .select_related("employee")
            .order_by("employee__employee_id", "run__plan__code")
        )
        for p in payouts:
            writer.writerow(
                [
                    period.code,
                    p.employee.employee_id,
                    p.employee.email,
                    plans[p.run_id],
                    p.currency,
                    str(to_cents(p.amount)),
                ]
            )
            count += 1
        return count
    writer.writerow(DETAIL_HEADER)
    lines = (
        ComponentResult.objects.filter(run__in=runs)
        .select_related("employee")
        .defer("detail")
        .order_by("employee__employee_id", "run__plan__code", "position")
    )
    for line in lines:
        applies = line.applies
        writer.writerow(
            [
                period.code,
                line.employee.employee_id,
                plans[line.run_id],
                line.component,
                _ratio(line.metric_value) if applies else "",
                _ratio(line.attainment) if applies else "",
                _ratio(line.factor) if applies else "",
                _ratio(line.share if applies else Decimal(0)),
                str(to_cents(line.payout)),
            ]
        )
        count += 1
    return count
