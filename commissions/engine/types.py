"""Inputs and outputs of the quarter calculation (DESIGN §4). Pure Python: no Django here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

import pandas as pd

ZERO = Decimal(0)
ONE = Decimal(1)


# The KPI fields of a component (DESIGN §3 "Plans", §4.5) and their defaults: an imported KPI where
# higher is better, as every plan had before these fields existed.
KPI_DEFAULTS = {"source": "imported", "measure": "", "direction": "higher", "ceiling": None}


@dataclass(frozen=True, repr=False)
class ComponentSpec:
    """One weighted component of a plan (DESIGN §3 "Plans").

    A kpi component's value is ``source`` "imported" (KPI actuals) or "computed" by Attain from the CSM's
    book, measured on the quarter's last day (``measure`` "quarter_end") or as the mean of its daily
    values ("quarter_average"); ``direction`` "lower" with a ``ceiling`` above the goal makes a lower
    value better (DESIGN §4.5, §10.3)."""

    code: str
    metric: str  # adoption | nrr | kpi
    weight: Decimal
    kpi: str = ""
    goal: Decimal | None = None
    floor: Decimal | None = None
    threshold: Decimal = ZERO
    accelerator: Decimal = ONE
    cap: Decimal | None = None
    source: str = "imported"  # imported | computed
    measure: str = ""  # computed only: quarter_end | quarter_average
    direction: str = "higher"  # higher | lower
    ceiling: Decimal | None = None  # lower only: attainment 0 at or above it

    def __repr__(self) -> str:
        """The dataclass's repr, with the KPI fields only where they differ from ``KPI_DEFAULTS``.

        A run's fingerprint hashes this text (``commissions.loaders.fingerprint``): a plan that uses none
        of the KPI fields keeps the fingerprint its closed quarters were run with."""
        names = ["code", "metric", "weight", "kpi", "goal", "floor", "threshold", "accelerator", "cap"]
        names += [name for name, default in KPI_DEFAULTS.items() if getattr(self, name) != default]
        return f"ComponentSpec({', '.join(f'{name}={getattr(self, name)!r}' for name in names)})"


@dataclass(frozen=True)
class EscalatorSpec:
    """An escalator of a plan (docs/design.md §11.2): when the person's ``metric`` (a person metric,
    imported or built-in, §11.1) is at least ``at_least`` — its mean over the quarter (``over`` "quarter")
    or each month's mean in every month of the quarter ("months"; never for ``attainment``, a quarter's
    figure) — the factor of ``applies_to`` (a component code, or "total": every component) is multiplied
    by ``multiplier``."""

    code: str
    metric: str
    at_least: Decimal
    multiplier: Decimal
    over: str = "quarter"  # quarter | months
    applies_to: str = "total"  # total | a component code


# The deal types of the deals import (DESIGN §3), each credited by the date its plan names (issue 20).
DEAL_TYPES = ("renewal", "expansion", "contraction", "churn")
CREDIT_DATES = ("booked", "effective")


@dataclass(frozen=True, repr=False)
class PlanSpec:
    """The rules of one plan that the calculation needs."""

    code: str
    currency: str
    components: tuple[ComponentSpec, ...]
    credit_date: str = "booked"  # booked | effective: the default of every deal type
    new_customer_window_days: int = 90
    formula: str = "progress"  # progress | ratio
    weighting: str = "arr"  # arr | equal
    customer_cap: Decimal = Decimal("1.5")
    escalators: tuple[EscalatorSpec, ...] = ()
    # (deal type, booked | effective) pairs, sorted by type: the types credited otherwise than
    # ``credit_date`` says (issue 20; empty: every type by ``credit_date``).
    credit_date_by_type: tuple[tuple[str, str], ...] = ()

    def credit_date_of(self, deal_type: str) -> str:
        """``"booked"`` or ``"effective"``: the date that credits a deal of ``deal_type`` to a quarter —
        the plan's rule for the type, else its ``credit_date`` (issue 20, DESIGN §3 "Plans")."""
        return dict(self.credit_date_by_type).get(deal_type, self.credit_date)

    def __repr__(self) -> str:
        """The dataclass's repr, with ``escalators`` and ``credit_date_by_type`` only when the plan has
        some: a run's fingerprint hashes this text (``commissions.loaders.fingerprint``), so a plan that
        uses neither keeps the fingerprint its closed quarters were run with."""
        optional = {"escalators", "credit_date_by_type"}
        names = [f.name for f in fields(self) if f.name not in optional or getattr(self, f.name)]
        return f"PlanSpec({', '.join(f'{name}={getattr(self, name)!r}' for name in names)})"


# Column contracts of the input tables. Money, scores and ratios are Decimal objects; dates are datetime.date.
COLUMNS = {
    "assignments": ["employee_id", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"],
    "ownership": ["customer_id", "employee_id", "start_date"],
    "customers": ["customer_id", "start_date"],
    "targets": ["customer_id", "baseline", "target"],
    "scores": ["customer_id", "score"],
    "arr": ["customer_id", "as_of", "arr", "currency"],
    "deals": ["deal_id", "customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on"],
    "kpis": ["employee_id", "kpi", "value"],
    # Computed KPIs (DESIGN §4.5): per CSM and KPI, the days with a stored value the quarter's value is
    # made of, and the days without one (ISO dates joined by ",", "" when none).
    "kpi_days": ["employee_id", "kpi", "days", "missing"],
    "adjustments": ["customer_id", "kind", "value"],
    # The person metrics the plan's escalators read (docs/design.md §11): a value per person, metric and
    # day (a month's value on its first day), within the quarter — imported, or built-in daily ones
    # (kpi.<code>, scorecard_average; §11.1). The quarter's attainment is never a row: the engine has it.
    "person_metrics": ["employee_id", "metric", "date", "value"],
    # Across a change of plan (DESIGN §3 "Plans"): the credit dates of the plans the CSMs were on before
    # they joined this one (an earlier fiscal year's, or another plan of this year) — per CSM, plan and
    # quarter they were on it (its first and last day), the date (booked | effective) the plan credits a
    # deal type by. Only rows that can change a credit date.
    # last_before: the row covers a gap between the person's plans, ``plan`` the one they were on last.
    "prior_rules": ["employee_id", "plan", "period", "start", "end", "type", "credit_date", "last_before"],
}


def empty(kind: str) -> pd.DataFrame:
    """An empty input table of ``kind`` with its columns."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS[kind]})


@dataclass
class QuarterInputs:
    """Everything the calculation of one quarter for one plan reads; loaders build it from the database.

    ``targets`` holds the approved snapshot's lines for this quarter (``target`` None: no target
    assigned); ``scores`` the pulled score per customer; ``adjustments`` the applied exceptions
    (``kind`` = "exception", ``value`` = granted r) and extra credit (``kind`` = "extra_credit",
    ``value`` = points). ``fx`` maps a currency to units of ``base_currency`` per unit, for this quarter.
    ``kpis`` holds every KPI value a component reads, imported or computed (keyed by KPI code);
    ``kpi_days`` says, for the computed ones, how many stored days each value is made of and which days
    had none (DESIGN §4.5). ``person_metrics`` holds the quarter's values of the metrics the plan's
    escalators read (docs/design.md §11.2).
    """

    period: str
    start: date
    end: date
    plan: PlanSpec
    assignments: pd.DataFrame
    ownership: pd.DataFrame
    customers: pd.DataFrame
    targets: pd.DataFrame
    scores: pd.DataFrame
    arr: pd.DataFrame
    deals: pd.DataFrame
    kpis: pd.DataFrame
    fx: dict[str, Decimal] = field(default_factory=dict)
    adjustments: pd.DataFrame = field(default_factory=lambda: empty("adjustments"))
    base_currency: str = "USD"
    kpi_days: pd.DataFrame = field(default_factory=lambda: empty("kpi_days"))
    person_metrics: pd.DataFrame = field(default_factory=lambda: empty("person_metrics"))
    # The first day of the plan's fiscal year, and the credit-date rules of the CSMs' other plans — an
    # earlier year's, or one they moved from or to within the year — for the deals whose earlier date they
    # were on another plan at (DESIGN §3 "Plans": that plan decides their credit date).
    year_start: date | None = None
    prior_rules: pd.DataFrame = field(default_factory=lambda: empty("prior_rules"))


@dataclass(frozen=True)
class EngineWarning:
    """Something a reviewer should see before closing: it names the record it is about."""

    code: str  # missing_score | not_in_snapshot | missing_arr | missing_kpi | missing_goal
    # | kpi_days_missing | goal_not_below_ceiling (DESIGN §4.5)
    # | component_not_applied | no_component_applies (DESIGN §4.7: the others carry its weight)
    # | escalator_no_value (docs/design.md §11.2: no value of the gating metric, the escalator not applied)
    # | credit_across_years (DESIGN §3 "Plans": a deal dated in two fiscal years whose plans disagree)
    # | credit_across_plans (the same, around a CSM's move to or from this plan within its year)
    message: str
    employee_id: str = ""
    customer_id: str = ""


@dataclass
class QuarterResult:
    """Results of one plan for one quarter.

    ``customers``: one row per CSM and book customer — employee_id, customer_id, baseline, target, score,
    r, counted, reason, weight. ``components``: one row per CSM and component — employee_id, component,
    metric, applies, metric_value, attainment, factor, weight, share, payout (detail columns included).
    ``payouts``: one row per CSM — employee_id, oti, total. ``deals``: the credited deals per CSM with
    their converted delta.
    """

    period: str
    plan_code: str
    currency: str
    customers: pd.DataFrame
    components: pd.DataFrame
    payouts: pd.DataFrame
    deals: pd.DataFrame
    warnings: list[EngineWarning]
