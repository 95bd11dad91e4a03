"""A plan's rules in plain words (docs/handbook.md "Rules"), from its ``PlanSpec`` and its ``Recovery``
options alone: no database, no request. Every figure is the plan's own (DESIGN §3 "Plans", §4): shares are
weight ÷ Σ weights, the factor's threshold, accelerator and cap are §4.6's, the adoption options §4.3's,
credit dates §4.4's, escalators docs/design.md §11.2's, clawbacks and negative totals §7's. What a
component may pay above its share is asked of the engine (``payout.payout_factor``), never re-derived here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from commissions.engine import ComponentSpec, EscalatorSpec, PlanSpec
from commissions.engine.kpi import lower_is_better_attainment
from commissions.engine.money import exact
from commissions.engine.payout import payout_factor
from commissions.engine.types import DEAL_TYPES
from commissions.models import Plan
from commissions.services.plans.computed import unit_value_text
from core import formatting as fmt
from core.calendar import FiscalYear

from .words import days

ONE = Decimal(1)
DEFAULT_NRR_FLOOR = ONE  # DESIGN §3 "Plans": floor defaults to 1.0 on NRR
# An attainment far above anything a quarter reaches: the factor there is the most a component can pay
# (its cap, or 1 without an accelerator) when its attainment has no upper bound.
UNBOUNDED = Decimal(10) ** 6

CREDIT_DATES = {"booked": "booking date", "effective": "effective date"}


@dataclass(frozen=True)
class CreditRule:
    """When one deal type counts (DESIGN §4.4): ``credit_date`` booked | effective, ``by_type`` when the
    plan names a date for the type (``credit_date_by_type``) rather than its default ``credit_date``."""

    deal_type: str
    credit_date: str
    by_type: bool

    @property
    def sentence(self) -> str:
        source = "the plan's rule for this type" if self.by_type else "the plan's default"
        return (
            f"{self.deal_type.capitalize()}: counts in the quarter of its {CREDIT_DATES[self.credit_date]} "
            f"({source})."
        )


def credit_date_rules(spec: PlanSpec) -> list[CreditRule]:
    """The credit date of every deal type, in ``DEAL_TYPES`` order, as the engine credits it
    (``PlanSpec.credit_date_of``: the plan's ``credit_date_by_type`` where it names the type, else its
    ``credit_date``; issue 20). The one place the handbook words credit dates (DESIGN §4.4)."""
    by_type = dict(spec.credit_date_by_type)
    return [
        CreditRule(deal_type, spec.credit_date_of(deal_type), deal_type in by_type)
        for deal_type in DEAL_TYPES
    ]


@dataclass(frozen=True)
class Recovery:
    """A plan's options for taking pay back (docs/design.md §7 "Clawbacks", "Payable lines"):
    ``clawback_days`` N (None or 0: no clawback, as no churn or contraction can then fall in the window) and
    ``negative_balance`` (``carry_forward``, the default, or ``pay_negative``). The defaults are the
    plan's own when it names neither."""

    clawback_days: int | None = None
    negative_balance: str = Plan.NegativeBalance.CARRY_FORWARD

    @classmethod
    def of(cls, plan: Plan) -> Recovery:
        """The options of a loaded plan, as ``clawbacks.find_clawbacks`` and ``ledger.compute_lines`` read
        them."""
        return cls(clawback_days=plan.clawback_days or None, negative_balance=plan.negative_balance)


def undoing_dates(credit: list[CreditRule]) -> str:
    """``"an expansion by its booking date, a contraction by its booking date and a churn by its
    effective date"``: the credit date of each type a clawback reads (``credit_date_rules``, issue 20)."""
    dates = {rule.deal_type: CREDIT_DATES[rule.credit_date] for rule in credit}
    return (
        f"an expansion by its {dates['expansion']}, a contraction by its {dates['contraction']} and a churn "
        f"by its {dates['churn']}"
    )


def clawback_sentences(recovery: Recovery, credit: list[CreditRule]) -> list[str]:
    """The plan's clawback rule in words, [] when it has none (docs/design.md §7 "Clawbacks";
    ``commissions.services.clawbacks.find_clawbacks``): a churn or contraction credited after the quarter
    that credited an expansion of the same customer and at most N days after the expansion's credit date
    (day N included) takes back all of its credit (churn) or the share |contraction| ÷ expansion, at most
    all; the expansion's closed quarter is restated and the difference paid as a ``clawback`` line in the
    payable quarter (``restatements.payable_quarter``). Each deal is dated by its type's credit date."""
    n = recovery.clawback_days
    if not n:
        return []
    return [
        "A churn or contraction of a customer credited after the quarter that credited an expansion of it, "
        f"and no more than {days(n)} after that expansion's credit date (day {n} included), takes back the "
        "expansion's credit: all of it for a churn; for a contraction, its share of the expansion (the "
        "contraction ÷ the expansion, at most all: a contraction of 3,000 after an expansion of 7,500 takes "
        "back 40%).",
        f"Each deal is dated by its type's credit date (When a deal counts): {undoing_dates(credit)}.",
        "Once the expansion's quarter has closed and operations apply the clawback, that quarter is "
        "calculated again with the credit taken back, and what it then pays less is paid as a clawback line "
        "(negative) in the next open quarter. When the churn or contraction is corrected later, the "
        "clawback is revised and what it no longer takes back is paid back.",
        "The churn or contraction also counts in its own quarter, as any deal does.",
    ]


def negative_balance_sentence(recovery: Recovery) -> str:
    """What a negative quarter total becomes under the plan's ``negative_balance`` (docs/design.md §7
    "Payable lines", "Negative balances"; ``commissions.services.ledger.compute_lines``): carried forward
    and recovered from later payouts (``carry_forward``), or paid negative (``pay_negative``)."""
    lines = (
        "When what a quarter pays you under this plan (its commission, the true-ups and clawbacks of earlier "
        "quarters paid in it, released holds and a negative balance carried in) adds up to less than zero, "
    )
    if recovery.negative_balance == Plan.NegativeBalance.PAY_NEGATIVE:
        return lines + "the negative total is paid as it is: this plan carries no balance forward."
    return lines + (
        "nothing negative is paid: the balance is carried forward (a carry-forward line) and recovered from "
        "what your later quarters pay you, across fiscal years too, in your first plan (by code) of the same "
        "currency that pays you. With no such plan it stays outstanding: reported, never deducted from "
        "anything else."
    )


def across_years_sentence(fiscal_year: str) -> str:
    """How a deal dated before and after a person's change of plan counts, for a plan of ``fiscal_year``
    (e.g. FY27): once, by the date the plan they were on at its earlier date names for its type — across a
    fiscal-year boundary, or a move to or from this plan within the year (DESIGN §3
    "Plans"; ``commissions.engine.crossing``, whose ``credit_across_years`` and ``credit_across_plans``
    warnings name such deals on the run). Raises ``CalendarError`` for a code that is no fiscal year."""
    year = FiscalYear.parse(fiscal_year)
    before, after = FiscalYear(year.year - 1).code, FiscalYear(year.year + 1).code
    return (
        "A deal counts once even when you change plans around its booking and effective dates: the "
        f"plan you were on at the earlier date decides. One dated in {before} and {year.code} counts as your "
        f"{before} plan credits its type. Within {year.code}, one whose earlier date is before you moved to "
        "this plan counts as the plan you left credits it, and one whose earlier date is after you moved "
        "from this plan counts as the plan you joined credits it (when you were on one); between two plans, "
        "the plan you were on last decides. One dated in "
        f"{year.code} and {after} counts as this plan credits it, whatever your {after} plan says. In the "
        "quarter you move in, each plan pays its share of the quarter (by your days on it), and each counts "
        "the deals it dates in that quarter toward that share."
    )


@dataclass(frozen=True)
class ComponentRule:
    """One component in words: its share of the on-target amount, goal, floor, threshold, accelerator and
    cap, and whether (and how far) it pays above its share."""

    code: str
    metric: str
    label: str
    share: Decimal  # weight ÷ Σ weights of the plan (DESIGN §3: the shares when every component applies)
    measure: list[str]  # how attainment is reached, sentence by sentence
    goal: str
    floor: str
    threshold: str
    accelerator: str
    cap: str
    top_factor: Decimal | None  # the most its factor reaches (engine); None: no limit
    over_achieves: bool

    @property
    def over_achievement(self) -> str:
        if not self.over_achieves:
            return f"{self.code} pays at most its share: its factor stops at {fmt.percent(self.top_factor)}."
        if self.top_factor is None:
            return f"{self.code} may pay above its share, without a cap."
        return f"{self.code} may pay above its share, up to {fmt.percent(self.top_factor)} of it."


def shares_text(spec: PlanSpec) -> str:
    """``"ADOPTION 33.3%, NRR 33.3%, KPI 33.3%"``: each component's share when all apply."""
    return ", ".join(f"{rule.code} {fmt.percent(rule.share)}" for rule in component_rules(spec))


def component_rules(
    spec: PlanSpec,
    *,
    goals: Mapping[str, Decimal | None] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[ComponentRule]:
    """Every component of ``spec`` in words. ``goals``: the reader's own goals by metric (``"nrr"``,
    ``"kpi"``: their assignment's ``nrr_goal``/``kpi_goal``, which replace the plan's, DESIGN §4.4–4.5);
    ``units``: a KPI component's unit by code (``ratio``, ``customers`` or ``""``: a count)."""
    goals, units = goals or {}, units or {}
    total = sum((c.weight for c in spec.components), Decimal(0))
    rules = []
    for c in spec.components:
        with exact():
            share = c.weight / total if total else Decimal(0)
        top = top_factor(c, spec, goal=goal_of(c, goals))
        rules.append(
            ComponentRule(
                code=c.code,
                metric=c.metric,
                label=_label(c),
                share=share,
                measure=_measure(c, spec),
                goal=_goal(c, goals, units),
                floor=fmt.percent(c.floor if c.floor is not None else DEFAULT_NRR_FLOOR)
                if c.metric == "nrr"
                else "",
                threshold=_threshold(c),
                accelerator=_accelerator(c),
                cap=f"factor capped at {fmt.percent(c.cap)}" if c.cap is not None else "no cap",
                top_factor=top,
                over_achieves=top is None or top > ONE,
            )
        )
    return rules


def goal_of(component: ComponentSpec, goals: Mapping[str, Decimal | None]) -> Decimal | None:
    """The goal a component is measured against: the reader's own (by metric) when set, else the plan's."""
    own = goals.get(component.metric)
    return own if own is not None else component.goal


def top_attainment(component: ComponentSpec, spec: PlanSpec, *, goal: Decimal | None) -> Decimal | None:
    """The highest attainment a component reaches, or None when it has no upper bound: adoption's A is a
    mean of r clamped at ``customer_cap`` (DESIGN §4.3; an exception or extra credit may go beyond); a
    lower-is-better KPI's is its value of 0 (DESIGN §10.3, 1 without an accelerator); NRR and a
    higher-is-better KPI have none."""
    if component.metric == "adoption":
        return spec.customer_cap
    if component.metric == "kpi" and component.direction == "lower":
        if goal is None or component.ceiling is None or component.ceiling <= goal:
            return ONE
        return lower_is_better_attainment(
            Decimal(0), goal, component.ceiling, accelerated=component.accelerator > 0
        )
    return None


def top_factor(component: ComponentSpec, spec: PlanSpec, *, goal: Decimal | None) -> Decimal | None:
    """The most a component's factor reaches (``payout.payout_factor`` at its highest attainment); None when
    nothing limits it (no upper bound on attainment, an accelerator above 0 and no cap)."""
    highest = top_attainment(component, spec, goal=goal)
    if highest is None and component.cap is None and component.accelerator > 0:
        return None
    return payout_factor(highest if highest is not None else UNBOUNDED, component)


def escalator_sentence(escalator: EscalatorSpec) -> str:
    """One escalator in words (docs/design.md §11.2)."""
    over = (
        "averages at least {bar} over the quarter"
        if escalator.over != "months"
        else "averages at least {bar} in each month of the quarter"
    ).format(bar=fmt.number(escalator.at_least))
    target = (
        "every component's factor" if escalator.applies_to == "total" else f"{escalator.applies_to}'s factor"
    )
    months = " or in one of its months" if escalator.over == "months" else ""
    return (
        f"{escalator.code}: when your {escalator.metric} {over}, {target} is multiplied by "
        f"{fmt.number(escalator.multiplier)} (after thresholds, accelerators and caps). No value of "
        f"{escalator.metric} in the quarter{months} means no escalator."
    )


def adoption_sentences(spec: PlanSpec) -> list[str]:
    """The plan's adoption options in words (DESIGN §4.3), for a plan with an adoption component."""
    formula = (
        "r = (score − baseline) ÷ (target − baseline): the share of the way from the customer's baseline "
        "to its target for the quarter (1 when the target is not above the baseline and the score reaches it)"
        if spec.formula == "progress"
        else "r = score ÷ target for the quarter"
    )
    weighting = (
        "weighted by each customer's ARR on the quarter's last day"
        if spec.weighting == "arr"
        else "each counted customer weighing the same"
    )
    return [
        f"Each customer with a target earns {formula}, clamped to 0–{fmt.percent(spec.customer_cap)} "
        "(the plan's customer cap). A customer without a pulled score earns 0.",
        f"Adoption A is the mean of r over the customers that count, {weighting}.",
        _new_customers(spec.new_customer_window_days),
        "Customers without a target: a customer whose score is above its baseline counts with r = 100% "
        "(credit for improvement); otherwise it is left out. A customer not in the year's target snapshot "
        "for the quarter is left out.",
        "An applied exception sets a customer's r to the granted value; applied extra credit adds its points "
        "to r. Neither is clamped by the customer cap.",
    ]


def _new_customers(window_days: int) -> str:
    """The new-customer window in words (DESIGN §4.3: end − window < start_date ≤ end, so a window of 0
    days holds no start date)."""
    if window_days <= 0:
        return (
            "New customers: no customer is new under this plan (its new-customer window is 0 days): nobody "
            "is held harmless, and every customer with a target counts from its first quarter."
        )
    span = (
        "on the quarter's last day"
        if window_days == 1
        else f"in the {days(window_days)} ending on the quarter's last day (that day included)"
    )
    return (
        f"New customers: a customer with a target whose start date falls {span}, or with an expansion "
        f"credited {'on that day' if window_days == 1 else 'in those days'}, is left out while its r is "
        "below 100% (held harmless), and counts once it reaches 100%."
    )


def _label(c: ComponentSpec) -> str:
    if c.metric == "adoption":
        return "Adoption score"
    if c.metric == "nrr":
        return "Net revenue retention (NRR)"
    how = "computed by Attain from your book" if c.source == "computed" else "imported each quarter"
    lower = ", lower is better" if c.direction == "lower" else ""
    return f"KPI {c.kpi} ({how}{lower})"


def _measure(c: ComponentSpec, spec: PlanSpec) -> list[str]:
    if c.metric == "adoption":
        return ["Attainment is adoption A (below)."]
    if c.metric == "nrr":
        return [
            "NRR = (ARR of your book on the quarter's first day + the ARR change of the deals credited in "
            "the quarter) ÷ that starting ARR.",
            "Attainment = (NRR − floor) ÷ (goal − floor), never below 0.",
        ]
    if c.direction == "lower":
        return [
            "Attainment is 100% at or below the goal, falling evenly to 0 at the ceiling "
            f"({fmt.number(c.ceiling) if c.ceiling is not None else '—'}); "
            + (
                "below the goal it keeps rising (the plan gives an accelerator)."
                if c.accelerator > 0
                else "it never goes above 100%."
            )
        ]
    measured = ""
    if c.source == "computed":
        measured = (
            " (the mean of the quarter's daily values)"
            if c.measure == "quarter_average"
            else " (its value on the quarter's last day)"
        )
    return [f"Attainment = your {c.kpi} value{measured} ÷ the goal."]


def _goal(c: ComponentSpec, goals: Mapping[str, Decimal | None], units: Mapping[str, str]) -> str:
    if c.metric == "adoption":
        return "each customer's target in the year's snapshot"
    goal = goal_of(c, goals)
    own = goals.get(c.metric) is not None
    if goal is None:
        return "set per person on their assignment"
    text = fmt.percent(goal) if c.metric == "nrr" else unit_value_text(goal, units.get(c.code, ""))
    if own and goal != c.goal:
        plan_goal = (
            "none"
            if c.goal is None
            else (
                fmt.percent(c.goal) if c.metric == "nrr" else unit_value_text(c.goal, units.get(c.code, ""))
            )
        )
        return f"{text} (your assignment's goal; the plan's is {plan_goal})"
    return text


def _threshold(c: ComponentSpec) -> str:
    if c.threshold <= 0:
        return "none: any attainment pays"
    return f"an attainment below {fmt.percent(c.threshold)} pays nothing"


def _accelerator(c: ComponentSpec) -> str:
    if c.accelerator == 0:
        return "0: attainment above 100% pays no more"
    if c.accelerator == ONE:
        return "1: each point of attainment above 100% pays one point"
    times = fmt.number(c.accelerator)
    return f"{times}: each point of attainment above 100% pays {times} points"
