"""The handbook's FAQ (docs/handbook.md "FAQ"), answered from the plan: every number in an answer — the
new-customer window, the caps, the credit dates, the pull dates, the year-end window — is the plan's or the
year's own, so an answer changes when the plan does. No database: the caller passes the year's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from commissions.engine import PlanSpec
from commissions.models import Plan
from core import formatting as fmt

from .rules import (
    CREDIT_DATES,
    ComponentRule,
    CreditRule,
    Recovery,
    across_years_sentence,
    undoing_dates,
)
from .words import days as days_text

if TYPE_CHECKING:
    from .timeline import Timeline


@dataclass(frozen=True)
class FaqItem:
    """A question, its anchor on the page and its answer, paragraph by paragraph."""

    slug: str
    question: str
    answer: tuple[str, ...]


@dataclass(frozen=True)
class Contacts:
    """Whom to ask (settings ``HANDBOOK_COMMISSION_CONTACT`` and ``HANDBOOK_ADOPTION_CONTACT``)."""

    commission: str
    adoption: str


def has_adoption(spec: PlanSpec) -> bool:
    """Whether ``spec`` has an adoption component (DESIGN §4.3). A plan without one (NRR and KPIs only)
    reads no score, target or snapshot and takes no exception or extra credit (they change adoption only,
    docs/design.md §5, §7): its handbook leaves out every part that concerns them (docs/handbook.md)."""
    return any(c.metric == "adoption" for c in spec.components)


def new_customer_days(end: date, window_days: int) -> tuple[date, date] | None:
    """The first and last start date (both included) that make a customer new in a quarter ending on
    ``end``: end − window < start_date ≤ end (DESIGN §4.3); None for a window of 0 days, which no start
    date satisfies (no customer is new)."""
    if window_days <= 0:
        return None
    return end - timedelta(days=window_days - 1), end


def faq(
    spec: PlanSpec,
    *,
    quarter: tuple[str, date],
    components: list[ComponentRule],
    credit: list[CreditRule],
    timeline: Timeline,
    contacts: Contacts,
    recovery: Recovery | None = None,
) -> list[FaqItem]:
    """The FAQ of ``spec`` for the quarter shown (``quarter``: its code and last day). ``recovery``: the
    plan's clawback and negative-balance options (``Recovery.of(plan)``; None: a plan naming neither, no
    clawback and negative totals carried forward)."""
    adoption = has_adoption(spec)
    return [
        _new_customer(spec, quarter, credit, adoption),
        _no_target(adoption),
        _requests(timeline, adoption),
        _pulls(timeline, adoption),
        _over_achievement(components, spec),
        _deals(credit, spec, timeline.fiscal_year),
        _clawback(spec, quarter, credit, recovery or Recovery()),
        _whom(contacts, adoption),
    ]


def _new_customer(
    spec: PlanSpec, quarter: tuple[str, date], credit: list[CreditRule], adoption: bool
) -> FaqItem:
    question = "What if my customer is new on the last day of the quarter?"
    days = spec.new_customer_window_days
    if not adoption:
        return FaqItem(
            "new-customer",
            question,
            (
                "This plan has no adoption component, so its new-customer window "
                f"({days_text(days)}) changes nothing you are paid. A customer's start date matters to NRR "
                "only through its ARR: NRR starts from the ARR your book had on the quarter's first day.",
            ),
        )
    code, end = quarter
    nrr = any(c.metric == "nrr" for c in spec.components)
    window = new_customer_days(end, days)
    if window is None:
        answer = [
            "It counts like any other customer: no customer is new under this plan, whose new-customer "
            f"window is {days_text(days)}. Nobody is held harmless: from its first quarter a customer with "
            "a target earns the r its score gives, below 100% as above it, and an expansion does not make a "
            "customer newly expanded either.",
        ]
        if nrr:
            answer.append(_NRR_START)
        return FaqItem("new-customer", question, tuple(answer))
    first, last = window
    expansion = next(rule for rule in credit if rule.deal_type == "expansion")
    dates = (
        f"its start date is {fmt.iso_date(last)}, the quarter's last day"
        if first == last
        else f"its start date is from {fmt.iso_date(first)} to {fmt.iso_date(last)}, both included, so the "
        "quarter's last day is in the window"
    )
    answer = [
        f"It is a new customer. The plan's new-customer window is {days_text(days)}: in {code} a customer "
        f"with a target is new when {dates}.",
        "While a new customer's r is below 100% it is left out of your adoption (held harmless): it neither "
        "raises nor lowers A. Once it reaches 100% it counts like any other customer.",
        f"The same holds for a customer with an expansion credited in the window; an expansion is credited "
        f"on its {CREDIT_DATES[expansion.credit_date]}.",
    ]
    if nrr:
        answer.append(_NRR_START)
    return FaqItem("new-customer", question, tuple(answer))


_NRR_START = (
    "For NRR, a customer that had no ARR on the quarter's first day adds nothing to the starting ARR."
)


def _no_target(adoption: bool) -> FaqItem:
    question = "What if my customer has no target?"
    if not adoption:
        return FaqItem(
            "no-target",
            question,
            (
                "Targets are only read by an adoption component, and this plan has none: a customer "
                "without a target changes nothing you are paid.",
            ),
        )
    return FaqItem(
        "no-target",
        question,
        (
            "A customer in the year's target snapshot without a target for the quarter earns credit for "
            "improvement: if its score at the quarter's end is above its baseline it counts with r = 100%; "
            "otherwise it is left out, neither raising nor lowering your adoption.",
            "A customer that is not in the snapshot for the quarter at all is left out, and the "
            "calculation's warnings name it, so operations can check why.",
        ),
    )


def _requests(timeline: Timeline, adoption: bool) -> FaqItem:
    question = "How do exceptions and extra credit work, and who approves them?"
    if not adoption:
        # Neither the approvals nor the year-end window concern a plan they cannot change.
        return FaqItem(
            "exceptions",
            question,
            (
                "Exceptions and extra credit change adoption only, and this plan has no adoption "
                "component: they do not change what it pays.",
            ),
        )
    answer = [
        "An exception credits a customer's adoption differently for a quarter, because the score does not "
        "reflect the effort: the Geo VP of the customer's geo files it with the attainment to grant and a "
        "written reason; the CCO approves or rejects it, then finance; operations applies it. It sets the "
        "customer's r to the granted value.",
        "Extra credit rewards above-and-beyond adoption success: the Geo VP files it with points from "
        "above 0 up to 1 (each point adds 100 percentage points to r); the CCO approves or rejects it; "
        "operations applies it. Neither is clamped by the customer cap.",
        "Nobody approves a request they filed, gives two steps of one request, or takes any step of a "
        "request they benefit from. A quarter cannot close while a request for it is pending.",
        f"Year-end: a closed quarter of {timeline.fiscal_year} takes requests from "
        f"{fmt.iso_date(timeline.year_end_first)} to {fmt.iso_date(timeline.year_end_last)} "
        f"({timeline.year_end_span}). Applied, such a request restates the closed quarter; what it paid "
        "stays, and the difference is paid as a true-up in the next open quarter.",
    ]
    return FaqItem("exceptions", question, tuple(answer))


def _pulls(timeline: Timeline, adoption: bool) -> FaqItem:
    question = "When is my score pulled?"
    pulls = "; ".join(f"{q.code} on {fmt.iso_date(q.pull_date)}" for q in timeline.quarters)
    if not adoption:
        # DESIGN §2, §5: the pull date's job calculates the quarter whatever the plan's components.
        return FaqItem(
            "score-pull",
            question,
            (
                "This plan does not use adoption scores: it has no adoption component, so no score and no "
                "target changes what it pays, and when scores are pulled does not matter to it.",
                f"Its quarters are still calculated on each quarter's pull date, the first day of the month "
                f"after it ends: {pulls}.",
            ),
        )
    source = (
        "the year's commission scorecards"
        if timeline.score_source == "scorecard"
        else "the imported adoption scores"
    )
    answer = [
        f"On each quarter's pull date, the first day of the month after it ends: {pulls}. The pull takes "
        f"each customer's latest score dated on or before the quarter's last day, from {source}. The pull "
        "date's job then calculates the quarter; a score dated after the quarter's last day is left for a "
        "later quarter.",
    ]
    if timeline.snapshot_status == "approved":
        answer.append(
            "The targets the scores are measured against were approved on "
            f"{fmt.iso_date(timeline.approved_at)} and will not change for the rest of the year."
        )
    else:
        answer.append(
            f"The targets of {timeline.fiscal_year} are not approved yet: they may still change until "
            "the CCO approves them; from then on they do not change for the rest of the year."
        )
    return FaqItem("score-pull", question, tuple(answer))


def _over_achievement(components: list[ComponentRule], spec: PlanSpec) -> FaqItem:
    question = "Can I earn more than my on-target amount?"
    over = [c for c in components if c.over_achieves]
    if over:
        first = "Yes, on " + ", ".join(f"{c.code} ({_limit(c)})" for c in over) + "."
    else:
        first = "No: every component of this plan stops at 100% of its share."
    answer = [first, *(c.over_achievement for c in components)]
    if spec.escalators:
        answer.append(
            "An escalator you qualify for multiplies the factors it applies to after their caps, so it "
            "may take a capped component above its cap (see Escalators)."
        )
    return FaqItem("over-achievement", question, tuple(answer))


def _deals(credit: list[CreditRule], spec: PlanSpec, fiscal_year: str) -> FaqItem:
    question = "In which quarter does a deal count?"
    if not any(c.metric == "nrr" for c in spec.components):
        lead = (
            "This plan has no NRR component: a deal changes what it pays only when an expansion makes a "
            "customer newly expanded (see the new-customer question). Each type counts on its date:"
        )
    else:
        lead = "A deal counts once, in the quarter its date falls in:"
    sentences = (lead, *(rule.sentence for rule in credit), across_years_sentence(fiscal_year))
    return FaqItem("deals", question, sentences)


def _clawback(
    spec: PlanSpec, quarter: tuple[str, date], credit: list[CreditRule], recovery: Recovery
) -> FaqItem:
    """Whether a churn or contraction takes back an earlier expansion's credit (docs/design.md §7
    "Clawbacks", ``clawbacks.find_clawbacks``), with the plan's N days and, for an expansion credited on
    the last day of the quarter shown, the days its window covers: from the next day, since the undoing deal
    must be credited after the expansion's quarter, to day N, included."""
    question = "What if my customer churns or contracts after an expansion?"
    # The undoing deal counts in its own quarter as any deal does (design.md §7): in NRR, when there is one.
    nrr = any(c.metric == "nrr" for c in spec.components)
    own_nrr = "counts in the NRR of the quarter it is credited in, as any deal does."
    n = recovery.clawback_days
    if not n:
        return FaqItem(
            "clawback",
            question,
            (
                "This plan has no clawback: a churn or contraction never takes back what an expansion earned "
                "in an earlier quarter.",
                *([f"It {own_nrr}"] if nrr else []),
            ),
        )
    code, end = quarter
    first, last = end + timedelta(days=1), end + timedelta(days=n)
    window = (
        f"on {fmt.iso_date(first)}, the day after"
        if n == 1
        else f"from {fmt.iso_date(first)} to {fmt.iso_date(last)} (day {n} included)"
    )
    payable = (
        "nothing negative is paid: the balance is carried forward and recovered from your later payouts."
        if recovery.negative_balance != Plan.NegativeBalance.PAY_NEGATIVE
        else "the negative total is paid: this plan carries no balance forward."
    )
    return FaqItem(
        "clawback",
        question,
        (
            "It may take back the expansion's credit (a clawback): under this plan a churn or contraction of "
            "the customer credited after the quarter that credited the expansion, and no more than "
            f"{days_text(n)} after the expansion's credit date (day {n} included), takes back all of the "
            "expansion's credit for a churn and, for a contraction, its share of the expansion (the "
            "contraction ÷ the expansion, at most all).",
            f"Each deal is dated by its type's credit date: {undoing_dates(credit)}. An expansion credited "
            f"on {fmt.iso_date(end)}, the last day of {code}, is taken back by a churn or contraction "
            f"credited {window}, and by none credited later.",
            "Once the expansion's quarter has closed and operations apply the clawback, that quarter is "
            "calculated again with the credit taken back; what it then pays less is paid as a clawback "
            "line (negative) in the next open quarter. If the next open quarter's total is then below zero, "
            f"{payable}",
            *([f"The churn or contraction itself still {own_nrr}"] if nrr else []),
        ),
    )


def _whom(contacts: Contacts, adoption: bool) -> FaqItem:
    answer = [
        f"About your commission, a statement or this plan: {contacts.commission}. On a statement, every "
        "line has an “Ask about this line” link that sends your question to operations and your Geo VP.",
    ]
    if adoption:  # scores and targets concern a plan with adoption only
        answer.append(f"About adoption scores and targets: {contacts.adoption}.")
    return FaqItem("contacts", "Whom do I ask?", tuple(answer))


def _limit(component: ComponentRule) -> str:
    if component.top_factor is None:
        return "no cap"
    return f"up to {fmt.percent(component.top_factor)} of its share"
