"""The demo's quarters: pull, calculate and close the ended quarters of the demo year, so a newcomer
sees real runs, statements and a closed quarter at once; the demo's finance person signs off each closed
quarter's payouts, so its payroll can be exported (DESIGN §5). The last ended quarter is left open. The
first closed quarter gets a pending correction, so the console shows one with its effect."""

from __future__ import annotations

from datetime import date

from accounts.models import Role, User
from commissions.models import Correction, KpiActual, Period, Plan
from commissions.services.close import close_period, plans_of
from commissions.services.corrections import record_correction
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from commissions.services.signoff import sign_off_payouts
from core.calendar import FiscalYear
from core.fiscal import calendar


def run_demo_quarters(*, today: date) -> list[str]:
    """Pull and calculate every ended quarter of the demo's fiscal years; close all but the last one.

    Returns one line per quarter saying what was done. Quarters already closed are left alone.
    """
    ops = User.objects.filter(roles__role=Role.OPS).order_by("pk").first()
    finance = User.objects.filter(roles__role=Role.FINANCE).order_by("pk").first()
    last = calendar().last_ended_before(today)
    fiscal_years = sorted(set(Plan.objects.values_list("fiscal_year", flat=True)))
    done: list[str] = []
    for fiscal_year in fiscal_years:
        for quarter in FiscalYear.parse(fiscal_year).quarters():
            if quarter > last:
                break
            period = get_period(quarter.code)
            if period.is_closed:
                continue
            pull_scores(period=period, user=ops, trigger="demo")
            runs = [
                calculate(period=period, plan=plan, user=ops, trigger="demo").run for plan in plans_of(period)
            ]
            versions = ", ".join(f"{run.plan.code} v{run.version}" for run in runs)
            if quarter != last and ops is not None:
                close_period(period=period, user=ops)
                done.append(
                    f"{quarter.code}: pulled, calculated ({versions}), closed{_signed_off(period, finance)}"
                )
            else:
                done.append(f"{quarter.code}: pulled, calculated ({versions}); open for review")
    first_closed = Period.objects.filter(status=Period.Status.CLOSED).order_by("start").first()
    if first_closed is not None and ops is not None and not Correction.objects.exists():
        done.append(record_demo_correction(first_closed, ops))
    return done


def _signed_off(period: Period, finance: User | None) -> str:
    """Finance signs off the closed quarter's payouts, so the console offers its payroll export."""
    if finance is None:
        return ""
    sign_off_payouts(
        period=period, user=finance, comment="Demo: totals checked against the on-target amounts per geo."
    )
    return ", signed off by finance"


def record_demo_correction(period: Period, ops: User) -> str:
    """A pending correction of a closed quarter, so the console shows one with its effect (design.md §7):
    a CSM's PR count recounted after the close, three more than imported."""
    kpi = KpiActual.objects.filter(period=period.code, kpi="prs").select_related("employee")
    kpi = kpi.order_by("employee__employee_id").first()
    if kpi is None:
        return f"{period.code}: no KPI value to correct"
    correction = record_correction(
        period=period,
        kind=Correction.Kind.KPI,
        rows=[{"employee_id": kpi.employee.employee_id, "kpi": "prs", "value": str(kpi.value + 3)}],
        reason="PR count recounted after the close: three merged PRs were missed",
        user=ops,
    )
    return f"{period.code}: {correction.label} recorded (pending; see the console of the next open quarter)"
