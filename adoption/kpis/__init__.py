"""The portfolio KPIs of docs/design.md §10 (docs/kpis.md): daily usage and activities in, per
portfolio (a set of customers) and day the counts and ratios a CS team works from.

Pure Python, numpy and pandas like ``adoption.scoring``: no Django, no database. Two steps:
``customer_values`` gives each customer's integer inputs on a day (what a KPI is explained down to), and
``portfolio_sums`` sums them over each portfolio's members and ``portfolio_kpis`` turns the sums into KPIs
(``kpis.py``);
``kpi_terms``/``kpi_value`` say which two sums each KPI code is made of (``terms.py``).
"""

from .customers import customer_values
from .kpis import PortfolioKpis, PortfolioSums, portfolio_kpis, portfolio_sums
from .rules import COUNT, RATIO, FeatureRule, KpiRules, kpi_codes
from .terms import KpiTerms, KpiValue, kpi_terms, kpi_value

__all__ = [
    "COUNT",
    "RATIO",
    "FeatureRule",
    "KpiRules",
    "KpiTerms",
    "KpiValue",
    "PortfolioKpis",
    "PortfolioSums",
    "customer_values",
    "kpi_codes",
    "kpi_terms",
    "kpi_value",
    "portfolio_kpis",
    "portfolio_sums",
]
