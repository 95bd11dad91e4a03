"""Form fields that more than one app's pages share (thin: the rules live in the services)."""

from __future__ import annotations

from django import forms

from commissions.services.person_metrics import MetricUnavailable, check_metric_code

METRIC_HELP = (
    "A metric of the person_metrics import (such as login_rate), or one Attain knows per CSM: "
    "kpi.<KPI code> (such as kpi.dau_mau) or scorecard_average."
)


class MetricCodeField(forms.CharField):
    """The metric a SPIFF rule, points rule, contest's events, nudge or needs-attention list reads
    (docs/design.md §11.1): whatever ``check_metric_code`` allows — an imported code (one no row holds
    yet too: metrics are data), ``kpi.<code>`` of a computed KPI, ``scorecard_average``. Anything else is a
    field error with the check's sentence, naming the text and what is allowed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Metric")
        kwargs.setdefault("help_text", METRIC_HELP)
        kwargs.setdefault("max_length", 80)
        super().__init__(**kwargs)

    def clean(self, value):
        metric = super().clean(value)
        if metric:
            try:
                check_metric_code(metric)
            except MetricUnavailable as exc:
                raise forms.ValidationError(exc.message) from None
        return metric
