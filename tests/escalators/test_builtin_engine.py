"""Escalators gated on built-in metrics in the engine (docs/design.md §11.1 "Built-in metrics", §11.2),
with payouts computed by hand to the cent.

FY22-Q2 runs 2021-05-01 to 2021-07-31; E1's OTI is 3000.00. The plan has two KPI components of weight 1:
PRS (goal 10) and QBRS (goal 10, cap 1.0), so each line is 1500.00 × its factor. A KPI's attainment is
value ÷ goal (DESIGN §4.5); the plan's ``attainment`` is Σ weight × attainment ÷ Σ weight over the
components that apply, before any escalator, a ratio where 1 is every goal reached.
"""

from datetime import date
from decimal import Decimal as D

from commissions.engine import EscalatorSpec, calculate_quarter
from commissions.engine.escalators import attainment_values
from tests.engine.builders import component, line, plan, quarter, total, warnings_of

from .test_engine import run

ON_TARGET = EscalatorSpec(code="target", metric="attainment", at_least=D("1.0"), multiplier=D("1.10"))


def test_attainment_exactly_at_the_bar_qualifies_and_is_attainment_not_payout():
    # PRS 5 → 0.5; QBRS 15 → 1.5 (paid at its cap 1.0). Attainment (0.5 + 1.5) ÷ 2 = 1.0: at the bar.
    # The payout ratio before escalators would be (0.5 + 1.0) ÷ 2 = 0.75: not what is judged.
    result = run(ON_TARGET, kpis={("E1", "prs"): 5, ("E1", "qbrs"): 15})

    prs, qbrs = line(result, "PRS"), line(result, "QBRS")
    entry = prs["detail"]["escalators"][0]
    assert (entry["metric"], entry["values"], entry["qualified"]) == ("attainment", [["FY22-Q2", D(1)]], True)
    # PRS 1500.00 × 0.5 × 1.10 = 825.00; QBRS 1500.00 × 1.0 × 1.10 = 1650.00.
    assert (prs["payout"], qbrs["payout"], total(result)) == (D("825.00"), D("1650.00"), D("2475.00"))
    assert (prs["detail"]["escalators"][0]["added"], qbrs["detail"]["escalators"][0]["added"]) == (
        D("75.00"),
        D("150.00"),
    )
    assert not warnings_of(result, "escalator_no_value")


def test_attainment_a_hundred_thousandth_below_the_bar_does_not_qualify():
    # PRS 10 → 1; QBRS 9.9998 → 0.99998; (1 + 0.99998) ÷ 2 = 0.99999 < 1.0.
    result = run(ON_TARGET, kpis={("E1", "prs"): 10, ("E1", "qbrs"): "9.9998"})

    entry = line(result, "PRS")["detail"]["escalators"][0]
    assert (entry["values"], entry["qualified"]) == ([["FY22-Q2", D("0.99999")]], False)
    # 1500.00 + 1500.00 × 0.99998 = 1500.00 + 1499.97 = 2999.97, nothing added.
    assert total(result) == D("2999.97")


def test_a_components_attainment_gates_another_component():
    on_qbrs = EscalatorSpec(
        code="qbrs", metric="attainment.QBRS", at_least=D("1.5"), multiplier=D("1.2"), applies_to="PRS"
    )
    result = run(on_qbrs, kpis={("E1", "prs"): 8, ("E1", "qbrs"): 15})

    prs = line(result, "PRS")
    # QBRS's attainment 1.5 (before its cap) reaches 1.5: PRS 1500.00 × 0.8 × 1.2 = 1440.00.
    assert prs["detail"]["escalators"][0]["values"] == [["FY22-Q2", D("1.5")]]
    assert (prs["payout"], line(result, "QBRS")["payout"]) == (D("1440.00"), D("1500.00"))
    assert "escalators" not in line(result, "QBRS")["detail"]


def test_the_plans_attainment_is_weighted_by_the_components_weights():
    weighted = plan(
        component("PRS", "kpi", weight=2, kpi="prs", goal=10),
        component("QBRS", "kpi", weight=1, kpi="qbrs", goal=10),
        escalators=(ON_TARGET,),
    )
    # PRS 12 → 1.2 (weight 2), QBRS 6 → 0.6 (weight 1): (2 × 1.2 + 1 × 0.6) ÷ 3 = 1.0, at the bar; an
    # unweighted mean, (1.2 + 0.6) ÷ 2 = 0.9, would not qualify.
    result = calculate_quarter(quarter(plan_spec=weighted, kpis={("E1", "prs"): 12, ("E1", "qbrs"): 6}))

    assert line(result, "PRS")["detail"]["escalators"][0]["values"] == [["FY22-Q2", D(1)]]
    # PRS 2000.00 × 1.2 × 1.1 = 2640.00; QBRS 1000.00 × 0.6 × 1.1 = 660.00.
    assert total(result) == D("3300.00")


def test_a_component_that_does_not_apply_has_no_attainment_and_leaves_the_plans_attainment():
    lines = [
        {"component": "PRS", "applies": True, "weight": D(1), "attainment": D("0.9")},
        {"component": "NRR", "applies": False, "weight": D(3), "attainment": None},
    ]

    assert attainment_values(lines) == {
        "attainment.PRS": D("0.9"),
        "attainment.NRR": None,
        "attainment": D("0.9"),
    }
    assert attainment_values([lines[1]])["attainment"] is None


def test_no_attainment_does_not_qualify_and_warns_naming_the_person():
    with_nrr = plan(
        component("PRS", "kpi", kpi="prs", goal=10),
        component("NRR", "nrr", goal="1.10", floor="1.0"),
        escalators=(
            EscalatorSpec(code="nrr", metric="attainment.NRR", at_least=D(0), multiplier=D(2)),
            ON_TARGET,
        ),
    )
    # No customer, no ARR at the quarter's start: NRR does not apply (DESIGN §4.7), PRS carries it all.
    result = calculate_quarter(quarter(plan_spec=with_nrr, kpis={"E1": 10}))

    nrr_gate, target = line(result, "PRS")["detail"]["escalators"]
    assert (nrr_gate["values"], nrr_gate["qualified"]) == ([["FY22-Q2", None]], False)
    assert (target["values"], target["qualified"]) == ([["FY22-Q2", D(1)]], True)
    assert total(result) == D("3300.00")  # 3000.00 × 1 × 1.10
    assert [w.message for w in warnings_of(result, "escalator_no_value")] == [
        "E1 has no attainment.NRR value in FY22-Q2: escalator nrr does not apply in FY22-Q2."
    ]


def test_a_row_named_attainment_in_the_metrics_table_is_never_read():
    result = run(
        ON_TARGET,
        kpis={("E1", "prs"): 5, ("E1", "qbrs"): 5},
        rows=[("E1", "attainment", date(2021, 5, 1), 2)],
    )

    assert line(result, "PRS")["detail"]["escalators"][0]["values"] == [["FY22-Q2", D("0.5")]]
    assert total(result) == D("1500.00")


def test_a_daily_builtin_metric_is_judged_as_an_imported_one_a_missing_month_loses_it():
    monthly = EscalatorSpec(
        code="dau", metric="kpi.dau_mau", at_least=D("0.5"), multiplier=D("1.10"), over="months"
    )
    days = [
        ("E1", "kpi.dau_mau", date(2021, 5, 3), "0.5"),
        ("E1", "kpi.dau_mau", date(2021, 6, 1), "0.4"),
        ("E1", "kpi.dau_mau", date(2021, 6, 2), "0.6"),  # June's mean 0.5: at the bar
    ]
    result = run(monthly, rows=days)

    entry = line(result, "PRS")["detail"]["escalators"][0]
    assert entry["values"] == [["2021-05", D("0.5")], ["2021-06", D("0.5")], ["2021-07", None]]
    assert entry["qualified"] is False and total(result) == D("3000.00")
    assert [w.message for w in warnings_of(result, "escalator_no_value")] == [
        "E1 has no kpi.dau_mau value in 2021-07: escalator dau does not apply in FY22-Q2."
    ]

    july = run(monthly, rows=[*days, ("E1", "kpi.dau_mau", date(2021, 7, 31), "0.5")])
    assert total(july) == D("3300.00")
