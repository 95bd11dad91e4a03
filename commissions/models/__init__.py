"""The models of commissions, imported from here only (``from commissions.models import Run``).

``plans``: plans, components, assignments, deals, KPI actuals, FX rates and import records (DESIGN §3).
``quarters``: a quarter's life — its period row, score pulls, calculation runs and their results (DESIGN §5).
``restatements``: corrections of closed quarters, true-ups, holds and the payable lines (docs/design.md §7).
"""

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

__all__ = [
    "Assignment",
    "Component",
    "Correction",
    "ComponentResult",
    "CustomerResult",
    "Deal",
    "FxRate",
    "Hold",
    "ImportRecord",
    "KpiActual",
    "Payout",
    "PayoutLine",
    "PayrollExport",
    "Period",
    "PeriodEvent",
    "Plan",
    "PulledScore",
    "QuarterEndJob",
    "Run",
    "RunShard",
    "ScorePull",
    "TrueUp",
]
