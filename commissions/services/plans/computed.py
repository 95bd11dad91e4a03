"""Which KPIs plans have Attain compute, and the unit of a component line's metric value (DESIGN §3
"Plans", §4.5, §6 "Formats"): read by the what-if, which offers a computed KPI by its name and unit, and by
every writer of a line's metric value (the projection and its downloads, the statement and its PDF, the
what-if's warnings), so that all of them write one line's value in one unit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from commissions.models import Component, Plan
from core import formatting as fmt

RATIO, CUSTOMERS = "ratio", "customers"  # the units of adoption.kpis.kpi_codes
# A computed count's code under any threshold or key feature (adoption.kpis.kpi_codes), for a line whose
# code the current KPI settings no longer name.
_COUNT_PREFIXES = ("util_below_", "key_feature:")


def computed_kpis(plans: Iterable[Plan]) -> set[str]:
    """The KPI codes that a kpi component of ``plans`` computes (``source: computed``). One query."""
    return set(
        Component.objects.filter(
            plan__in=list(plans), metric=Component.Metric.KPI, source=Component.Source.COMPUTED
        ).values_list("kpi", flat=True)
    )


def kpi_unit(code: str) -> str:
    """The unit of the computed KPI ``code`` (``adoption.kpis.kpi_codes`` under the KPI settings):
    ``"ratio"`` (0–1, written as a percentage) or ``"customers"`` (a count); ``""`` for a code no setting
    computes. Never raises: invalid KPI settings leave only the codes whose unit does not depend on them."""
    from adoption.kpis import kpi_codes
    from adoption.portfolio.inputs import kpi_rules

    try:
        units = kpi_codes(kpi_rules())
    except ValueError:
        units = {}
    if code in units:
        return units[code]
    return CUSTOMERS if code.startswith(_COUNT_PREFIXES) else ""


def line_unit(metric: str, detail: Mapping[str, Any] | None) -> str:
    """The unit of a component line's metric value, from its ``metric`` and stored ``detail`` (the
    engine's, ``commissions.engine.kpi.kpi_detail``): ``"ratio"`` for adoption A and NRR (DESIGN §4.3,
    §4.4) and for a computed ratio KPI (``avg_utilisation``, ``dau_mau``, ``qbr_coverage``);
    ``"customers"`` for a computed count; ``""`` for an imported KPI (a count, as the import gave it)."""
    if metric != Component.Metric.KPI:
        return RATIO if fmt.metric_kind(metric) == "ratio" else ""
    detail = detail or {}
    if detail.get("source") != Component.Source.COMPUTED:
        return ""
    return kpi_unit(str(detail.get("kpi") or ""))


def line_kind(metric: str, detail: Mapping[str, Any] | None) -> str:
    """The ``core.formatting`` kind of a line's metric value: ``"ratio"`` (a percentage on pages, 4
    decimals in downloads) or ``"number"`` (a count) — ``line_unit`` decides."""
    return "ratio" if line_unit(metric, detail) == RATIO else "number"


def unit_value_text(value: Decimal | int | str | None, unit: str) -> str:
    """A metric value written in ``unit`` (``line_unit``): a ratio as a percentage (``0.549315 →
    54.9%``), a count of customers with its noun (``8 customers``, ``1 customer``), any other count plainly
    (``8``); ``—`` for none."""
    if value is None or value == "":
        return fmt.MISSING
    value = Decimal(str(value))
    if unit == RATIO:
        return fmt.percent(value)
    if unit == CUSTOMERS:
        return f"{fmt.number(value)} {'customer' if value == 1 else 'customers'}"
    return fmt.number(value)


def line_value_text(value: Decimal | int | str | None, metric: str, detail: Mapping[str, Any] | None) -> str:
    """A line's metric value (or its goal or ceiling) as pages write it, in the line's ``line_unit``."""
    return unit_value_text(value, line_unit(metric, detail))
