"""Payroll export of a closed quarter (DESIGN §6 ``export_payouts``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TextIO

from accounts import access
from accounts.models import User
from core import formatting as fmt
from core.downloads import csv_writer
from core.errors import Conflict

from .. import hooks
from ..models import ComponentResult, PayoutLine, PayrollExport, Period, Plan, Run, TrueUp
from .ledger import lines_of
from .signoff import require_signed_off

# DESIGN §6's columns, then (issue 14) the line's type and the quarter it restates or comes from; the detail
# then the component's effective share (weight_share): ``weight`` is the plan's weight of the component.
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
    "weight_share",
]


def require_exportable(period: Period) -> None:
    """Refuse a quarter that is not closed or not signed off by finance (``signoff.NotSignedOff``): both a
    ``Conflict`` with the quarter's state (the API's 409), since payroll pays what finance approved of a
    closed quarter (DESIGN §1, §5)."""
    if not period.is_closed:
        raise Conflict(f"{period.code} is not closed: close it before exporting payroll.")
    require_signed_off(period)


def final_runs(period: Period) -> list[Run]:
    require_exportable(period)
    # A run's warnings can hold a line per customer: the export never reads them, so never decodes them.
    return list(
        Run.objects.filter(period=period, is_final=True)
        .select_related("plan")
        .defer("warnings")
        .order_by("plan__code")
    )


def _ratio(value: Decimal | None) -> str:
    return "" if value is None else str(fmt.export_ratio(value))  # 4 decimals (DESIGN §6)


def write_payouts(period: Period, out: TextIO, *, detail: bool = False, user: User | None = None) -> int:
    """Write the payroll CSV of a closed quarter to ``out``; returns the number of data rows.

    One row per payable line (``ledger.lines_of``: commission, true-up, clawback, carry-forward, hold
    release), held lines left out; ``type`` says which, ``restates`` the quarter a true-up, carried
    balance or released hold comes from (issue 14, DESIGN §6 as changed). With ``detail``, one row per
    component of the commission and of each true-up, and one per other line (component empty).
    After them, the lines the quarter pays besides the plans (``hooks.payroll_lines``: SPIFF awards,
    ``type`` ``spiff`` and the SPIFF's code in ``plan``, docs/design.md §11.3), by employee id and code.
    Each export is recorded (``PayrollExport``): a hold placed afterwards no longer keeps its lines out.
    Raises ``NotAllowed`` unless ``user`` may export payroll (``access.may_export_payroll``; None: a
    shell command without ``--user``), ``AttainError`` when the quarter is not closed and
    ``signoff.NotSignedOff`` (a ``Conflict``) until finance has signed off its payouts (DESIGN §5).
    """
    access.require(access.may_export_payroll(user, period))
    runs = final_runs(period)
    lines = [line for line in lines_of(period) if not line.held]
    others = hooks.payroll_lines(period)
    who = User.objects.filter(pk__in={line.employee_id for line in [*lines, *others]})
    people = {pk: (code, email) for pk, code, email in who.values_list("pk", "employee_id", "email")}
    plans = dict(Plan.objects.values_list("pk", "code"))
    quarters = dict(Period.objects.values_list("pk", "code"))
    # Payroll reads by employee id, then plan, then the line's place (commission first).
    lines.sort(key=lambda line: (people[line.employee_id][0], plans[line.plan_id], line.position))
    others.sort(key=lambda line: (people[line.employee_id][0], line.code))
    writer = csv_writer(out)
    if not detail:
        writer.writerow(SUMMARY_HEADER)
        for line in lines:
            code, email = people[line.employee_id]
            writer.writerow(
                [
                    period.code,
                    code,
                    email,
                    plans[line.plan_id],
                    line.currency,
                    str(fmt.export_money(line.amount)),
                    line.type,
                    quarters.get(line.restates_id, ""),
                ]
            )
        for other in others:
            code, email = people[other.employee_id]
            amount = str(fmt.export_money(other.amount))
            writer.writerow([period.code, code, email, other.code, other.currency, amount, other.type, ""])
        return _recorded(period, user, detail=False, rows=len(lines) + len(others))
    writer.writerow(DETAIL_HEADER)
    components, trueups = _components(runs), _trueups(period)
    count = 0
    for line in lines:
        for row in _detail_rows(line, components, trueups):
            writer.writerow(
                [
                    period.code,
                    people[line.employee_id][0],
                    plans[line.plan_id],
                    *row[:-1],
                    line.type,
                    quarters.get(line.restates_id, ""),
                    row[-1],
                ]
            )
            count += 1
    for other in others:
        amount = str(fmt.export_money(other.amount))
        code = people[other.employee_id][0]
        writer.writerow([period.code, code, other.code, "", "", "", "", "", amount, other.type, "", ""])
        count += 1
    return _recorded(period, user, detail=True, rows=count)


def _recorded(period: Period, user: User | None, *, detail: bool, rows: int) -> int:
    """Record the export (a hold placed after it no longer keeps its lines out); returns ``rows``."""
    PayrollExport.objects.create(period=period, exported_by=user, detail=detail, rows=rows)
    return rows


def _components(runs: list[Run]) -> dict[tuple[int, int], list[ComponentResult]]:
    """The final runs' component lines by (employee, plan), in the plan's order: one query."""
    by_line: dict[tuple[int, int], list[ComponentResult]] = defaultdict(list)
    plan_of = {run.pk: run.plan_id for run in runs}
    for c in ComponentResult.objects.filter(run__in=runs).defer("detail").order_by("position"):
        by_line[(c.employee_id, plan_of[c.run_id])].append(c)
    return by_line


def _trueups(period: Period) -> dict[tuple[int, int, int], list[TrueUp]]:
    """The true-ups paid in ``period`` by (correction, employee, plan): one query."""
    by_line: dict[tuple[int, int, int], list[TrueUp]] = defaultdict(list)
    for t in TrueUp.objects.filter(paid_in=period).order_by("pk"):
        by_line[(t.correction_id, t.employee_id, t.plan_id)].append(t)
    return by_line


def _detail_rows(line, components, trueups):
    """(component, metric_value, attainment, factor, weight, payout, weight_share) rows of one payable line:
    ``weight`` the plan's weight of the component (plainly, ``1``), ``weight_share`` its effective share
    (weight ÷ the sum of the applying weights, 4 decimals; 0 when it does not apply)."""
    if line.type == PayoutLine.Type.COMMISSION:
        for c in components.get((line.employee_id, line.plan_id), []):
            applies = c.applies
            yield (
                c.component,
                _ratio(c.metric_value) if applies else "",
                _ratio(c.attainment) if applies else "",
                _ratio(c.factor) if applies else "",
                fmt.weight(c.weight),
                str(fmt.export_money(c.payout)),
                _ratio(c.share if applies else Decimal(0)),
            )
        return
    if line.correction_id is not None:
        for t in trueups.get((line.correction_id, line.employee_id, line.plan_id), []):
            yield (t.component, "", "", "", "", str(fmt.export_money(t.amount)), "")
        return
    yield ("", "", "", "", "", str(fmt.export_money(line.amount)), "")
