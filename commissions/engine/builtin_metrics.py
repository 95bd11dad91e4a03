"""The names of the metrics Attain knows per CSM itself (docs/design.md §11.1 "Built-in metrics").

An imported metric's code is a lower-case letter, then lower-case letters, digits and ``_`` (§11.1). The
built-in names cannot be taken for one:

- ``kpi.<code>``: a computed portfolio KPI of the CSM's book on a day (``kpi.dau_mau``,
  ``kpi.util_below_60``, ``kpi.key_feature:sso``) — a ``.`` is never in an imported code;
- ``scorecard_average``: the mean adoption score of the CSM's book on a day — a reserved code, which the
  ``person_metrics`` import refuses;
- ``attainment`` and ``attainment.<component code>``: the quarter's attainment of the plan, or of one of
  its components, known only inside the calculation of that quarter (an escalator's ``over: quarter``);
  ``attainment`` is a reserved code as well.

Pure names and predicates: no Django, so the engine, the plan checks, the import and the reader share them.
"""

from __future__ import annotations

KPI_PREFIX = "kpi."
SCORECARD_AVERAGE = "scorecard_average"
ATTAINMENT = "attainment"
ATTAINMENT_PREFIX = "attainment."
# Built-in names an imported code could spell: the person_metrics import refuses them.
RESERVED_CODES = frozenset({SCORECARD_AVERAGE, ATTAINMENT})


def is_builtin(metric: str) -> bool:
    """Whether ``metric`` names a built-in metric (or one under a built-in prefix), not an imported one."""
    return metric in RESERVED_CODES or metric.startswith((KPI_PREFIX, ATTAINMENT_PREFIX))


def is_attainment(metric: str) -> bool:
    """Whether ``metric`` is the quarter's attainment, of the plan (``attainment``) or of a component
    (``attainment.<component code>``): known in the calculation of a quarter only, never per day."""
    return metric == ATTAINMENT or metric.startswith(ATTAINMENT_PREFIX)


def attainment_component(metric: str) -> str:
    """The component code of ``attainment.<code>``; "" for the plan's ``attainment``."""
    return metric.removeprefix(ATTAINMENT_PREFIX) if metric.startswith(ATTAINMENT_PREFIX) else ""


def kpi_code(metric: str) -> str:
    """The computed KPI code of ``kpi.<code>``; "" for any other name."""
    return metric.removeprefix(KPI_PREFIX) if metric.startswith(KPI_PREFIX) else ""
