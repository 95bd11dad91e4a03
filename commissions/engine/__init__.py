"""The calculation of DESIGN §4 — pure Python and pandas; it never reads the database or imports Django."""

from .money import to_cents, to_ratio
from .quarter import calculate_quarter
from .types import (
    ComponentSpec,
    EngineWarning,
    EscalatorSpec,
    PlanSpec,
    QuarterInputs,
    QuarterResult,
    empty,
)

__all__ = [
    "ComponentSpec",
    "EngineWarning",
    "EscalatorSpec",
    "PlanSpec",
    "QuarterInputs",
    "QuarterResult",
    "calculate_quarter",
    "empty",
    "to_cents",
    "to_ratio",
]
