"""DESIGN §4.5 KPI attainment and §4.6 payout factor."""

from decimal import Decimal as D

import pytest

from commissions.engine import ComponentSpec, calculate_quarter
from commissions.engine.payout import payout_factor

from .builders import assignment, component, kpi_only, line, plan, quarter, warnings_of


def kpi_line(value, *, plan_spec=None, **kwargs) -> tuple[dict, object]:
    kpis = {} if value is None else {"E1": value}
    result = calculate_quarter(quarter(plan_spec=plan_spec or kpi_only(), kpis=kpis, **kwargs))
    return line(result, "KPI"), result


def test_kpi_attainment_is_value_over_goal():
    kpi, _ = kpi_line(7)
    assert kpi["metric_value"] == D(7)
    assert kpi["attainment"] == D("0.7")
    kpi, _ = kpi_line(4, plan_spec=kpi_only(goal=3))
    assert kpi["attainment"] == D(4) / D(3)
    kpi, _ = kpi_line(0)
    assert kpi["attainment"] == D(0)
    assert kpi["applies"] is True


def test_kpi_goal_from_assignment_overrides():
    kpi, _ = kpi_line(7, assignments=[assignment(kpi_goal=14)])
    assert kpi["attainment"] == D("0.5")
    assert kpi["detail"]["goal"] == D(14)


def test_missing_kpi_gives_zero_with_warning():
    kpi, result = kpi_line(None)
    assert kpi["applies"] is True
    assert kpi["attainment"] == D(0)
    assert kpi["payout"] == D("0.00")
    [warning] = warnings_of(result, "missing_kpi")
    assert warning.employee_id == "E1"
    assert "prs" in warning.message


def test_kpi_is_read_by_its_name_and_employee():
    kpis = {("E1", "tickets"): 10, ("E2", "prs"): 10}
    result = calculate_quarter(quarter(plan_spec=kpi_only(), kpis=kpis))
    assert line(result, "KPI")["attainment"] == D(0)
    assert warnings_of(result, "missing_kpi")


def test_two_kpi_components_read_their_own_kpi():
    two = plan(component("PRS", "kpi", kpi="prs", goal=10), component("NPS", "kpi", kpi="nps", goal=50))
    result = calculate_quarter(quarter(plan_spec=two, kpis={("E1", "prs"): 5, ("E1", "nps"): 50}))
    assert line(result, "PRS")["attainment"] == D("0.5")
    assert line(result, "NPS")["attainment"] == D(1)
    assert line(result, "PRS")["payout"] == D("750.00")
    assert line(result, "NPS")["payout"] == D("1500.00")


# --- payout factor ---


def spec(**fields) -> ComponentSpec:
    return component("X", "kpi", kpi="prs", goal=10, **fields)


@pytest.mark.parametrize(
    ("attainment", "expected"),
    [("0", "0"), ("0.3", "0.3"), ("0.75", "0.75"), ("1", "1"), ("1.2", "1.2"), ("3", "3")],
)
def test_factor_equals_attainment_by_default(attainment, expected):
    assert payout_factor(D(attainment), spec()) == D(expected)


def test_factor_below_threshold_is_zero():
    assert payout_factor(D("0.49"), spec(threshold="0.5")) == D(0)
    assert payout_factor(D("0.4999999"), spec(threshold="0.5")) == D(0)


def test_factor_at_threshold_is_attainment():
    assert payout_factor(D("0.5"), spec(threshold="0.5")) == D("0.5")
    assert payout_factor(D("0.51"), spec(threshold="0.5")) == D("0.51")


def test_factor_above_one_is_accelerated():
    assert payout_factor(D("1.2"), spec(accelerator=2)) == D("1.4")  # 1 + 2 × 0.2
    assert payout_factor(D("1"), spec(accelerator=2)) == D(1)
    assert payout_factor(D("0.9"), spec(accelerator=2)) == D("0.9")  # below 1 the accelerator plays no part


def test_factor_cap_is_applied_after_accelerator():
    assert payout_factor(D("1.2"), spec(accelerator=2, cap="1.3")) == D("1.3")  # 1.4 capped
    assert payout_factor(D("1.1"), spec(accelerator=2, cap="1.3")) == D("1.2")  # 1.2 under the cap
    assert payout_factor(D("0.8"), spec(cap="0.5")) == D("0.5")


def test_factor_rules_hold_through_the_engine():
    capped = kpi_only(threshold="0.5", accelerator="2", cap="1.3")
    assert kpi_line(4, plan_spec=capped)[0]["factor"] == D(0)
    assert kpi_line(5, plan_spec=capped)[0]["factor"] == D("0.5")
    assert kpi_line(11, plan_spec=capped)[0]["factor"] == D("1.2")
    kpi, _ = kpi_line(12, plan_spec=capped)
    assert kpi["factor"] == D("1.3")
    assert kpi["payout"] == D("3900.00")
