"""DESIGN §4.7 payout lines and totals, and §4's exact decimal arithmetic with half-up rounding."""

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP
from decimal import Decimal as D

from commissions.engine import calculate_quarter, to_cents, to_ratio

from .builders import (
    assignment,
    at_target,
    component,
    customer,
    deal,
    kpi_only,
    line,
    plan,
    quarter,
    thirds_plan,
    total,
)

CENT = D("0.01")


def test_payout_is_oti_times_weight_share_times_factor_rounded_half_up():
    # 10.01 × 1/1 × (5/10) = 5.005 exactly: half-up pays 5.01 where banker's rounding would pay 5.00.
    assert D("5.005").quantize(CENT, rounding=ROUND_HALF_EVEN) == D("5.00")
    result = calculate_quarter(
        quarter(plan_spec=kpi_only(), kpis={"E1": 5}, assignments=[assignment(amount="10.01")])
    )
    assert line(result, "KPI")["payout"] == D("5.01")
    # And with a share: 30.03 × 1/3 × 0.5 = 5.005 → 5.01.
    result = calculate_quarter(
        quarter(
            customers=[customer("C1", score=50)], kpis={"E1": 5}, assignments=[assignment(amount="30.03")]
        )
    )
    assert line(result, "ADOPTION")["payout"] == D("5.01")
    assert line(result, "KPI")["payout"] == D("5.01")


def test_payout_of_a_general_line():
    # OTI 3000 × 61/92, thirds, f = 0.75 (KPI 7.5 of 10).
    inputs = at_target(assignments=[assignment(start_date=date(2021, 6, 1))], kpis={"E1": "7.5"})
    kpi = line(calculate_quarter(inputs), "KPI")
    exact = D(3000) * 61 / 92 * 1 / 3 * D("0.75")
    assert kpi["payout"] == exact.quantize(CENT, rounding=ROUND_HALF_UP) == D("497.28")


def test_total_is_sum_of_rounded_lines():
    # 100.00 in thirds at f = 1: three lines of 33.33 and a total of 99.99, not round(100.00) = 100.00.
    result = calculate_quarter(at_target(assignments=[assignment(amount="100.00")]))
    lines = result.components.set_index("component")
    assert list(lines["factor"]) == [D(1), D(1), D(1)]
    assert list(lines["payout"]) == [D("33.33")] * 3
    assert total(result) == D("99.99")


def test_no_component_applies_pays_zero():
    no_kpi = plan(component("ADOPTION", "adoption"), component("NRR", "nrr", goal="1.10", floor="1.0"))
    result = calculate_quarter(quarter(customers=[customer("C1", baseline=None, arr=None)], plan_spec=no_kpi))
    assert list(result.components["applies"]) == [False, False]
    assert list(result.components["payout"]) == [D("0.00"), D("0.00")]
    assert total(result) == D("0.00")
    assert list(result.payouts["employee_id"]) == ["E1"]


def test_fifty_fifty_weights_give_halves():
    halves = plan(
        component("PRS", "kpi", weight=50, kpi="prs", goal=10),
        component("NPS", "kpi", weight=50, kpi="nps", goal=10),
    )
    result = calculate_quarter(quarter(plan_spec=halves, kpis={("E1", "prs"): 10, ("E1", "nps"): 10}))
    assert line(result, "PRS")["share"] == D("0.5")
    assert line(result, "PRS")["payout"] == D("1500.00")
    assert line(result, "NPS")["payout"] == D("1500.00")


def test_weights_are_relative_shares():
    uneven = plan(
        component("A", "kpi", weight=2, kpi="prs", goal=10),
        component("B", "kpi", weight=1, kpi="prs", goal=10),
        component("C", "kpi", weight=1, kpi="prs", goal=10),
    )
    result = calculate_quarter(quarter(plan_spec=uneven))
    assert [line(result, c)["payout"] for c in "ABC"] == [D("1500.00"), D("750.00"), D("750.00")]


def test_one_one_one_weights_are_exactly_a_third_each():
    result = calculate_quarter(at_target(plan_spec=thirds_plan(), assignments=[assignment(amount="1000.00")]))
    for code in ("ADOPTION", "NRR", "KPI"):
        assert line(result, code)["share"] == D(1) / D(3)
        assert line(result, code)["payout"] == D("333.33")


def test_ratios_round_half_up_to_four_places_and_money_to_cents():
    assert to_ratio(D("0.83335")) == D("0.8334")
    assert to_ratio(D("0.83334999")) == D("0.8333")
    assert to_cents(D("2.675")) == D("2.68")
    assert to_cents(D("-2.675")) == D("-2.68")


def _float_payout(amount_cents: int, attainment: float) -> D:
    """The same formula as §4.7 with floats: OTI × weight / Σ weights × f, then half-up to cents."""
    value = amount_cents / 100 * 1.0 / 2.0 * attainment
    return D(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _exact_payout(amount_cents: int, attainment: D) -> D:
    return (D(amount_cents) / 100 * 1 / 2 * attainment).quantize(CENT, rounding=ROUND_HALF_UP)


def test_exact_decimals_where_float_is_a_cent_off():
    # 50:50 plan, both KPI lines at f = 0.7 (7 of 10): find an OTI whose float payout is a cent off.
    attainment = D(7) / D(10)
    found = next(
        cents
        for cents in range(100_00, 10_000_00)
        if _float_payout(cents, 7 / 10) != _exact_payout(cents, attainment)
    )
    amount = D(found) / 100
    halves = plan(
        component("PRS", "kpi", weight=1, kpi="prs", goal=10),
        component("NPS", "kpi", weight=1, kpi="nps", goal=10),
    )
    inputs = quarter(
        plan_spec=halves, kpis={("E1", "prs"): 7, ("E1", "nps"): 7}, assignments=[assignment(amount=amount)]
    )
    paid = line(calculate_quarter(inputs), "PRS")["payout"]
    assert paid == _exact_payout(found, attainment)
    assert paid != _float_payout(found, 7 / 10)
    assert abs(paid - _float_payout(found, 7 / 10)) == CENT


def test_exact_decimals_where_float_is_a_cent_off_known_case():
    # 10.01 / 2 is 5.005 exactly, but 5.00499999999999989… in binary floating point.
    assert D(10.01 / 2).quantize(CENT, rounding=ROUND_HALF_UP) == D("5.00")
    halves = plan(
        component("PRS", "kpi", weight=1, kpi="prs", goal=10),
        component("NPS", "kpi", weight=1, kpi="nps", goal=10),
    )
    inputs = quarter(
        plan_spec=halves,
        kpis={("E1", "prs"): 10, ("E1", "nps"): 10},
        assignments=[assignment(amount="10.01")],
    )
    assert line(calculate_quarter(inputs), "PRS")["payout"] == D("5.01")


def test_money_and_ratios_stay_decimal():
    result = calculate_quarter(
        quarter(
            customers=[customer("C1", score=55)], deals=[deal("D1", "C1", "renewal", 5000, date(2021, 6, 1))]
        )
    )
    for column in ("metric_value", "attainment", "factor", "share", "payout"):
        for value in result.components[column]:
            assert isinstance(value, D), (column, value)
    assert isinstance(total(result), D)
    assert isinstance(result.payouts.at[0, "oti"], D)
    for value in result.customers["r"].tolist() + result.customers["weight"].tolist():
        assert isinstance(value, D)
