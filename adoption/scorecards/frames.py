"""The inputs of ``adoption.scoring.compute_scores`` read from the database in bulk (docs/design.md §9.3).

Usage is the large one — a quarter of daily rows for 100,000 customers is ≈37 million rows — so it is
read for a block of customers at a time, only the days of the longest window and only the metrics the
criteria read. PostgreSQL streams it with ``COPY (SELECT …) TO STDOUT`` into ``pandas.read_csv`` (days as
integers, parsed as typed columns, ten times faster than fetching rows); SQLite goes through the ORM.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection

from ..models import Customer, DailyScore, MilestoneRecord, UsageRecord
from ..scoring.definition import MEASURE, ScorecardSpec
from ..scoring.measures import ACTIVE, MAU, SEATS

# A row standing for "this customer has usage on this day" when none of its metrics is one the criteria
# read: weeks active and key-feature adoption are missing only without any usage row (§9.3).
PRESENT = "__present__"
USAGE_COLUMNS = ["customer_id", "date", "metric", "value"]
HISTORY_COLUMNS = ["customer_id", "criterion", "measured_on", "value", "raw"]
MILESTONE_COLUMNS = ["customer_id", "milestone", "achieved_on", "lost_on"]


def metrics_read(specs: Iterable[ScorecardSpec]) -> tuple[set[str], bool]:
    """The usage metrics the specs' measures read, and whether any needs to know of other usage rows
    (weeks active and key-feature adoption count a customer with any usage as measured)."""
    metrics: set[str] = set()
    presence = False
    for spec in specs:
        for criterion in spec.criteria:
            if criterion.kind != MEASURE:
                continue
            if criterion.measure == "license_utilisation":
                metrics |= {ACTIVE, SEATS}
            elif criterion.measure == "dau_mau":
                metrics |= {ACTIVE, MAU}
            elif criterion.measure == "weeks_active":
                metrics.add(ACTIVE)
                presence = True
            elif criterion.measure == "feature_adoption":
                for feature in criterion.features:
                    metrics |= {f"feature:{feature}", f"feature_users:{feature}"}
                presence = True
    return metrics, presence


def load_usage(
    *,
    customers: tuple[int, int],
    first: date,
    last: date,
    metrics: set[str],
    presence: bool,
    segments: set[str] | None = None,
) -> pd.DataFrame:
    """Usage rows of customers with ids in ``customers`` (inclusive) — of ``segments`` only, when given
    — days ``first``–``last``, of ``metrics``; with ``presence``, each row of another metric too, as a
    ``PRESENT`` row (value 0). Columns: ``customer_id`` int64, ``date`` datetime64, ``metric``
    (categorical), ``value`` int64.

    One pass over the rows: telling the days with other metrics only apart in SQL (a ``GROUP BY``) cost
    as much as reading them."""
    if not metrics and not presence:
        return _empty_usage()
    names = sorted(metrics)
    of = _of_segments(segments)
    table = UsageRecord._meta.db_table
    where = f"customer_id BETWEEN %s AND %s AND date BETWEEN %s AND %s{of[0]}"
    params = [*customers, first, last, *of[1]]
    if not presence:
        where += f" AND metric IN ({', '.join(['%s'] * len(names))})"
        params += names
    if connection.vendor == "postgresql":
        # Metrics as their index in [PRESENT, *names]: integers are smaller to send and faster to parse.
        codes = " ".join("WHEN %s THEN " + str(i) for i in range(1, len(names) + 1))
        code = f"CASE metric {codes} ELSE 0 END" if names else "0"
        value = f"CASE WHEN {code} = 0 THEN 0 ELSE value END" if presence else "value"
        sql = (
            f"SELECT customer_id, date - %s AS day, {code}, {value} "  # noqa: S608 - model table
            f"FROM {table} WHERE {where}"
        )
        code_params = names * (2 if presence else 1)
        return _copy_frame(sql, [first, *code_params, *params], first, [PRESENT, *names])
    rows = UsageRecord.objects.filter(
        customer_id__gte=customers[0], customer_id__lte=customers[1], date__gte=first, date__lte=last
    )
    if not presence:
        rows = rows.filter(metric__in=names)
    if of[1]:
        rows = rows.filter(customer__segment__in=of[1])
    return _frame(
        [
            (c, d, m, v) if m in metrics else (c, d, PRESENT, 0)
            for c, d, m, v in rows.values_list("customer_id", "date", "metric", "value")
        ]
    )


def _of_segments(segments: set[str] | None) -> tuple[str, list[str]]:
    """A condition keeping the customers of ``segments`` (all when None), and its parameters."""
    if not segments:
        return "", []
    marks = ", ".join(["%s"] * len(segments))
    customers = Customer._meta.db_table
    return (
        f" AND customer_id IN (SELECT id FROM {customers} WHERE segment IN ({marks}))",  # noqa: S608
        sorted(segments),
    )


def _copy_frame(sql: str, params: list, first: date, metrics: list[str]) -> pd.DataFrame:
    """Run ``sql`` (days as integers since ``first``, metrics as indices into ``metrics``) through
    ``COPY … TO STDOUT`` into a frame."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params).decode()
        raw.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    names = ["customer_id", "day", "metric", "value"]
    dtypes = {"customer_id": np.int64, "day": np.int32, "metric": np.int8, "value": np.int64}
    frame = pd.read_csv(buffer, names=names, dtype=dtypes, header=None)
    del buffer
    if frame.empty:
        return _empty_usage()
    dates = pd.Timestamp(first) + pd.to_timedelta(frame["day"].to_numpy(), unit="D")
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].to_numpy(),
            "date": dates.astype("datetime64[ns]"),
            "metric": pd.Categorical.from_codes(frame["metric"].to_numpy(), categories=metrics),
            "value": frame["value"].to_numpy(),
        }
    )


def _frame(rows: list[tuple]) -> pd.DataFrame:
    if not rows:
        return _empty_usage()
    frame = pd.DataFrame(rows, columns=USAGE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame.astype({"customer_id": "int64", "value": "int64", "metric": "category"})


def _empty_usage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.Series(dtype="int64"),
            "date": pd.Series(dtype="datetime64[ns]"),
            "metric": pd.Series(dtype="category"),
            "value": pd.Series(dtype="int64"),
        }
    )


def load_milestones(*, customers: tuple[int, int], first: date, last: date, names: set[str]) -> pd.DataFrame:
    """Milestones named ``names`` of the customers that may be met on some day ``first``–``last``."""
    if not names:
        return pd.DataFrame(columns=MILESTONE_COLUMNS)
    rows = (
        MilestoneRecord.objects.filter(
            customer_id__gte=customers[0],
            customer_id__lte=customers[1],
            criterion__in=names,
            achieved_on__lte=last,
        )
        .exclude(lost_on__lte=first)
        .values_list("customer_id", "criterion", "achieved_on", "lost_on")
    )
    return pd.DataFrame(list(rows), columns=MILESTONE_COLUMNS)


def load_history(
    *, scorecard_id: int, customers: tuple[int, int], before: date, days: int, codes: set[str]
) -> pd.DataFrame:
    """The measured values of criteria ``codes`` in the stored daily scores of the ``days`` days before
    ``before`` (for ``last_known``, docs/design.md §9.4). Columns: HISTORY_COLUMNS."""
    if not days or not codes:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    rows = DailyScore.objects.filter(
        scorecard_id=scorecard_id,
        customer_id__gte=customers[0],
        customer_id__lte=customers[1],
        day__gte=before - timedelta(days=days),
        day__lt=before,
    ).values_list("customer_id", "criteria")
    history = []
    for customer_id, criteria in rows.iterator(chunk_size=20_000):
        if isinstance(criteria, str):
            criteria = json.loads(criteria)
        for code in codes & set(criteria):
            entry = criteria[code]
            if entry.get("value") is not None and entry.get("measured_on"):
                history.append(
                    (
                        customer_id,
                        code,
                        date.fromisoformat(entry["measured_on"]),
                        Decimal(entry["value"]),
                        Decimal(entry["raw"]),
                    )
                )
    return pd.DataFrame(history, columns=HISTORY_COLUMNS)
