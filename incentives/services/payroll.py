"""The SPIFF lines of a quarter's payroll (docs/design.md §11.3): each approved award with an amount,
paid in the quarter of its day as its own line (type ``spiff``, the SPIFF's code in the ``plan`` column).
"""

from __future__ import annotations

from commissions.hooks import PayrollLine
from commissions.models import Period

from ..models import Redemption, SpiffAward

SPIFF = "spiff"


def spiff_payroll_lines(period: Period) -> list[PayrollLine]:
    """One line per person, SPIFF and currency: the sum of their approved awards of ``period``, to the cent
    (awards are cents). One query. Registered with ``commissions.hooks`` for ``write_payouts``."""
    totals: dict[tuple[int, str, str], object] = {}
    rows = (
        SpiffAward.objects.filter(period=period, status=SpiffAward.Status.APPROVED, amount__gt=0)
        .values_list("employee_id", "spiff__code", "spiff__currency", "amount")
        .order_by("employee_id", "spiff__code")
    )
    for employee, code, currency, amount in rows:
        key = (employee, code, currency)
        totals[key] = totals.get(key, 0) + amount
    return [
        PayrollLine(employee_id=e, code=c, currency=cur, type=SPIFF, amount=amount)
        for (e, c, cur), amount in totals.items()
    ]


REWARD = "reward"


def reward_payroll_lines(period: Period) -> list[PayrollLine]:
    """One line per person, reward and currency: the cash of their redemptions approved in ``period``
    (docs/design.md §11.4), type ``reward``, the reward's code in the ``plan`` column. One query.
    Registered with ``commissions.hooks`` after the SPIFF lines."""
    totals: dict[tuple[int, str, str], object] = {}
    rows = (
        Redemption.objects.filter(period=period, status=Redemption.Status.APPROVED, cash_amount__gt=0)
        .values_list("employee_id", "reward__code", "currency", "cash_amount")
        .order_by("employee_id", "reward__code")
    )
    for employee, code, currency, amount in rows:
        key = (employee, code, currency)
        totals[key] = totals.get(key, 0) + amount
    return [
        PayrollLine(employee_id=e, code=c, currency=cur, type=REWARD, amount=amount)
        for (e, c, cur), amount in totals.items()
    ]
