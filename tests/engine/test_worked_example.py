"""DESIGN §4 "Worked example", computed by the pure engine."""

from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import payouts, worked_example


def test_worked_example_pays_2333_33():
    result = calculate_quarter(worked_example())
    assert payouts(result) == {"ADOPTION": D("833.33"), "NRR": D("500.00"), "KPI": D("1000.00")}
    assert result.payouts.to_dict("records") == [
        {"employee_id": "E1", "oti": D("3000.00"), "total": D("2333.33")}
    ]


def test_worked_example_customer_lines_explain_adoption():
    customers = calculate_quarter(worked_example()).customers.set_index("customer_id")
    assert customers.at["C1", "r"] == D("0.75")
    assert customers.at["C2", "r"] == D(1)
    assert bool(customers.at["C3", "counted"]) is False
    assert customers.at["C3", "reason"].startswith("held harmless")


def test_worked_example_component_metrics():
    lines = calculate_quarter(worked_example()).components.set_index("component")
    assert lines.at["ADOPTION", "metric_value"] == D(125000) / D(150000)
    assert lines.at["NRR", "metric_value"] == D("1.05")
    assert lines.at["NRR", "attainment"] == D("0.5")
    assert lines.at["KPI", "attainment"] == D("1.2")
    assert lines.at["KPI", "factor"] == D("1.0")
