"""The portfolio KPIs of docs/design.md §10 (docs/kpis.md): daily usage and activities in, per
portfolio (a set of customers) and day the counts and ratios a CS team works from.

Pure Python, numpy and pandas like ``adoption.scoring``: no Django, no database. Two steps:
``customer_values`` gives each customer's integer inputs on a day (what a KPI is explained down to), and
``portfolio_kpis`` sums them over each portfolio's members and turns the sums into KPIs (``kpis.py``).
"""

from .customers import customer_values
from .kpis import PortfolioKpis, portfolio_kpis
from .rules import COUNT, RATIO, FeatureRule, KpiRules, kpi_codes

__all__ = [
    "COUNT",
    "RATIO",
    "FeatureRule",
    "KpiRules",
    "PortfolioKpis",
    "customer_values",
    "kpi_codes",
    "portfolio_kpis",
]
