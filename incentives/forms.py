"""Forms of the SPIFF and points pages (docs/incentives.md "Pages"): they check the input's shape and name
each bad field; the services decide the rest (rights, statuses, budgets) and what they refuse is shown as
the form's error. Money and values are ``Decimal`` from the start: a float never touches them."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator

from accounts import access
from accounts.models import User
from commissions.forms import METRIC_HELP, MetricCodeField
from core.currencies import is_currency

from . import selectors
from .models import PointsRule, Reward, Spiff
from .services.points import MAX_EXPIRY_MONTHS, MAX_POINTS
from .services.spiffs import RESERVED_CODES, reserved_code, unknown_currency

CURRENCY = RegexValidator(r"^[A-Za-z]{3}$", "A currency is a 3-letter ISO code such as USD or EUR.")
PEOPLE_SEPARATORS = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


def _money(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    """An amount of money: cents at most, above 0."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=help_text,
        error_messages={
            "min_value": f"{label} must be above 0.",
            "max_decimal_places": f"{label} has at most 2 decimals (cents).",
            "invalid": f"{label} must be an amount such as 1250.00.",
        },
    )


def _whole(
    label: str, what: str, *, most: int, above_zero: str, required: bool = True, help_text: str = ""
) -> forms.IntegerField:
    """A whole number from 1 to ``most`` (the service's own bound): a bigger one is named on the form, never
    handed to a database column it would overflow."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=most,
        help_text=help_text,
        error_messages={
            "min_value": above_zero,
            "max_value": f"{what} must be a whole number no more than {most:,}.",
        },
    )


def _code(what: str) -> forms.SlugField:
    return forms.SlugField(
        label="Code",
        max_length=40,
        help_text=f"A short name for the {what}: letters, digits, - and _ (it is in its address).",
        error_messages={"invalid": "A code holds letters, digits, - and _ only."},
    )


def _threshold(*, required: bool, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label="Threshold",
        required=required,
        max_digits=30,
        decimal_places=10,
        min_value=Decimal(0),
        help_text=help_text
        + "A value at or above it qualifies (≥), in the metric's unit: 90 for a 90% login rate.",
        error_messages={
            "min_value": "The threshold is 0 or more: metric values are never negative.",
            "invalid": "The threshold must be a number such as 90 or 0.8125.",
        },
    )


def _known_currency(code: str) -> str:
    """``code`` upper-cased, refused unless a currency Attain knows (the services check it again)."""
    code = code.upper()
    if code and not is_currency(code):
        raise forms.ValidationError(unknown_currency(code))
    return code


def _required(form: forms.Form, data: dict, messages: dict[str, str]) -> None:
    """Each field of ``messages`` left empty gets its message (unless it has an error already)."""
    for name, message in messages.items():
        if data.get(name) in (None, "", []) and name not in form.errors:
            form.add_error(name, message)


class SpiffForm(forms.Form):
    """Draft a SPIFF (docs/design.md §11.3): its rule or "granted by hand", dates, budget and whom it is for.
    ``create_spiff`` decides whether ``user`` may (``access.may_propose_spiff``)."""

    code = _code("SPIFF")
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    start = forms.DateField(label="First day", widget=DateInput())
    end = forms.DateField(label="Last day", widget=DateInput(), help_text="Included.")
    currency = forms.CharField(label="Currency", max_length=3, validators=[CURRENCY], initial="USD")
    budget = _money("The budget", help_text="The cap: everything awarded stays within it.")
    kind = forms.ChoiceField(label="Kind", choices=Spiff.Kind.choices, widget=forms.RadioSelect)
    metric = MetricCodeField(required=False, help_text="Rule only. " + METRIC_HELP)
    threshold = _threshold(required=False, help_text="Rule only. ")
    amount = _money("The amount", required=False, help_text="Rule only: paid per event or once per person.")
    per = forms.ChoiceField(label="Paid", choices=Spiff.Per.choices, widget=forms.RadioSelect, required=False)
    eligibility = forms.ChoiceField(
        label="For",
        choices=Spiff.Eligibility.choices,
        widget=forms.RadioSelect,
        initial=Spiff.Eligibility.ALL,
    )
    geo = forms.ChoiceField(label="Geo", required=False, help_text="For the CSMs of a geo.")
    people = forms.CharField(
        label="People",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For named people: their employee ids, separated by commas, spaces or new lines.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        geos = access.employees_visible_to(user).exclude(geo="").values_list("geo", flat=True)
        self.fields["geo"].choices = [("", "—")] + [(g, g) for g in sorted(set(geos))]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code.lower() in RESERVED_CODES:
            raise forms.ValidationError(reserved_code(code))
        if Spiff.objects.filter(code=code).exists():
            raise forms.ValidationError(f"The code {code} is taken by another SPIFF.")
        return code

    def clean_currency(self) -> str:
        return _known_currency(self.cleaned_data["currency"])

    def clean_people(self) -> list[User]:
        ids = list(dict.fromkeys(p for p in PEOPLE_SEPARATORS.split(self.cleaned_data["people"]) if p))
        found = {u.employee_id: u for u in access.employees_visible_to(self.user).filter(employee_id__in=ids)}
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise forms.ValidationError(
                f"No person with the employee id {', '.join(unknown)} among the people you see."
            )
        return [found[i] for i in ids]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", f"The SPIFF ends ({end}) before it starts ({start}).")
        if data.get("kind") == Spiff.Kind.RULE:
            _required(
                self,
                data,
                {
                    "metric": "A rule SPIFF names its metric.",
                    "threshold": "A rule SPIFF states its threshold (a value at or above it qualifies).",
                    "amount": "A rule SPIFF states the amount it pays.",
                    "per": "A rule SPIFF pays per qualifying event or once per person.",
                },
            )
        else:
            for name in ("metric", "threshold", "amount", "per"):
                data[name] = "" if name in ("metric", "per") else None
        eligibility = data.get("eligibility")
        if eligibility == Spiff.Eligibility.GEO:
            _required(self, data, {"geo": "A SPIFF for a geo's CSMs names the geo."})
        else:
            data["geo"] = ""
        if eligibility == Spiff.Eligibility.LIST:
            _required(self, data, {"people": "A SPIFF for named people lists at least one employee id."})
        else:
            data["people"] = None
        return data


class GrantForm(forms.Form):
    """Grant an amount of a manual SPIFF to one person (docs/design.md §11.3 "Grants"), pending until it
    is approved like the SPIFF. The people offered are those eligible and in the granter's reach."""

    employee = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        to_field_name="employee_id",
        empty_label="—",
        error_messages={"invalid_choice": "Choose a person eligible for this SPIFF among those you see."},
    )
    amount = _money("The amount")
    day = forms.DateField(label="Day earned", widget=DateInput(), help_text="Within the SPIFF's dates.")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Why: it is on the record.",
    )

    def __init__(self, *args, user: User, spiff: Spiff, **kwargs):
        super().__init__(*args, **kwargs)
        self.spiff = spiff
        field = self.fields["employee"]
        field.queryset = selectors.grantable_people(user, spiff)
        field.label_from_instance = lambda u: f"{u.employee_id} {u.get_full_name()}".strip()

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not self.spiff.start <= day <= self.spiff.end:
            raise forms.ValidationError(
                f"{day} is outside {self.spiff.code}'s dates ({self.spiff.start} to {self.spiff.end})."
            )
        return day


class PointsRuleForm(forms.Form):
    """A points rule (docs/design.md §11.4): a metric's month value at or above a threshold earns points."""

    code = _code("rule")
    name = forms.CharField(label="Name", max_length=200)
    metric = MetricCodeField()
    threshold = _threshold(required=True)
    points = _whole(
        "Points",
        "The points",
        most=MAX_POINTS,
        above_zero="The points are a whole number above 0.",
        help_text="A whole number, per person and month that qualifies.",
    )
    start = forms.DateField(
        label="First month", widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"], help_text="YYYY-MM."
    )
    end = forms.DateField(
        label="Last month",
        required=False,
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="YYYY-MM; empty: it goes on.",
    )
    expiry_months = _whole(
        "Expiry (months)",
        "The expiry (months)",
        most=MAX_EXPIRY_MONTHS,
        above_zero="The expiry is a whole number of months, 1 or more.",
        required=False,
        help_text="Months after the earning month its points last; empty: POINTS_EXPIRY_MONTHS.",
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if PointsRule.objects.filter(code=code).exists():
            raise forms.ValidationError(f"The code {code} is taken by another points rule.")
        return code

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end.year, end.month) < (start.year, start.month):
            self.add_error("end", f"The last month ({end:%Y-%m}) is before the first ({start:%Y-%m}).")
        return data


class RewardForm(forms.Form):
    """A reward of the catalogue (docs/design.md §11.4): cash (an amount and a currency) or not."""

    code = _code("reward")
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=Reward.Kind.choices, widget=forms.RadioSelect)
    price = _whole(
        "Price (points)",
        "The price (points)",
        most=MAX_POINTS,
        above_zero="The price is a whole number of points above 0.",
    )
    cash_amount = _money("The cash amount", required=False, help_text="Cash only.")
    currency = forms.CharField(
        label="Currency", required=False, max_length=3, validators=[CURRENCY], help_text="Cash only."
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Reward.objects.filter(code=code).exists():
            raise forms.ValidationError(f"The code {code} is taken by another reward.")
        return code

    def clean_currency(self) -> str:
        return _known_currency(self.cleaned_data["currency"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Reward.Kind.CASH:
            _required(
                self,
                data,
                {
                    "cash_amount": "A cash reward pays an amount above 0.",
                    "currency": "A cash reward names its currency (3 letters).",
                },
            )
        elif data.get("kind"):
            for name in ("cash_amount", "currency"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, "Only a cash reward has an amount and a currency.")
        return data
