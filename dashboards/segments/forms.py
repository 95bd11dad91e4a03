"""The forms of the segment and task pages: the members' filters and a task's completion note."""

from __future__ import annotations

from django import forms

from adoption.portfolio.plays import MAX_NOTE


class MemberFilters(forms.Form):
    """``?csm=<employee id>&geo=<geo>&since=<YYYY-MM-DD>`` of a segment's members; every field optional."""

    csm = forms.ChoiceField(label="CSM", required=False)
    geo = forms.ChoiceField(label="Geo", required=False)
    since = forms.DateField(
        label="Entered since", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, csms: list[tuple[str, str]], geos: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["csm"].choices = [("", "Every CSM"), *csms]
        self.fields["geo"].choices = [("", "Every geo"), *((g, g) for g in geos)]


class CompleteTask(forms.Form):
    """What was done: a note is required, at most 2,000 characters."""

    note = forms.CharField(
        label="Note",
        max_length=MAX_NOTE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTE, "placeholder": "What was done"}),
        help_text="What was done, for the record (required, at most 2,000 characters).",
        error_messages={"required": "Write a note: what was done."},
    )
