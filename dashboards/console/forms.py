"""Forms of the console's prior-period part: record a correction from a file, hold a CSM's line.

They parse what was posted; the rules (who may, which quarter, the reason's length, the file's rows) are
the services' (``commissions.services.corrections``, ``holds``), which refuse with a message.
"""

from __future__ import annotations

from django import forms

from accounts.models import User
from commissions.models import Period, Plan
from core.text import MIN_REASON

from .adjustments import RECORDABLE_KINDS, closed_quarters

MAX_FILE_BYTES = 20 * 1024 * 1024


class CorrectionForm(forms.Form):
    """A correction of a closed quarter: its kind, a CSV in the kind's import format and a reason."""

    period = forms.ChoiceField(label="Closed quarter")
    kind = forms.ChoiceField(label="Kind", choices=RECORDABLE_KINDS)
    file = forms.FileField(
        label="CSV file",
        help_text="The format of the kind's import: deal → deals, kpi → kpis, fx → fx, "
        "ownership → ownership, assignment → assignments.",
    )
    reason = forms.CharField(
        label="Reason",
        min_length=MIN_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Why the closed quarter should have paid otherwise (at least {MIN_REASON} characters).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period.code: period for period in closed_quarters()}
        self.fields["period"].choices = [(code, code) for code in self.periods]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB: a correction is a few rows.")
        return upload

    @property
    def chosen_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


class HoldForm(forms.Form):
    """Hold a CSM's line of a plan in a quarter: the CSM by employee id, the plan, a reason."""

    period = forms.CharField(widget=forms.HiddenInput)
    employee_id = forms.CharField(label="Employee id", max_length=64)
    plan = forms.CharField(label="Plan", max_length=64)
    reason = forms.CharField(label="Reason", max_length=2000)

    def clean_employee_id(self) -> User:
        employee_id = self.cleaned_data["employee_id"].strip()
        employee = User.objects.filter(employee_id=employee_id).first()
        if employee is None:
            raise forms.ValidationError(f"No employee {employee_id}.")
        return employee

    def clean_plan(self) -> Plan:
        code = self.cleaned_data["plan"].strip()
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise forms.ValidationError(f"No plan {code}.")
        return plan

    def errors_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)
