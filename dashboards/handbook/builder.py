"""A plan's handbook for one reader (docs/handbook.md): the rules, worked examples and FAQ of ``rules``,
``examples`` and ``faq`` from the plan's ``PlanSpec`` (``commissions.loaders.plan_spec``, as every run reads
the plan), and the year's ``timeline``.

The examples' on-target amount is the reader's own for the quarter shown — the engine's
``payout.on_target_amounts`` over their assignments to the plan, prorated by days as on their statement —
when they are on the plan in that quarter; otherwise the round ``examples.EXAMPLE_OTI`` (10,000.00 in the
plan's currency), said as such. Their assignment's goals replace the plan's in the rules and examples, as
in the calculation (DESIGN §4.4–4.5). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from commissions.engine import PlanSpec
from commissions.engine.payout import on_target_amounts
from commissions.loaders import plan_spec
from commissions.models import Assignment, Plan
from commissions.services.periods import not_a_quarter_of
from commissions.services.plans import kpi_unit
from core.calendar import CalendarError, FiscalQuarter, FiscalYear
from core.errors import NotFound
from core.fiscal import calendar

from .examples import EXAMPLE_OTI, WorkedExample, escalated_example, worked_examples
from .faq import Contacts, FaqItem, faq, has_adoption
from .rules import (
    ComponentRule,
    CreditRule,
    Recovery,
    across_years_sentence,
    adoption_sentences,
    clawback_sentences,
    component_rules,
    credit_date_rules,
    escalator_sentence,
    negative_balance_sentence,
    shares_text,
)
from .timeline import Timeline, year_timeline


@dataclass(frozen=True)
class Handbook:
    """Everything the handbook page and its PDF show for one plan, reader and quarter."""

    plan: Plan
    spec: PlanSpec
    quarter: str
    quarter_start: date
    quarter_end: date
    quarters: tuple[str, ...]
    oti: Decimal
    own_oti: bool
    # False when nobody reads it as themselves (a quarter's ZIP of statements, for everyone it pays): the
    # example amount is then said neutrally, never "you are not on the plan".
    has_reader: bool
    shares: str
    components: list[ComponentRule]
    # False for a plan without an adoption component: its handbook leaves out the target snapshot, the
    # year-end window for exceptions and extra credit, and every other part about adoption (``has_adoption``).
    has_adoption: bool
    adoption: list[str]
    credit: list[CreditRule]
    credit_across_years: str
    # docs/design.md §7: the clawback rule ([] when the plan has none) and what a negative total becomes.
    clawbacks: list[str]
    negative_balance: str
    escalators: list[str]
    examples: list[WorkedExample]
    escalated: WorkedExample | None
    timeline: Timeline
    faq: list[FaqItem]
    contacts: Contacts
    today: date


def contacts() -> Contacts:
    """The FAQ's contacts from the settings (docs/handbook.md "Settings")."""
    return Contacts(
        commission=settings.HANDBOOK_COMMISSION_CONTACT, adoption=settings.HANDBOOK_ADOPTION_CONTACT
    )


def quarter_shown(plan: Plan, code: str | None, today: date) -> FiscalQuarter:
    """The quarter ``code`` names, which must be one of the plan's fiscal year; none: the quarter of
    ``today`` within the year (its first before it begins, its last once it is over). Raises ``NotFound``
    naming the problem for a code that is no quarter or one of another year."""
    year = FiscalYear.parse(plan.fiscal_year)
    if code:
        try:
            quarter = FiscalQuarter.parse(code)
        except CalendarError as exc:
            raise NotFound(str(exc)) from exc
        if quarter.fy != year:
            raise NotFound(not_a_quarter_of(plan, quarter.code))
        return quarter
    first, last = year.quarters()[0], year.quarters()[-1]
    today_quarter = calendar().period_of(today)
    return min(max(today_quarter, first), last)


def reader_terms(plan: Plan, reader: User | None, quarter: FiscalQuarter) -> tuple[Decimal | None, dict]:
    """The reader's on-target amount for ``quarter`` (the engine's, prorated by days; None when they are not
    on the plan in it) and their goals by metric (``nrr``, ``kpi``: None where the plan's apply)."""
    if reader is None or not reader.pk:
        return None, {}
    start, end = calendar().bounds(quarter)
    rows = list(
        Assignment.objects.filter(plan=plan, employee=reader).values_list(
            "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"
        )
    )
    frame = pd.DataFrame(
        [(reader.pk, *row) for row in rows],
        columns=["employee_id", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"],
        dtype=object,
    )
    amounts = on_target_amounts(frame, start, end)
    if amounts.empty:
        return None, {}
    row = amounts.iloc[0]
    return row["oti"], {"nrr": row["nrr_goal"], "kpi": row["kpi_goal"]}


def build_handbook(
    plan: Plan, *, reader: User | None = None, quarter: str | None = None, today: date | None = None
) -> Handbook:
    """The handbook of ``plan`` for ``reader`` (None: nobody's own figures, as a quarter's ZIP holds it) in
    ``quarter`` (a code of the plan's year; None: the current one, ``quarter_shown``). Raises ``NotFound``
    for a quarter that is not the plan's. Reads the plan, the reader's assignments and the year's
    timeline; writes nothing."""
    today = today or timezone.localdate()
    shown = quarter_shown(plan, quarter, today)
    start, end = calendar().bounds(shown)
    spec = plan_spec(plan)
    own, goals = reader_terms(plan, reader, shown)
    oti = own if own is not None else EXAMPLE_OTI
    units = {c.code: kpi_unit(c.kpi) for c in spec.components if c.metric == "kpi" and c.source == "computed"}
    components = component_rules(spec, goals=goals, units=units)
    credit = credit_date_rules(spec)
    recovery = Recovery.of(plan)
    adoption = has_adoption(spec)
    timeline = year_timeline(plan.fiscal_year, today, adoption=adoption)
    people = contacts()
    return Handbook(
        plan=plan,
        spec=spec,
        quarter=shown.code,
        quarter_start=start,
        quarter_end=end,
        quarters=tuple(q.code for q in FiscalYear.parse(plan.fiscal_year).quarters()),
        oti=oti,
        own_oti=own is not None,
        has_reader=reader is not None,
        shares=shares_text(spec),
        components=components,
        has_adoption=adoption,
        adoption=adoption_sentences(spec) if adoption else [],
        credit=credit,
        credit_across_years=across_years_sentence(plan.fiscal_year),
        clawbacks=clawback_sentences(recovery, credit),
        negative_balance=negative_balance_sentence(recovery),
        escalators=[escalator_sentence(e) for e in spec.escalators],
        examples=worked_examples(spec, oti, goals=goals, units=units),
        escalated=escalated_example(spec, oti, goals=goals, units=units),
        timeline=timeline,
        faq=faq(
            spec,
            quarter=(shown.code, end),
            components=components,
            credit=credit,
            timeline=timeline,
            contacts=people,
            recovery=recovery,
        ),
        contacts=people,
        today=today,
    )
