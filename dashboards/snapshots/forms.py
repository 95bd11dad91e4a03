"""The CCO's approval of a target snapshot (DESIGN §3 "Target snapshots"): a confirmation is required."""

from django import forms

from adoption.services import MAX_COMMENT

CONFIRMATION = (
    "I have reviewed the {fiscal_year} target snapshot (revision {revision}): once approved, its targets"
    " will not change for the rest of the year."
)


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Tick the confirmation that you have reviewed the targets: nothing was approved."
        },
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The revision the page showed: a draft that changed since is not approved (adoption.services).
    revision = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form does not say which revision you reviewed: open the review again.",
            "invalid": "The form does not say which revision you reviewed: open the review again.",
        },
    )

    def __init__(self, *args, snapshot, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("revision", snapshot.revision)
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = CONFIRMATION.format(
            fiscal_year=snapshot.fiscal_year, revision=snapshot.revision
        )
