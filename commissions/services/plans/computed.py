"""Which KPIs plans have Attain compute (DESIGN §3 "Plans", §4.5): read by the what-if, which offers a
computed KPI by its name and unit."""

from __future__ import annotations

from collections.abc import Iterable

from commissions.models import Component, Plan


def computed_kpis(plans: Iterable[Plan]) -> set[str]:
    """The KPI codes that a kpi component of ``plans`` computes (``source: computed``). One query."""
    return set(
        Component.objects.filter(
            plan__in=list(plans), metric=Component.Metric.KPI, source=Component.Source.COMPUTED
        ).values_list("kpi", flat=True)
    )
