"""DESIGN §4.7: a component that does not apply leaves its weight to the others — a reviewer is warned."""

from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import assignment, component, customer, line, plan, quarter, total, warnings_of


def test_a_csm_with_an_assignment_and_an_empty_book_is_warned_per_component():
    # E2 has an assignment but owns nothing (a refused ownership import): KPI carries the whole OTI.
    inputs = quarter(
        customers=[customer("C1", score=60)],
        assignments=[assignment("E1"), assignment("E2")],
        kpis={"E1": 10, "E2": 10},
    )
    result = calculate_quarter(inputs)

    assert line(result, "KPI", "E2")["payout"] == D("3000.00")
    messages = [w.message for w in warnings_of(result, "component_not_applied") if w.employee_id == "E2"]
    assert len(messages) == 2
    assert any("E2" in m and "ADOPTION does not apply" in m and "book is empty" in m for m in messages)
    assert any("E2" in m and "NRR does not apply" in m and "book is empty" in m for m in messages)
    assert all("KPI carries its weight" in m for m in messages)
    # E1's book counts for every component: no such warning about them.
    assert not [w for w in warnings_of(result, "component_not_applied") if w.employee_id == "E1"]


def test_a_book_where_no_customer_counts_is_warned_for_adoption():
    # C1 is not in the snapshot: left out of adoption, so NRR and KPI share the OTI.
    result = calculate_quarter(quarter(customers=[customer("C1", baseline=None)]))

    [warning] = warnings_of(result, "component_not_applied")
    assert warning.employee_id == "E1"
    assert "ADOPTION does not apply" in warning.message
    assert "no customer of their book counts" in warning.message
    assert "NRR, KPI carry its weight" in warning.message


def test_no_component_applying_is_one_warning_and_pays_zero():
    no_kpi = plan(component("ADOPTION", "adoption"), component("NRR", "nrr", goal="1.10", floor="1.0"))
    result = calculate_quarter(quarter(customers=[customer("C1", baseline=None, arr=None)], plan_spec=no_kpi))

    [warning] = warnings_of(result, "no_component_applies")
    assert warning.employee_id == "E1"
    assert "ADOPTION" in warning.message and "NRR" in warning.message and "payout 0" in warning.message
    assert not warnings_of(result, "component_not_applied")
    assert total(result) == D("0.00")
