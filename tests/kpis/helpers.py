"""Small builders for the portfolio KPIs' tests: usage rows and activities around one day."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from adoption.kpis import KpiRules, portfolio_kpis

DAY = date(2026, 6, 30)
QUARTER_START = date(2026, 4, 1)


def usage(*rows: tuple[int, int, str, int]) -> pd.DataFrame:
    """Rows of (customer_id, days before DAY, metric, value)."""
    return pd.DataFrame(
        [(c, pd.Timestamp(DAY - timedelta(days=ago)), metric, value) for c, ago, metric, value in rows],
        columns=["customer_id", "date", "metric", "value"],
    ).astype({"customer_id": "int64", "value": "int64", "date": "datetime64[ns]"})


def utilisation(customer: int, active: int, seats: int, ago: int = 0) -> list[tuple[int, int, str, int]]:
    return [(customer, ago, "active_users", active), (customer, ago, "licensed_seats", seats)]


def activities(*rows: tuple[int, date, str]) -> pd.DataFrame:
    """Rows of (customer_id, date, type)."""
    return pd.DataFrame(rows, columns=["customer_id", "date", "type"]).astype({"customer_id": "int64"})


NO_ACTIVITIES = activities()


def kpis_of(rows, *, customers=None, acts=NO_ACTIVITIES, rules=None, day=DAY, quarter_start=QUARTER_START):
    """The KPIs of one portfolio (``customers``, default every customer of ``rows``) on ``day``."""
    frame = usage(*rows)
    members = customers if customers is not None else sorted(set(frame["customer_id"]))
    return portfolio_kpis(
        day=day,
        usage=frame,
        activities=acts,
        portfolios={"book": members},
        quarter_start=quarter_start,
        rules=rules or KpiRules(),
    )["book"]
