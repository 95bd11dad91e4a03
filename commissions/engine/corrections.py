"""A closed quarter's inputs with corrections applied: the inputs of its restatement (issue 14).

Pure: the loader reads the quarter's inputs as its final run read them; this module lays the
corrections over them, in the order they were applied, and the engine calculates the result exactly as
a run would (DESIGN §4). Rows come already parsed: Decimals for money, values and rates, ``date`` for
dates (``Correction.rows`` keeps them as text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import pandas as pd

from .money import exact
from .types import ONE, ZERO, QuarterInputs

# The natural key of each correctable input table: a corrected row replaces the row with its key.
KEYS = {
    "deal": ("deals", ("deal_id",)),
    "kpi": ("kpis", ("employee_id", "kpi")),
    "ownership": ("ownership", ("customer_id", "start_date")),
    "assignment": ("assignments", ("employee_id", "start_date")),
}

KINDS = ("deal", "kpi", "fx", "ownership", "assignment", "adjustment", "clawback")


def with_corrections(inputs: QuarterInputs, corrections: Iterable[tuple[str, list[dict]]]) -> QuarterInputs:
    """``inputs`` with each ``(kind, rows)`` laid over it in order; ``inputs`` is not changed.

    - ``deal``, ``kpi``, ``ownership``, ``assignment``: each row replaces the row with its natural key
      (``KEYS``) or is added. Assignment rows name their ``plan``: rows of another plan are skipped, as
      are KPI rows of people the inputs do not pay and deal rows of customers outside their books.
    - ``fx``: ``currency`` → ``rate`` replaces or adds the quarter's rate.
    - ``adjustment``: an applied exception or extra credit (``customer_id``, ``kind``, ``value``), added
      after the quarter's own, so it is applied last (DESIGN §4.3).
    - ``clawback``: the expansion ``deal_id`` is credited at (1 − s) of its ``arr_delta``, where s is the
      sum of its clawbacks' ``share`` (each 0–1), at most 1 (issue 14, RULES "Clawback window"); of several
      clawbacks of one (expansion, ``by_deal``) pair the latest counts: it revises the earlier ones. A row
      naming ``plans`` (codes, space-separated) counts only for those plans.

    Raises ``ValueError`` on an unknown kind.
    """
    tables = {
        "deals": inputs.deals,
        "kpis": inputs.kpis,
        "ownership": inputs.ownership,
        "assignments": inputs.assignments,
        "adjustments": inputs.adjustments,
    }
    fx = dict(inputs.fx)
    undone: dict[tuple[str, str | None], Decimal] = {}
    csms = set(inputs.assignments["employee_id"])
    book = set(inputs.ownership["customer_id"])
    for kind, rows in corrections:
        if kind not in KINDS:
            raise ValueError(f"unknown correction kind {kind!r}")
        rows = _in_scope(kind, rows, csms, book)
        if kind == "fx":
            fx.update({row["currency"]: row["rate"] for row in rows})
        elif kind == "adjustment":
            tables["adjustments"] = _added(tables["adjustments"], rows)
        elif kind == "clawback":  # the latest share of each (expansion, undoing deal) pair counts
            undone.update(
                {(row["deal_id"], row.get("by_deal")): row["share"] for row in rows if _claws(row, inputs)}
            )
        else:
            name, key = KEYS[kind]
            if kind == "assignment":
                rows = [row for row in rows if row.get("plan", inputs.plan.code) == inputs.plan.code]
            tables[name] = _replaced(tables[name], rows, key)
    if undone:
        tables["deals"] = _clawed_back(tables["deals"], _per_expansion(undone))
    return replace(inputs, fx=fx, **tables)


def _in_scope(kind: str, rows: list[dict], csms: set, book: set) -> list[dict]:
    """The rows that concern the inputs' CSMs and books: a KPI of someone the plan does not pay, or a deal
    or request of a customer outside its books, changes nothing the plan calculates, so it is left out
    (and the plan's inputs, and their fingerprint, stay those of the quarter)."""
    if kind == "kpi":
        return [row for row in rows if row["employee_id"] in csms]
    if kind in ("deal", "adjustment"):
        return [row for row in rows if row["customer_id"] in book]
    return rows


def _added(table: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return table
    extra = pd.DataFrame(
        [[row.get(c) for c in table.columns] for row in rows], columns=table.columns, dtype=object
    )
    return pd.concat([table, extra], ignore_index=True) if not table.empty else extra


def _replaced(table: pd.DataFrame, rows: list[dict], key: tuple[str, ...]) -> pd.DataFrame:
    if not rows:
        return table
    keys = {tuple(row[k] for k in key) for row in rows}
    if not table.empty:
        kept = [tuple(values) not in keys for values in table[list(key)].itertuples(index=False)]
        table = table[kept]
    return _added(table.reset_index(drop=True), rows)


def _claws(row: dict, inputs: QuarterInputs) -> bool:
    """Whether a clawback row applies to the plan calculated: it names the plans whose clawback window
    the pair falls in (``plans``, space-separated); a row naming none applies to every plan."""
    named = row.get("plans")
    return not named or inputs.plan.code in named.split()


def _per_expansion(undone: dict[tuple[str, str | None], Decimal]) -> dict[str, Decimal]:
    """The share of each expansion undone: the sum of its pairs' latest shares."""
    total: dict[str, Decimal] = {}
    for (deal, _by), share in undone.items():
        total[deal] = total.get(deal, ZERO) + share
    return total


def _clawed_back(deals: pd.DataFrame, undone: dict[str, Decimal]) -> pd.DataFrame:
    """The deals with each clawed-back expansion's delta reduced by the share of it undone (at most all)."""
    if deals.empty:
        return deals
    deals = deals.copy()
    with exact():
        deals["arr_delta"] = [
            delta * (ONE - min(ONE, undone[deal])) if deal in undone else delta
            for deal, delta in zip(deals["deal_id"], deals["arr_delta"], strict=True)
        ]
    return deals
