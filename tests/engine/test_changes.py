"""What-if inputs (``engine.changes.with_changes``): the same calculation over changed inputs."""

from datetime import date
from decimal import Decimal as D

from commissions.engine import calculate_quarter
from commissions.engine.changes import with_changes

from .builders import payouts, worked_example


def test_no_change_calculates_the_same_payout():
    inputs = worked_example()
    assert payouts(calculate_quarter(with_changes(inputs, employee_id="E1"))) == payouts(
        calculate_quarter(inputs)
    )


def test_an_expected_score_replaces_the_pulled_one_and_leaves_the_inputs_alone():
    inputs = worked_example()
    before = inputs.scores.copy()
    changed = with_changes(inputs, employee_id="E1", scores={"C1": D("95")})
    assert inputs.scores.equals(before)
    assert list(changed.scores.loc[changed.scores["customer_id"] == "C1", "score"]) == [D("95")]
    assert len(changed.scores) == len(before) + (0 if "C1" in set(before["customer_id"]) else 1)


def test_an_expected_deal_is_added_on_its_date_and_a_kpi_value_replaces_the_csms():
    inputs = worked_example()
    deal = {"customer_id": "C1", "type": "expansion", "arr_delta": D("1000"), "currency": "USD"}
    changed = with_changes(
        inputs, employee_id="E1", deals=[{**deal, "date": date(2021, 6, 1)}], kpis={"prs": D("12")}
    )
    added = changed.deals.iloc[-1]
    assert (added["deal_id"], added["booked_on"], added["effective_on"]) == (
        "what-if-1",
        date(2021, 6, 1),
        date(2021, 6, 1),
    )
    assert len(changed.deals) == len(inputs.deals) + 1
    mine = changed.kpis[changed.kpis["employee_id"] == "E1"]
    assert list(mine.loc[mine["kpi"] == "prs", "value"]) == [D("12")]
    assert payouts(calculate_quarter(changed)) != payouts(calculate_quarter(inputs))
