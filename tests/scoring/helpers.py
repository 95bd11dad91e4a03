"""Small builders for the scorecard calculation's tests: a definition, usage rows and milestones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from adoption.scoring.definition import parse_scorecard

DAY = date(2026, 6, 30)


def spec(*criteria: dict, **extra):
    return parse_scorecard(
        {
            "code": "core",
            "name": "Core",
            "version": 1,
            "effective_from": "2026-01-01",
            "criteria": list(criteria),
            **extra,
        }
    )


def utilisation(weight: int = 1, missing="zero", points=None, window_days: int = 3, code="util") -> dict:
    return {
        "code": code,
        "name": "License utilisation",
        "kind": "measure",
        "measure": "license_utilisation",
        "window_days": window_days,
        "weight": weight,
        "missing": missing,
        "points": points or {"linear": [[0, 0], [1, 100]]},
    }


def milestone(code: str = "sso", weight: int = 1) -> dict:
    return {"code": code, "name": code.upper(), "kind": "milestone", "milestone": code, "weight": weight}


def usage(*rows: tuple[int, int, str, int]) -> pd.DataFrame:
    """Rows of (customer_id, days before DAY, metric, value)."""
    return pd.DataFrame(
        [(c, pd.Timestamp(DAY - timedelta(days=ago)), metric, value) for c, ago, metric, value in rows],
        columns=["customer_id", "date", "metric", "value"],
    ).astype({"customer_id": "int64", "value": "int64", "date": "datetime64[ns]"})


def milestones(*rows: tuple[int, str, date, date | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "milestone", "achieved_on", "lost_on"])


def history(*rows: tuple[int, str, date, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, crit, on, Decimal(v), Decimal(v)) for c, crit, on, v in rows],
        columns=["customer_id", "criterion", "measured_on", "value", "raw"],
    )


NO_MILESTONES = milestones()
