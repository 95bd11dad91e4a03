"""The models of commissions, imported from here only (``from commissions.models import Run``).

``plans``: plans, components, assignments, deals, KPI actuals, FX rates and import records (DESIGN §3).
``quarters``: a quarter's life — its period row, score pulls, calculation runs and their results (DESIGN §5).
``restatements``: corrections of closed quarters, true-ups, holds and the payable lines (docs/design.md §7).
``import_jobs``: imports started from the Imports page, checked by a dry run and then confirmed (DESIGN §3).
``person_metrics``: metrics per person, which plan escalators are gated on (docs/design.md §11).
``signoffs``: finance's sign-off of a closed quarter's payouts, which its payroll export awaits (DESIGN §5).
"""

from .import_jobs import ImportJob
from .person_metrics import PersonMetric
from .plans import Assignment, Component, Deal, FxRate, ImportRecord, KpiActual, Plan
from .quarters import (
    ComponentResult,
    CustomerResult,
    Payout,
    Period,
    PeriodEvent,
    PulledScore,
    QuarterEndJob,
    Run,
    RunShard,
    ScorePull,
)
from .restatements import Correction, Hold, PayoutLine, PayrollExport, TrueUp
from .signoffs import PayoutSignOff

__all__ = [
    "Assignment",
    "Component",
    "Correction",
    "ComponentResult",
    "CustomerResult",
    "Deal",
    "FxRate",
    "Hold",
    "ImportJob",
    "ImportRecord",
    "KpiActual",
    "Payout",
    "PayoutLine",
    "PayoutSignOff",
    "PayrollExport",
    "Period",
    "PeriodEvent",
    "PersonMetric",
    "Plan",
    "PulledScore",
    "QuarterEndJob",
    "Run",
    "RunShard",
    "ScorePull",
    "TrueUp",
]
