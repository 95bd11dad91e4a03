"""Forms of the recognition pages (docs/incentives.md "Contests, wall of fame and nudges"): they parse what
was posted into the values the services take; the rules (dates, participants, the prize and its currency,
points never 0, the e-mail's placeholders, who may) are the services', whose refusal lands on the form
(``show_refusal``)."""

from __future__ import annotations

import re

from django import forms

from accounts.models import User
from commissions.forms import MetricCodeField

from .models import Contest, NudgeConfig

EMPLOYEE_IDS = re.compile(r"[\s,;]+")
_PROBLEM = re.compile(r"^\s*-\s+(?P<text>.+)$")
_ON_FIELD = re.compile(r"^(?P<field>[a-z_]+): (?P<text>.+)$")
RESERVED_CODE = "new"  # /recognition/contests/new/ and /recognition/nudges/new/ are pages
SAVED_FIELDS = ("metric", "geo", "subject", "message", "task_title", "enabled")


def show_refusal(form: forms.Form, message: str) -> None:
    """Put a service's refusal (``RecognitionInvalid``: a first line, then "  - problem" lines) on
    ``form``: each problem once, on its field when the service names one of the form's fields
    (``"code: …"``), else above the form."""
    lines = [m["text"] for line in message.splitlines() if (m := _PROBLEM.match(line))] or [message]
    for line in lines:
        named = _ON_FIELD.match(line)
        if named and named["field"] in form.fields:
            form.add_error(named["field"], named["text"])
        else:
            form.add_error(None, line)


def _not_reserved(code: str) -> str:
    if code == RESERVED_CODE:
        raise forms.ValidationError(f"{RESERVED_CODE!r} names the page that makes one: choose another code.")
    return code


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _geo_choices(blank: str) -> list[tuple[str, str]]:
    geos = (
        User.objects.filter(is_active=True)
        .exclude(geo="")
        .order_by("geo")
        .values_list("geo", flat=True)
        .distinct()
    )
    return [("", blank), *((geo, geo) for geo in geos)]


class ContestForm(forms.Form):
    """A contest to draft (``services.contests.create_contest``). The named people are given by employee
    id; whether the participants, dates and prize make a contest, the service decides."""

    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="Short and unique, in the contest's address, e.g. clean-data-may.",
    )
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(label="First day", widget=_date_input())
    end = forms.DateField(label="Last day", widget=_date_input(), help_text="Both days are included.")
    participants = forms.ChoiceField(
        label="Participants", choices=Contest.Participants.choices, widget=forms.RadioSelect
    )
    geo = forms.ChoiceField(label="Geo", required=False, help_text="For a contest of a geo's CSMs.")
    people = forms.CharField(
        label="Named people",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a contest of named people: their employee ids, separated by commas or new lines.",
    )
    starting_score = forms.DecimalField(
        label="Starting score",
        max_digits=12,
        decimal_places=2,
        initial=100,
        help_text="Everyone starts here.",
    )
    prize = forms.DecimalField(
        label="Prize",
        required=False,
        max_digits=18,
        decimal_places=2,
        help_text="Money; leave empty for none.",
    )
    currency = forms.RegexField(
        r"^[A-Za-z]{3}$",
        label="Currency",
        required=False,
        max_length=3,
        help_text="The prize's currency, e.g. EUR.",
        error_messages={"invalid": "A currency is a 3-letter code such as EUR."},
    )
    tie_break = forms.ChoiceField(
        label="On a tie",
        choices=Contest.TieBreak.choices,
        initial=Contest.TieBreak.SHARE,
        help_text="Tied winners share the prize equally, to the cent (the only rule today).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["geo"].choices = _geo_choices("—")

    def clean_code(self) -> str:
        return _not_reserved(self.cleaned_data["code"])

    def clean_people(self) -> list[User]:
        ids = [i for i in EMPLOYEE_IDS.split(self.cleaned_data["people"].strip()) if i]
        found = {u.employee_id: u for u in User.objects.filter(employee_id__in=ids)}
        unknown = [i for i in dict.fromkeys(ids) if i not in found]
        if unknown:
            raise forms.ValidationError(f"No employee {', '.join(unknown)}.")
        return [found[i] for i in dict.fromkeys(ids)]

    def service_arguments(self) -> dict:
        """The cleaned values as ``create_contest`` takes them (its only tie rule is its default)."""
        data = dict(self.cleaned_data)
        data.pop("tie_break")
        data["currency"] = (data["currency"] or "").upper()
        return data


class EventForm(forms.Form):
    """Points for a participant on a day (``services.contests.add_event``): + or −, 2 decimals."""

    employee = forms.ModelChoiceField(label="Person", queryset=User.objects.none(), empty_label="—")
    day = forms.DateField(label="Day", widget=_date_input())
    points = forms.DecimalField(
        label="Points", max_digits=12, decimal_places=2, help_text="Negative to take points away, e.g. -5."
    )
    reason = forms.CharField(label="Reason", max_length=200, help_text="e.g. a data-quality slip.")

    def __init__(self, *args, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["employee"]
        field.queryset = participants if participants is not None else User.objects.none()
        field.label_from_instance = lambda u: f"{u.name or u.email} ({u.employee_id})"


class MetricEventsForm(forms.Form):
    """Events generated from a person metric (``services.contests.events_from_metric``): each value ×
    the points per unit, once per person, day and metric."""

    metric = MetricCodeField(
        help_text="A whole count per person and day of the person_metrics import, e.g. demerits."
    )
    points_per_unit = forms.DecimalField(
        label="Points per unit", max_digits=12, decimal_places=2, help_text="e.g. -5 for each demerit."
    )
    as_of = forms.DateField(
        label="Up to",
        required=False,
        widget=_date_input(),
        help_text="Leave empty for the contest's last day.",
    )


class NudgeConfigForm(forms.Form):
    """A bottom-5% nudge config (``services.nudges.save_config``): the code is fixed once it exists."""

    code = forms.SlugField(label="Code", max_length=40, help_text="Short and unique, e.g. logins.")
    metric = MetricCodeField(
        help_text="The people with its lowest values last month are nudged, e.g. login_rate."
    )
    geo = forms.ChoiceField(label="Geo", required=False, help_text="Leave empty for every active CSM.")
    subject = forms.CharField(label="E-mail subject", max_length=200)
    message = forms.CharField(
        label="E-mail text",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=NudgeConfig._meta.get_field("message").help_text + " Write $$ for a dollar sign.",
    )
    task_title = forms.CharField(
        label="Task", max_length=200, help_text="Shown on the person's page, e.g. prepare a 5-minute demo."
    )
    enabled = forms.BooleanField(label="Send it each month", required=False, initial=True)

    def __init__(self, *args, existing: NudgeConfig | None = None, **kwargs):
        if existing is not None:
            kwargs.setdefault("initial", {name: getattr(existing, name) for name in ("code", *SAVED_FIELDS)})
        super().__init__(*args, **kwargs)
        self.fields["geo"].choices = _geo_choices("Every geo")
        if existing is not None:
            self.fields["code"].disabled = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        return code if self.fields["code"].disabled else _not_reserved(code)


class NeedsAttentionForm(forms.Form):
    """Switch the wall of fame's needs-attention list on (naming its metric) or off
    (``services.wall.set_needs_attention``)."""

    enabled = forms.TypedChoiceField(
        choices=[("1", "On"), ("0", "Off")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )
    metric = MetricCodeField(
        required=False, help_text="Its bottom 5% of last month is listed, e.g. login_rate."
    )
