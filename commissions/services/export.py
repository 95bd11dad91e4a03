"""Payroll export of a closed quarter (DESIGN §6 ``export_payouts``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from accounts import access
from accounts.models import User
from core.downloads import csv_writer
from core.errors import AttainError

from ..engine import to_cents, to_ratio
from ..models import ComponentResult, PayoutLine, Period, Plan, Run, TrueUp
from .ledger import lines_of

# DESIGN §6's columns, then (issue 14) the line's type and the quarter it restates or comes from.
SUMMARY_HEADER = ["period", "employee_id", "email", "plan", "currency", "amount", "type", "restates"]
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
    "type",
    "restates",
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

    One row per payable line (``ledger.lines_of``: commission, true-up, clawback, carry-forward, hold
    release), held lines left out; ``type`` says which, ``restates`` the quarter a true-up, carried
    balance or released hold comes from (issue 14, DESIGN §6 as changed). With ``detail``, one row per
    component of the commission and of each true-up, and one per other line (component empty).
    Raises ``NotAllowed`` unless ``user`` may export payroll (``access.may_export_payroll``; None: a
    shell command without ``--user``) and ``AttainError`` when the quarter is not closed.
    """
    access.require(access.may_export_payroll(user, period))
    runs = final_runs(period)
    lines = [line for line in lines_of(period) if not line.held]
    employees = dict(
        User.objects.filter(pk__in={line.employee_id for line in lines}).values_list("pk", "employee_id")
    )
    emails = dict(User.objects.filter(pk__in=employees).values_list("pk", "email"))
    plans = dict(Plan.objects.values_list("pk", "code"))
    quarters = dict(Period.objects.values_list("pk", "code"))
    writer = csv_writer(out)
    if not detail:
        writer.writerow(SUMMARY_HEADER)
        for line in lines:
            writer.writerow(
                [
                    period.code,
                    employees[line.employee_id],
                    emails[line.employee_id],
                    plans[line.plan_id],
                    line.currency,
                    str(to_cents(line.amount)),
                    line.type,
                    quarters.get(line.restates_id, ""),
                ]
            )
        return len(lines)
    writer.writerow(DETAIL_HEADER)
    count = 0
    for line in lines:
        for row in _detail_rows(line, runs):
            writer.writerow(
                [
                    period.code,
                    employees[line.employee_id],
                    plans[line.plan_id],
                    *row,
                    line.type,
                    quarters.get(line.restates_id, ""),
                ]
            )
            count += 1
    return count


def _detail_rows(line, runs: list[Run]):
    """(component, metric_value, attainment, factor, weight, payout) rows of one payable line."""
    if line.type == PayoutLine.Type.COMMISSION:
        components = (
            ComponentResult.objects.filter(
                run__in=runs, run__plan_id=line.plan_id, employee_id=line.employee_id
            )
            .defer("detail")
            .order_by("position")
        )
        for c in components:
            applies = c.applies
            yield (
                c.component,
                _ratio(c.metric_value) if applies else "",
                _ratio(c.attainment) if applies else "",
                _ratio(c.factor) if applies else "",
                _ratio(c.share if applies else Decimal(0)),
                str(to_cents(c.payout)),
            )
        return
    if line.correction_id is not None:
        trueups = TrueUp.objects.filter(
            correction_id=line.correction_id, employee_id=line.employee_id, plan_id=line.plan_id
        ).order_by("pk")
        for t in trueups:
            yield (t.component, "", "", "", "", str(to_cents(t.amount)))
        return
    yield ("", "", "", "", "", str(to_cents(line.amount)))
