"""Rows credited to a closed quarter cannot change (DESIGN §3 "Frozen and closed data…").

A row that would be created or changed in a closed quarter refuses the file; a row that is already
stored exactly as the file says is left alone, so re-importing a full extract still works.
"""

from __future__ import annotations

from typing import Any

from commissions.fiscal import calendar
from commissions.models import Deal, FxRate, KpiActual
from commissions.services.close import closed_period_codes

from .base import ParsedFile, RowError


def _closed_message(code: str, what: str) -> str:
    return f"{code} is closed: {what} credited to it cannot change (ops may re-open it, with a reason)"


def check_kpis(parsed: ParsedFile) -> list[RowError]:
    closed = closed_period_codes()
    if not closed:
        return []
    stored = {
        (period, employee, kpi): value
        for period, employee, kpi, value in KpiActual.objects.filter(period__in=closed).values_list(
            "period", "employee__employee_id", "kpi", "value"
        )
    }
    errors = []
    for row in parsed.rows:
        values = parsed.values(row)
        key = (values["period"], values["employee_id"], values["kpi"])
        if values["period"] in closed and stored.get(key) != values["value"]:
            errors.append(
                RowError(row[0], "period", values["period"], _closed_message(values["period"], "KPI values"))
            )
    return errors


def check_fx(parsed: ParsedFile) -> list[RowError]:
    closed = closed_period_codes()
    if not closed:
        return []
    rows = FxRate.objects.filter(period__in=closed).values_list("period", "currency", "rate")
    stored = {(period, currency): rate for period, currency, rate in rows}
    errors = []
    for row in parsed.rows:
        values = parsed.values(row)
        if (
            values["period"] in closed
            and stored.get((values["period"], values["currency"])) != values["rate"]
        ):
            errors.append(
                RowError(row[0], "period", values["period"], _closed_message(values["period"], "FX rates"))
            )
    return errors


DEAL_FIELDS = ("customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on")


def check_deals(parsed: ParsedFile) -> list[RowError]:
    """A deal whose booking or effective date — in the file or as stored — falls in a closed quarter."""
    closed = closed_period_codes()
    if not closed:
        return []
    cal = calendar()
    ids = [parsed.values(row)["deal_id"] for row in parsed.rows]
    stored: dict[str, tuple[Any, ...]] = {
        deal_id: rest
        for deal_id, *rest in Deal.objects.filter(deal_id__in=ids).values_list(
            "deal_id", "customer__customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on"
        )
    }
    errors = []
    for row in parsed.rows:
        values = parsed.values(row)
        new = tuple(values[f] for f in DEAL_FIELDS)
        old = stored.get(values["deal_id"])
        if old is not None and tuple(old) == new:
            continue
        dates = [("booked_on", values["booked_on"]), ("effective_on", values["effective_on"])]
        if old is not None:
            dates += [("booked_on", old[4]), ("effective_on", old[5])]
        for column, day in dates:
            code = cal.period_of(day).code
            if code in closed:
                errors.append(RowError(row[0], column, str(values[column]), _closed_message(code, "deals")))
                break
    return errors
