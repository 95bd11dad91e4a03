"""The demo's quarters: pull, calculate and close the ended quarters of the demo year, so a newcomer
sees real runs, statements and a closed quarter at once. The last ended quarter is left open."""

from __future__ import annotations

from datetime import date

from accounts.models import Role, User
from commissions.models import Plan
from commissions.services.close import close_period, plans_of
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.calendar import FiscalYear
from core.fiscal import calendar


def run_demo_quarters(*, today: date) -> list[str]:
    """Pull and calculate every ended quarter of the demo's fiscal years; close all but the last one.

    Returns one line per quarter saying what was done. Quarters already closed are left alone.
    """
    ops = User.objects.filter(roles__role=Role.OPS).order_by("pk").first()
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
                done.append(f"{quarter.code}: pulled, calculated ({versions}), closed")
            else:
                done.append(f"{quarter.code}: pulled, calculated ({versions}); open for review")
    return done
