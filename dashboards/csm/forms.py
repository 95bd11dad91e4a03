"""The what-if form of "My quarter": an expected score, an expected deal and a KPI value to try out.

The expected deal's one date is taken as both its booking and its effective date (``WhatIf.deals``,
``engine.changes.with_changes``), so every plan the CSM is on credits it on that date, whichever date the
plan credits its type by (DESIGN §4.4, ``PlanSpec.credit_date_of``); the field says so, and says each
plan's own dates for real deals (``credit_date_help``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from adoption.kpis import RATIO, kpi_codes
from adoption.portfolio.inputs import kpi_rules
from commissions.engine import PlanSpec
from commissions.engine.types import DEAL_TYPES
from commissions.models import Deal, Period
from core import formatting as fmt
from dashboards.glossary import kpi_label
from dashboards.handbook.rules import CREDIT_DATES
from dashboards.projection import WhatIf

SIGNS = {"expansion": 1, "contraction": -1, "churn": -1}


class BookSelect(forms.Select):
    """A ``<select>`` of a book's customers built with one string join. Django renders every option
    through a template, which made the two customer pickers of a 50-customer book most of the page's
    rendering time."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>{escape(label)}</option>'
            for v, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # noqa: S308


class WhatIfForm(forms.Form):
    """All parts are optional; each part filled in changes the projection (nothing is saved)."""

    period = forms.CharField(widget=forms.HiddenInput, required=False)
    score_customer = forms.ChoiceField(label="Customer", required=False, widget=BookSelect)
    score = forms.DecimalField(
        label="Expected score", required=False, min_value=0, max_value=100, decimal_places=2
    )
    deal_customer = forms.ChoiceField(label="Customer", required=False, widget=BookSelect)
    deal_type = forms.ChoiceField(label="Type", choices=Deal.Type.choices, required=False)
    deal_amount = forms.DecimalField(
        label="ARR change", required=False, max_digits=18, decimal_places=2, help_text="Signed, e.g. 10000"
    )
    deal_currency = forms.CharField(label="Currency", required=False, max_length=3, initial="USD")
    deal_date = forms.DateField(
        label="Credit date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kpi = forms.ChoiceField(label="KPI", required=False)
    kpi_value = forms.DecimalField(
        label="KPI value",
        required=False,
        max_digits=18,
        decimal_places=6,
        help_text="In the KPI's unit: a count, or a percentage (65.5 for 65.5 %) where the KPI says %",
    )

    def __init__(
        self,
        *args,
        customers: list[tuple[str, str]],
        kpis: list[str],
        period: Period,
        computed: Collection[str] | None = None,
        plans: Sequence[PlanSpec] = (),
        **kwargs,
    ):
        """``kpis``: the KPI codes of the CSM's plans; ``computed``: those a plan computes (DESIGN §4.5),
        None for every code the KPI settings compute. A computed KPI is offered by its name and unit, and
        a ratio's value is typed as a percentage. ``plans``: the CSM's plans in the quarter, whose credit
        dates the deal's date field names (``credit_date_help``)."""
        super().__init__(*args, **kwargs)
        self.fields["deal_date"].help_text = credit_date_help(plans)
        self.period = period
        choices = [("", "—"), *customers]
        self.fields["score_customer"].choices = choices
        self.fields["deal_customer"].choices = choices
        units = _computed_units(kpis, computed)
        self.percent_kpis = {code for code, unit in units.items() if unit == RATIO}
        self.fields["kpi"].choices = [("", "—"), *((k, _kpi_choice(k, units.get(k))) for k in kpis)]
        self.fields["deal_type"].choices = [("", "—"), *Deal.Type.choices]

    def clean(self):
        data = super().clean()
        # A field refused on its own (a score of 150) is said once, not again as "missing".
        if "score" not in self.errors and bool(data.get("score_customer")) != (data.get("score") is not None):
            self.add_error("score", "Pick a customer and give its expected score.")
        names = ("deal_customer", "deal_type", "deal_amount", "deal_date")
        deal = [data.get(k) for k in names]
        if any(name in self.errors for name in names):
            pass
        elif any(v not in (None, "") for v in deal) and not all(v not in (None, "") for v in deal):
            self.add_error("deal_amount", "An expected deal needs a customer, a type, an amount and a date.")
        elif all(v not in (None, "") for v in deal):
            self._check_deal(data)
        if bool(data.get("kpi")) != (data.get("kpi_value") is not None):
            self.add_error("kpi_value", "Pick a KPI and give its value.")
        if not self.errors and not (
            data.get("score_customer") or data.get("deal_customer") or data.get("kpi")
        ):
            raise forms.ValidationError("Change a score, add a deal or give a KPI value to see its effect.")
        return data

    def _check_deal(self, data) -> None:
        # DESIGN §3: expansion > 0, contraction < 0, churn < 0, renewal any.
        sign = SIGNS.get(data["deal_type"])
        if sign is not None and data["deal_amount"] * sign <= 0:
            direction = "positive" if sign > 0 else "negative"
            self.add_error(
                "deal_amount",
                f"{fmt.with_article(data['deal_type'], capital=True)} changes ARR by a {direction} amount.",
            )
        if not self.period.start <= data["deal_date"] <= self.period.end:
            self.add_error(
                "deal_date",
                f"Only deals credited in {self.period.code} "
                f"({fmt.date_range(self.period.start, self.period.end)}) count.",
            )
        data["deal_currency"] = (data.get("deal_currency") or "").strip().upper()
        if len(data["deal_currency"]) != 3 or not data["deal_currency"].isalpha():
            self.add_error("deal_currency", "A three-letter currency code, e.g. USD.")

    def what_if(self) -> WhatIf:
        """The changes as the projection takes them."""
        data = self.cleaned_data
        change = WhatIf()
        if data.get("score_customer"):
            change.scores[data["score_customer"]] = Decimal(data["score"])
        if data.get("deal_customer"):
            change.deals.append(
                {
                    "customer_id": data["deal_customer"],
                    "type": data["deal_type"],
                    "arr_delta": Decimal(data["deal_amount"]),
                    "currency": data["deal_currency"],
                    "date": data["deal_date"],
                }
            )
        if data.get("kpi"):
            value = Decimal(data["kpi_value"])
            # A computed ratio is typed as a percentage; the engine reads ratios 0–1 (docs/kpis.md).
            change.kpis[data["kpi"]] = value / 100 if data["kpi"] in self.percent_kpis else value
        return change


def credit_date_help(plans: Sequence[PlanSpec]) -> str:
    """What the what-if deal's date means: the deal is taken as booked and effective on it, so each of
    ``plans`` credits it on that date whatever its rule; then, per plan, the date it credits real deals of
    each type by (``PlanSpec.credit_date_of``, DESIGN §4.4): "CS-FY22 credits renewals by the effective
    date and expansions, contractions and churns by the booking date." """
    text = (
        "Taken as both the deal's booking date and its effective date, so it counts on this date in "
        f"{'your plan' if len(plans) == 1 else 'each of your plans'}, whichever date the plan credits "
        "its type by."
    )
    rules = []
    for spec in plans:
        by_date: dict[str, list[str]] = {}
        for deal_type in DEAL_TYPES:
            by_date.setdefault(spec.credit_date_of(deal_type), []).append(f"{deal_type}s")
        if len(by_date) == 1:
            rules.append(f"{spec.code} credits every deal type by the {CREDIT_DATES[next(iter(by_date))]}.")
        else:
            parts = [f"{_and(types)} by the {CREDIT_DATES[when]}" for when, types in by_date.items()]
            rules.append(f"{spec.code} credits {_and(parts)}.")
    if rules:
        text += " Real deals: " + " ".join(rules)
    return text


def _and(items: list[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _computed_units(kpis: list[str], computed: Collection[str] | None) -> dict[str, str]:
    """The unit of each of ``kpis`` that is computed ("customers" or "ratio"); imported ones are absent."""
    try:
        units = kpi_codes(kpi_rules())
    except ValueError:  # bad KPI settings: every KPI is offered by its code, as typed
        return {}
    return {k: units[k] for k in kpis if k in units and (computed is None or k in computed)}


def _kpi_choice(code: str, unit: str | None) -> str:
    """A KPI as the picker offers it: a computed one by its name and unit (docs/kpis.md), an imported
    one by its code."""
    if unit is None:
        return code
    return f"{kpi_label(code)} ({'%' if unit == RATIO else 'customers'})"
