"""The handbook's rules and worked examples come from the plan and the engine (docs/handbook.md): the
examples are the engine's figures, and what a component may pay above its share follows its cap."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from commissions.engine import ComponentSpec, EscalatorSpec, calculate_quarter
from dashboards.handbook.examples import escalated_example, worked_examples
from dashboards.handbook.rules import component_rules, credit_date_rules, shares_text
from tests.engine.builders import assignment, component, customer, deal, plan, quarter, thirds_plan

# The plan of DESIGN §3's example: ADOPTION capped at 1.0, NRR goal 1.10 floor 1.0 accelerator 1, no cap;
# KPI prs goal 10 capped at 1.0; weights 1:1:1.
THIRDS = thirds_plan()


def _payouts(example) -> dict[str, D]:
    return {line.code: line.payout for line in example.lines}


def test_worked_examples_at_50_100_and_150_percent_hand_computed():
    # OTI 3000.00, each component a third (1000.00 at a factor of 1):
    #  50%: every factor 0.5 → 500.00 each, 1500.00.
    # 100%: every factor 1 → 1000.00 each, 3000.00.
    # 150%: ADOPTION and KPI capped at 1.0 → 1000.00; NRR 1 + 1 × 0.5 = 1.5 → 1500.00; 3500.00.
    half, full, more = worked_examples(THIRDS, D("3000.00"))

    assert _payouts(half) == {"ADOPTION": D("500.00"), "NRR": D("500.00"), "KPI": D("500.00")}
    assert half.total == D("1500.00")
    assert _payouts(full) == {"ADOPTION": D("1000.00"), "NRR": D("1000.00"), "KPI": D("1000.00")}
    assert full.total == D("3000.00")
    assert _payouts(more) == {"ADOPTION": D("1000.00"), "NRR": D("1500.00"), "KPI": D("1000.00")}
    assert more.total == D("3500.00")
    nrr = next(line for line in more.lines if line.code == "NRR")
    assert (nrr.factor, nrr.takes) == (D("1.5"), "NRR of 115.0%")  # 1.0 + 1.5 × (1.10 − 1.0)


@pytest.mark.parametrize("level, nrr_delta, prs", [(0, 5000, 5), (2, 15000, 15)])
def test_the_examples_equal_a_calculation_of_the_engine_at_that_attainment(level, nrr_delta, prs):
    """A book of 100,000 ARR with an expansion of +5,000 (NRR 1.05: 50% of the way from 1.0 to 1.10) and
    5 PRs of 10 is 50% on both components; +15,000 and 15 PRs is 150%. The engine's payouts of that quarter
    are the handbook's example for the level."""
    spec = plan(
        component("NRR", "nrr", goal="1.10", floor="1.0", accelerator="1.0"),
        component("KPI", "kpi", kpi="prs", goal=10, cap="1.2"),
    )
    inputs = quarter(
        plan_spec=spec,
        customers=[customer("C1", arr=100000)],
        deals=[deal("D1", "C1", "expansion", nrr_delta, date(2021, 6, 1))],
        kpis={"E1": prs},
        assignments=[assignment(amount="2500.00")],
    )
    result = calculate_quarter(inputs)
    engine = dict(zip(result.components["component"], result.components["payout"], strict=True))

    example = worked_examples(spec, D("2500.00"))[level]

    assert _payouts(example) == engine
    assert example.total == result.payouts.iloc[0]["total"]


def test_a_component_that_cannot_reach_the_level_is_taken_at_its_highest():
    # Adoption's A is a mean of r clamped at the customer cap (1.2 here); a lower-is-better KPI without an
    # accelerator stops at 100% (DESIGN §10.3).
    spec = plan(
        component("ADOPTION", "adoption"),
        ComponentSpec(
            "LOW",
            "kpi",
            D(1),
            kpi="util_below_60",
            direction="lower",
            goal=D(2),
            ceiling=D(6),
            accelerator=D(0),
        ),
        customer_cap=D("1.2"),
    )
    more = worked_examples(spec, D("1000.00"))[2]
    lines = {line.code: line for line in more.lines}

    assert (lines["ADOPTION"].attainment, lines["ADOPTION"].limited) == (D("1.2"), True)
    assert (lines["LOW"].attainment, lines["LOW"].limited, lines["LOW"].takes) == (
        D("1"),
        True,
        "util_below_60 of 2",
    )
    assert lines["ADOPTION"].payout == D("600.00")  # 1000 × 1/2 × 1.2
    assert lines["LOW"].payout == D("500.00")
    half = {line.code: line for line in worked_examples(spec, D("1000.00"))[0].lines}
    assert half["LOW"].takes == "util_below_60 of 4"  # 6 − 0.5 × (6 − 2)


def test_a_threshold_above_the_level_pays_nothing_there():
    spec = plan(component("KPI", "kpi", kpi="prs", goal=10, threshold="0.6"))
    half, full, _ = worked_examples(spec, D("1000.00"))
    assert (half.total, full.total) == (D("0.00"), D("1000.00"))


def test_the_escalated_example_adds_what_the_engine_says():
    # OTI 1000.00, one component at 100%, ×1.10 on the total: 1100.00, the escalator added 100.00.
    spec = plan(
        component("KPI", "kpi", kpi="prs", goal=10, cap="1.0"),
        escalators=(EscalatorSpec("quality", "data_quality", D(95), D("1.10")),),
    )
    example = escalated_example(spec, D("1000.00"))

    assert example.total == D("1100.00")
    assert example.escalators == (("quality", D("100.00")),)
    assert escalated_example(THIRDS, D("1000.00")) is None


def test_shares_are_each_components_weight_over_the_sum():
    assert shares_text(
        plan(
            component("NRR", "nrr", weight=50, goal="1.1"),
            component("KPI", "kpi", weight=50, kpi="prs", goal=1),
        )
    ) == ("NRR 50.0%, KPI 50.0%")
    assert shares_text(THIRDS) == "ADOPTION 33.3%, NRR 33.3%, KPI 33.3%"


def test_what_may_pay_above_its_share_follows_the_cap_and_the_accelerator():
    rules = {rule.code: rule for rule in component_rules(THIRDS)}
    assert rules["NRR"].over_achieves and rules["NRR"].top_factor is None
    assert rules["NRR"].over_achievement == "NRR may pay above its share, without a cap."
    assert not rules["KPI"].over_achieves
    assert rules["KPI"].over_achievement == "KPI pays at most its share: its factor stops at 100.0%."
    capped = plan(
        component("NRR", "nrr", goal="1.10", cap="1.25"),
        component("K", "kpi", kpi="prs", goal=1, accelerator=0),
    )
    rules = {rule.code: rule for rule in component_rules(capped)}
    assert rules["NRR"].over_achievement == "NRR may pay above its share, up to 125.0% of it."
    assert not rules["K"].over_achieves  # no accelerator: nothing above 100%


def test_the_readers_goal_replaces_the_plans_and_says_so():
    rules = {rule.code: rule for rule in component_rules(THIRDS, goals={"nrr": D("1.12"), "kpi": None})}
    assert rules["NRR"].goal == "112.0% (your assignment's goal; the plan's is 110.0%)"
    assert rules["KPI"].goal == "10"
    nrr = next(
        line
        for line in worked_examples(THIRDS, D("3000"), goals={"nrr": D("1.12")})[0].lines
        if line.code == "NRR"
    )
    assert nrr.takes == "NRR of 106.0%"  # 1.0 + 0.5 × 0.12


def test_credit_dates_per_deal_type_default_and_overrides():
    today = credit_date_rules(THIRDS)
    assert [(r.deal_type, r.credit_date, r.by_type) for r in today] == [
        ("renewal", "booked", False),
        ("expansion", "booked", False),
        ("contraction", "booked", False),
        ("churn", "booked", False),
    ]
    overridden = credit_date_rules(
        replace(THIRDS, credit_date_by_type=(("churn", "effective"), ("renewal", "effective")))
    )
    assert [r.sentence for r in overridden] == [
        "Renewal: counts in the quarter of its effective date (the plan's rule for this type).",
        "Expansion: counts in the quarter of its booking date (the plan's default).",
        "Contraction: counts in the quarter of its booking date (the plan's default).",
        "Churn: counts in the quarter of its effective date (the plan's rule for this type).",
    ]
