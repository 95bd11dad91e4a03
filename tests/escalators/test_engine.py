"""Escalators in the engine (docs/design.md §11.2), with payouts computed by hand to the cent.

FY22-Q2 runs 2021-05-01 to 2021-07-31; E1's OTI is 3000.00 unless said. The plan has two KPI components
of weight 1: PRS (goal 10) and QBRS (goal 10, cap 1.0), so each line is 1500.00 × its factor.
"""

from datetime import date
from decimal import Decimal as D

from commissions.engine import EscalatorSpec, calculate_quarter
from tests.engine.builders import assignment, component, line, plan, quarter, table, total, warnings_of

QUALITY = EscalatorSpec(code="quality", metric="data_quality", at_least=D(95), multiplier=D("1.10"))


def two_kpis(*escalators: EscalatorSpec):
    return plan(
        component("PRS", "kpi", kpi="prs", goal=10),
        component("QBRS", "kpi", kpi="qbrs", goal=10, cap="1.0"),
        escalators=escalators,
    )


def metrics(*rows: tuple) -> object:
    """``(employee_id, metric, date, value)`` rows as the ``person_metrics`` input table."""
    keys = ("employee_id", "metric", "date", "value")
    return table("person_metrics", [dict(zip(keys, (*row[:3], D(str(row[3]))), strict=True)) for row in rows])


def run(*escalators: EscalatorSpec, rows=(), **fields):
    """E1 reaches PRS 10 (factor 1) and QBRS 15 (factor 1.5, capped at 1.0)."""
    kpis = fields.pop("kpis", {("E1", "prs"): 10, ("E1", "qbrs"): 15})
    return calculate_quarter(
        quarter(plan_spec=two_kpis(*escalators), kpis=kpis, person_metrics=metrics(*rows), **fields)
    )


def test_a_quarter_mean_exactly_at_the_bar_qualifies_and_multiplies_every_factor_for_total():
    result = run(
        QUALITY,
        rows=[("E1", "data_quality", date(2021, 5, 3), 94), ("E1", "data_quality", date(2021, 6, 1), 96)],
    )

    prs, qbrs = line(result, "PRS"), line(result, "QBRS")
    assert (prs["factor"], qbrs["factor"]) == (D("1.10"), D("1.10"))
    assert (prs["payout"], qbrs["payout"], total(result)) == (D("1650.00"), D("1650.00"), D("3300.00"))
    entry = prs["detail"]["escalators"][0]
    assert entry["values"] == [["FY22-Q2", D(95)]]
    assert (entry["qualified"], entry["added"]) == (True, D("150.00"))
    assert prs["detail"]["factor_before_escalators"] == D(1)
    assert not warnings_of(result, "escalator_no_value")


def test_a_mean_a_ten_thousandth_below_the_bar_does_not_qualify():
    result = run(QUALITY, rows=[("E1", "data_quality", date(2021, 7, 31), "94.9999")])

    prs = line(result, "PRS")
    assert (prs["factor"], prs["payout"], total(result)) == (D(1), D("1500.00"), D("3000.00"))
    assert prs["detail"]["escalators"][0]["qualified"] is False
    assert prs["detail"]["escalators"][0]["added"] == D("0.00")


def test_rows_outside_the_quarter_are_not_read():
    rows = [("E1", "data_quality", date(2021, 4, 30), 100), ("E1", "data_quality", date(2021, 8, 1), 100)]
    result = run(QUALITY, rows=[*rows, ("E1", "data_quality", date(2021, 5, 1), 90)])

    assert line(result, "PRS")["detail"]["escalators"][0]["values"] == [["FY22-Q2", D(90)]]
    assert total(result) == D("3000.00")


def test_no_value_in_the_quarter_does_not_qualify_and_warns_naming_the_person():
    result = run(QUALITY, rows=[("E1", "demerits", date(2021, 5, 1), 0)])

    assert total(result) == D("3000.00")
    assert line(result, "PRS")["detail"]["escalators"][0]["values"] == [["FY22-Q2", None]]
    assert [w.message for w in warnings_of(result, "escalator_no_value")] == [
        "E1 has no data_quality value in FY22-Q2: escalator quality does not apply in FY22-Q2."
    ]
    assert warnings_of(result, "escalator_no_value")[0].employee_id == "E1"


MONTHLY = EscalatorSpec(
    code="monthly", metric="data_quality", at_least=D(95), multiplier=D("1.10"), over="months"
)


def test_months_qualify_when_each_months_mean_reaches_the_bar():
    rows = [
        ("E1", "data_quality", date(2021, 5, 1), 95),  # May given as a month (its first day)
        ("E1", "data_quality", date(2021, 6, 10), "94.9999"),
        ("E1", "data_quality", date(2021, 6, 20), 99),  # June's mean 96.99995
        ("E1", "data_quality", date(2021, 7, 1), 97),
    ]
    result = run(MONTHLY, rows=rows)

    entry = line(result, "PRS")["detail"]["escalators"][0]
    assert entry["values"] == [["2021-05", D(95)], ["2021-06", D("96.99995")], ["2021-07", D(97)]]
    assert entry["qualified"] is True
    assert total(result) == D("3300.00")


def test_one_month_below_the_bar_loses_the_months_escalator_though_the_quarter_mean_is_above():
    rows = [
        ("E1", "data_quality", date(2021, 5, 1), 99),
        ("E1", "data_quality", date(2021, 6, 1), "94.9999"),
        ("E1", "data_quality", date(2021, 7, 1), 99),
    ]
    result = run(MONTHLY, QUALITY, rows=rows)

    monthly, quarterly = line(result, "PRS")["detail"]["escalators"]
    assert (monthly["qualified"], quarterly["qualified"]) == (False, True)
    assert (monthly["added"], quarterly["added"]) == (D("0.00"), D("150.00"))
    assert total(result) == D("3300.00")


def test_a_month_without_a_value_loses_the_months_escalator_with_a_warning_naming_the_month():
    rows = [("E1", "data_quality", date(2021, 5, 1), 99), ("E1", "data_quality", date(2021, 6, 1), 99)]
    result = run(MONTHLY, rows=rows)

    assert line(result, "PRS")["detail"]["escalators"][0]["values"][2] == ["2021-07", None]
    assert total(result) == D("3000.00")
    assert [w.message for w in warnings_of(result, "escalator_no_value")] == [
        "E1 has no data_quality value in 2021-07: escalator monthly does not apply in FY22-Q2."
    ]


def test_an_escalator_on_a_capped_component_multiplies_its_factor_after_the_cap():
    on_qbrs = EscalatorSpec(
        code="q", metric="data_quality", at_least=D(95), multiplier=D("1.10"), applies_to="QBRS"
    )
    result = run(on_qbrs, rows=[("E1", "data_quality", date(2021, 5, 1), 95)])

    prs, qbrs = line(result, "PRS"), line(result, "QBRS")
    assert qbrs["attainment"] == D("1.5")
    assert (qbrs["detail"]["factor_before_escalators"], qbrs["factor"]) == (D("1.0"), D("1.10"))
    assert (prs["payout"], qbrs["payout"], total(result)) == (D("1500.00"), D("1650.00"), D("3150.00"))
    assert "escalators" not in prs["detail"]


def test_several_escalators_multiply_and_each_says_what_it_added():
    bonus = EscalatorSpec(
        code="bonus", metric="login_rate", at_least=D("0.9"), multiplier=D("1.05"), applies_to="QBRS"
    )
    rows = [("E1", "data_quality", date(2021, 5, 1), 95), ("E1", "login_rate", date(2021, 5, 1), "0.9")]
    result = run(QUALITY, bonus, rows=rows)

    qbrs = line(result, "QBRS")
    # 1500.00 × 1.0 × 1.10 × 1.05 = 1732.50: quality adds 150.00, then bonus 1732.50 − 1650.00 = 82.50.
    assert qbrs["factor"] == D("1.155")
    assert qbrs["payout"] == D("1732.50")
    assert [(e["code"], e["added"]) for e in qbrs["detail"]["escalators"]] == [
        ("quality", D("150.00")),
        ("bonus", D("82.50")),
    ]
    assert total(result) == D("3382.50")


def test_money_is_rounded_once_after_the_multiplier():
    one_kpi = plan(component("PRS", "kpi", kpi="prs", goal=3), escalators=(QUALITY,))
    inputs = quarter(
        plan_spec=one_kpi,
        kpis={"E1": 1},
        assignments=[assignment(amount="1000.00")],
        person_metrics=metrics(("E1", "data_quality", date(2021, 5, 1), 95)),
    )
    result = calculate_quarter(inputs)

    # 1000 × 1/3 × 1.10 = 366.666… → 366.67 (rounding 333.33 first would give 366.66).
    prs = line(result, "PRS")
    assert prs["payout"] == D("366.67")
    assert prs["detail"]["escalators"][0]["added"] == D("33.34")  # 366.67 − 333.33


def test_each_person_is_judged_on_their_own_metric():
    kpis = {("E1", "prs"): 10, ("E1", "qbrs"): 10, ("E2", "prs"): 10, ("E2", "qbrs"): 10}
    rows = [("E1", "data_quality", date(2021, 5, 1), 95), ("E2", "data_quality", date(2021, 5, 1), 80)]
    result = run(QUALITY, rows=rows, kpis=kpis, assignments=[assignment("E1"), assignment("E2")])

    assert (total(result, "E1"), total(result, "E2")) == (D("3300.00"), D("3000.00"))


def test_a_plan_without_escalators_writes_no_escalator_detail():
    result = run(rows=[("E1", "data_quality", date(2021, 5, 1), 100)])

    assert total(result) == D("3000.00")
    assert all("escalators" not in detail for detail in result.components["detail"])
