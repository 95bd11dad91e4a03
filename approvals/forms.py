"""Forms of the request and inquiry pages: they check the input's shape; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings

from accounts.models import User
from commissions.models import Period
from core.errors import AttainError
from core.text import CONTROL_CHARACTERS, MAX_REASON, MIN_REASON

from . import selectors
from .models import Request
from .services import MAX_LINE, MIN_JUSTIFICATION, customers_to_ask_about

MIN_INQUIRY = MIN_REASON
MIN_ANSWER = MIN_REASON
NOT_IN_BOOK = "%(value)s is not a customer of your book, now or at the quarter's end."
# The first sentence an "Ask about this line" link prefills, naming the line and its figure ("About ADOPTION
# in FY22-Q2 (833.33 USD): ", DESIGN §5 "Inquiries"): a question is what the CSM writes after it.
PREFILLED_SENTENCE = re.compile(r"About [^\n]+? in FY\d{2}-Q[1-4] \([^\n]*?\):")


def _code(period: Period) -> str:
    return f"{period.code} (closed)" if period.is_closed else period.code


class QuarterField(forms.ChoiceField):
    """A quarter by its code, among the offered ones (``selectors.offered_periods``), stored or not yet.

    A form is cleaned only when it is sent (POST): cleaning gives the quarter's row, created open on
    first use — so showing the form (a GET) never writes. Another quarter is refused with the sentence
    the API answers (``selectors.offered_period``).
    """

    periods: list[Period] = []

    def offer(self, periods: list[Period]) -> None:
        self.periods = periods
        self.choices = [(period.code, _code(period)) for period in periods]

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # required; the offered quarters are checked by ``clean``

    def clean(self, value) -> Period | None:
        code = super().clean(value)
        if not code:
            return None
        try:
            return selectors.offered_period(code, self.periods)
        except AttainError as exc:
            raise forms.ValidationError(exc.message) from None


def _filing_label(period: Period) -> str:
    return f"{period.code} (closed — year-end)" if period.is_closed else period.code


class QuartersField(forms.MultipleChoiceField):
    """One or more quarters by their codes, among those a request may be filed for
    (``selectors.filing_periods``): cleaned, as ``QuarterField``, into their rows, in the order chosen.
    Whether they make one filing (one fiscal year, each once) the service decides."""

    widget = forms.CheckboxSelectMultiple
    periods: list[Period] = []

    def offer(self, periods: list[Period]) -> None:
        self.periods = periods
        self.choices = [(period.code, _filing_label(period)) for period in periods]

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # required; the offered quarters are checked by ``clean``

    def clean(self, value) -> list[Period]:
        codes = super().clean(value)
        try:
            return [selectors.offered_period(code, self.periods) for code in dict.fromkeys(codes)]
        except AttainError as exc:
            raise forms.ValidationError(exc.message) from None


def _min_length(field: str, n: int) -> dict:
    return {"min_length": f"The {field} needs at least {n} characters (it has %(show_value)d)."}


class RequestForm(forms.Form):
    """File an exception or extra-credit request for one or more quarters of a fiscal year (DESIGN §5)."""

    kind = forms.ChoiceField(choices=Request.Kind.choices, widget=forms.RadioSelect, label="Kind")
    customer = forms.CharField(
        label="Customer ID",
        max_length=64,
        help_text="A customer of your geo, by its CRM ID as your book lists it.",
    )
    period = QuartersField(label="Quarters", error_messages={"required": "Choose at least one quarter."})
    value = forms.DecimalField(
        max_digits=8,
        decimal_places=4,
        label="Value",
        help_text="Exception: the granted attainment r, from 0 to the customer cap. "
        "Extra credit: points above 0 and at most 1.",
    )
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=MIN_JUSTIFICATION,
        max_length=MAX_REASON,
        help_text=f"Why the score does not reflect the work; {MIN_JUSTIFICATION} to {MAX_REASON:,} "
        "characters.",
        error_messages=_min_length("justification", MIN_JUSTIFICATION),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["period"].offer(selectors.filing_periods())
        self.fields["period"].help_text = (
            "One or more quarters of one fiscal year: one request each. A closed quarter takes year-end "
            f"requests for {settings.YEAR_END_WINDOW_DAYS} days after its fiscal year's last pull."
        )

    def clean_customer(self):
        customer_id = self.cleaned_data["customer"].strip()
        customer = selectors.customer_in_scope(self.user, customer_id)
        if customer is None:
            raise forms.ValidationError(f"No customer {customer_id} among the customers of your geo.")
        return customer


class DecisionForm(forms.Form):
    """Approve or reject: every decision carries a comment (DESIGN §5)."""

    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment",
        help_text="Required: it goes into the request's timeline and the e-mails.",
        error_messages={"required": "Every decision carries a comment."},
    )


class NoteForm(forms.Form):
    """Withdraw or apply: an optional comment."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment", required=False)


class InquiryForm(forms.Form):
    """A CSM's question about a customer of their book or a line of their statement (DESIGN §5 "Inquiries").

    The statement's "Ask about this line" links open it prefilled (``initial``: period, customer, component,
    message); ``prefill_errors`` says what of a prefill cannot be used, since a GET is never cleaned.
    """

    period = QuarterField(label="Quarter")
    customer = forms.ModelChoiceField(
        queryset=None,
        to_field_name="customer_id",
        required=False,
        label="Customer",
        empty_label="— none: a statement line —",
        error_messages={"invalid_choice": "Select a valid choice: " + NOT_IN_BOOK},
    )
    component = forms.CharField(
        max_length=MAX_LINE,
        required=False,
        label="Statement line (component code)",
        help_text="E.g. ADOPTION, NRR or a KPI code.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=MIN_INQUIRY,
        max_length=MAX_REASON,
        label="Question",
        error_messages=_min_length("question", MIN_INQUIRY),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].offer(selectors.offered_periods(open_only=False))
        code = (self.data.get("period") if self.is_bound else self.initial.get("period")) or ""
        # A customer of the book the quarter's statement credits may have moved since (DESIGN §4 "Book").
        stored = next((p for p in self.fields["period"].periods if p.code == code and p.pk), None)
        self.fields["customer"].queryset = customers_to_ask_about(user, stored).order_by("customer_id")

    def clean_message(self) -> str:
        """Refuse the prefilled sentence alone: it names the line, it asks nothing (DESIGN §5)."""
        message = self.cleaned_data["message"]
        prefill = PREFILLED_SENTENCE.match(message.strip())
        if prefill is not None and not message.strip()[prefill.end() :].strip(" \t\r\n.?!:;,-"):
            raise forms.ValidationError(
                f"Write your question after the line's description (“{prefill.group(0)}”): "
                "the prefilled sentence alone asks nothing."
            )
        return message

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not (data.get("component") or "").strip():
            raise forms.ValidationError("Say which customer or which statement line the question is about.")
        return data

    def prefill_errors(self) -> list[str]:
        """What of the prefill (``initial``, from a link's query) cannot be used, each in a sentence; the
        unusable values are dropped from the form, which is shown without them."""
        errors, initial = [], self.initial
        code = str(initial.get("period") or "")
        offered = [period.code for period in self.fields["period"].periods]
        if code and code not in offered:
            errors.append(
                f"{code} is not a quarter to ask about; choose one of {', '.join(offered) or 'none'}."
            )
            initial["period"] = ""
        customer_id = str(initial.get("customer") or "")
        if customer_id and not self.fields["customer"].queryset.filter(customer_id=customer_id).exists():
            errors.append(NOT_IN_BOOK % {"value": customer_id})
            initial["customer"] = ""
        for name, limit in (("component", MAX_LINE), ("message", MAX_REASON)):
            value = str(initial.get(name) or "")
            if len(value) > limit or CONTROL_CHARACTERS.search(value):
                errors.append(
                    f"The {self.fields[name].label.lower()} given is over {limit:,} characters long "
                    "or holds a control character."
                )
                initial[name] = ""
        return errors


class AnswerForm(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=MIN_ANSWER,
        max_length=MAX_REASON,
        label="Answer",
        error_messages=_min_length("answer", MIN_ANSWER),
    )


class ReplyForm(forms.Form):
    """The CSM's reply to an answer: it opens the inquiry again."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=MIN_ANSWER,
        max_length=MAX_REASON,
        label="Your reply",
        error_messages=_min_length("reply", MIN_ANSWER),
    )


class ConvertForm(forms.Form):
    """Turn an inquiry about a customer into an exception request."""

    value = forms.DecimalField(
        max_digits=8,
        decimal_places=4,
        label="Granted attainment r",
        help_text="From 0 to the customer cap.",
    )
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=MIN_JUSTIFICATION,
        help_text=f"At least {MIN_JUSTIFICATION} characters.",
        error_messages=_min_length("justification", MIN_JUSTIFICATION),
    )
