"""The models of commissions, imported from here only (``from commissions.models import Run``).

``plans``: plans, components, assignments, deals, KPI actuals, FX rates and import records (DESIGN §3).
``quarters``: a quarter's life — its period row, score pulls, calculation runs and their results (DESIGN §5).
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

__all__ = [
    "Assignment",
    "Component",
    "ComponentResult",
    "CustomerResult",
    "Deal",
    "FxRate",
    "ImportRecord",
    "KpiActual",
    "Payout",
    "Period",
    "PeriodEvent",
    "Plan",
    "PulledScore",
    "QuarterEndJob",
    "Run",
    "RunShard",
    "ScorePull",
]
